/**
 * Options to core requests, in one place: helm-crds and verify both read the kustomize-build target before them
 * (and verify the helm-crds target), so each target's options map to a request the same way wherever they are read.
 */
import { readTargetOptions, type ExecutorContext } from '@nx/devkit';
import { EXECUTORS, defaultOutputPath } from '../../constants';
import type { ChartCrdsTarget } from '../../core/chart/chart-crds-target';
import { DEFAULT_FILE_NAME_PATTERN } from '../../core/crd/model';
import type { BuildKustomizationRequest, KustomizeRun } from '../../core/kustomize/build-kustomization';
import { resolveOutputPath } from '../../core/paths/output-paths';
import { normalizeWorkspacePath } from '../../core/paths/workspace-paths';
import { UserError } from '../../core/shared/errors';
import type { WriteChartCrdsRequest } from '../../core/chart/write-chart-crds';
import type { VerifyChartRequest } from '../../core/verify/verify-chart';
import type { HelmCrdsExecutorSchema } from '../helm-crds/schema';
import type { KustomizeBuildExecutorSchema } from '../kustomize-build/schema';
import type { VerifyExecutorSchema } from '../verify/schema';

export interface TargetOptions<T> {
  readonly project: string;
  readonly target: string;
  readonly options: T;
}

/**
 * The options of another nx-helm-crds target, so a later step reuses the earlier step's configuration
 * instead of repeating paths in project.json. `explicitTarget` is `target` (this project) or
 * `project:target` (charts that share one kustomization share the first chart's kustomize-build); without
 * it, this project's one target with `executor`.
 */
export function siblingTargetOptions<T>(context: ExecutorContext, executor: string, explicitTarget: string | undefined): TargetOptions<T> {
  const separator = explicitTarget?.lastIndexOf(':') ?? -1;
  const project = separator === -1 ? context.projectName! : explicitTarget!.slice(0, separator);
  const named = separator === -1 ? explicitTarget : explicitTarget!.slice(separator + 1);
  if (explicitTarget !== undefined && (named === '' || project === '')) {
    throw new UserError(`The ${context.targetName} target's options name the target "${explicitTarget}": give "target" (this project) or "project:target".`);
  }
  const targets = context.projectsConfigurations.projects[project]?.targets ?? {};
  const candidates = named ? [named] : Object.keys(targets).filter((name) => targets[name].executor === executor);
  if (candidates.length !== 1 || !targets[candidates[0]]) {
    const found = candidates.length === 0 ? 'none' : candidates.join(', ');
    throw new UserError(
      explicitTarget
        ? `Project ${project} has no target "${named}" (named by the ${context.targetName} target's options as "${explicitTarget}").`
        : `Project ${project} needs exactly one target with executor ${executor} for ${context.targetName} to read; found ${found}. ` +
            'Name the one to use in the options (buildTarget / helmCrdsTarget).',
    );
  }
  const target = candidates[0];
  const options = readTargetOptions<T>({ project, target, configuration: context.configurationName }, context);
  return { project, target, options };
}

/** Where a kustomize-build target writes its output: what helm-crds and verify read. */
function kustomizeOutputFile(options: KustomizeBuildExecutorSchema, projectName: string): string {
  return options.outputFile ?? defaultOutputPath(projectName, 'kustomize.yaml');
}

/** How a kustomize-build target runs kustomize (verify builds its reference overlay the same way). */
function kustomizeRun(options: KustomizeBuildExecutorSchema): KustomizeRun {
  return {
    kustomize: options.kustomize,
    args: options.args,
    timeout: options.timeout,
    safety: { enableHelm: options.enableHelm, enableAlphaPlugins: options.enableAlphaPlugins, enableExec: options.enableExec, loadRestrictor: options.loadRestrictor },
  };
}

export function buildKustomizationRequest(options: KustomizeBuildExecutorSchema, context: ExecutorContext): BuildKustomizationRequest {
  return {
    workspaceRoot: context.root,
    kustomization: options.kustomization,
    outputFile: kustomizeOutputFile(options, context.projectName!),
    run: kustomizeRun(options),
    allowances: { allowUnreadableInputs: options.allowUnreadableInputs, allowRemoteResources: options.allowRemoteResources },
  };
}

/** The command users run to regenerate the chart (`nx run chart:crds`), not this inner step: it goes into headers and advice. */
function regenerateCommand(project: string, options: HelmCrdsExecutorSchema, helmCrdsTarget: string): string {
  return `nx run ${project}:${options.pipelineTarget ?? helmCrdsTarget}`;
}

/**
 * A helm-crds target's chart, as helm-crds writes it and verify compares it, with the kustomize-build target it
 * reads (buildTarget). `helmCrds` is the running target or, for verify, the one it verifies.
 */
function chartCrdsTarget(context: ExecutorContext, helmCrds: TargetOptions<HelmCrdsExecutorSchema>): { target: ChartCrdsTarget; build: TargetOptions<KustomizeBuildExecutorSchema> } {
  const { options } = helmCrds;
  // buildTarget is resolved in the helm-crds target's project, as helm-crds itself resolves it.
  const build = siblingTargetOptions<KustomizeBuildExecutorSchema>({ ...context, projectName: helmCrds.project, targetName: helmCrds.target }, EXECUTORS.kustomizeBuild, options.buildTarget);
  const target: ChartCrdsTarget = {
    workspaceRoot: context.root,
    chart: options.chart,
    kustomizeOutput: { file: kustomizeOutputFile(build.options, build.project), kustomization: build.options.kustomization },
    layout: {
      placement: options.placement ?? 'crds',
      directory: options.directory,
      fileName: options.fileName ?? DEFAULT_FILE_NAME_PATTERN,
      include: options.include,
      exclude: options.exclude,
      unmanaged: options.unmanaged,
      namespaceTemplate: options.namespaceTemplate,
      installValue: options.installValue,
      keep: options.keep,
      sharedGuard: options.sharedGuard,
    },
    allowEmpty: options.allowEmpty ?? false,
    generate: options.generate !== false,
    regenerate: regenerateCommand(helmCrds.project, options, helmCrds.target),
    otherKustomizations: otherChartKustomizations(context, options.chart, helmCrds),
    previousRevision: options.previousRevision ?? 'HEAD',
  };
  return { target, build };
}

/**
 * The kustomizations every other helm-crds target of the workspace writes into `chart` from: their generated
 * files there belong to them, never to this target. A target whose options cannot be read fails on its own
 * run, so it is left out here.
 */
function otherChartKustomizations(context: ExecutorContext, chart: string, self: { readonly project: string; readonly target: string }): string[] {
  const kustomizations: string[] = [];
  for (const [project, configuration] of Object.entries(context.projectsConfigurations.projects)) {
    for (const [target, definition] of Object.entries(configuration.targets ?? {})) {
      if (definition.executor !== EXECUTORS.helmCrds || (project === self.project && target === self.target)) continue;
      try {
        const options = readTargetOptions<HelmCrdsExecutorSchema>({ project, target, configuration: context.configurationName }, context);
        if (normalizeWorkspacePath(options.chart) !== normalizeWorkspacePath(chart)) continue;
        const build = siblingTargetOptions<KustomizeBuildExecutorSchema>({ ...context, projectName: project, targetName: target }, EXECUTORS.kustomizeBuild, options.buildTarget);
        kustomizations.push(build.options.kustomization);
      } catch {
        continue;
      }
    }
  }
  return kustomizations;
}

/** Where a target's JSON report goes unless an option says: `<output root>/<project>/<target>.json`. */
function defaultReportFile(context: ExecutorContext): string {
  return defaultOutputPath(context.projectName!, `${context.targetName}.json`);
}

export function writeChartCrdsRequest(options: HelmCrdsExecutorSchema, context: ExecutorContext): WriteChartCrdsRequest {
  const dryRun = options.check ?? false;
  // The check configuration writes a report only where checkReport says; a real run always writes one.
  const reportFile = dryRun ? options.checkReport : defaultReportFile(context);
  return {
    ...chartCrdsTarget(context, { project: context.projectName!, target: context.targetName!, options }).target,
    dryRun,
    reportPath: reportFile === undefined ? undefined : resolveOutputPath(context.root, reportFile, 'checkReport'),
    allowCrdRemoval: options.allowCrdRemoval ?? false,
    skipDataLossGuard: options.skipDataLossGuard ?? false,
  };
}

/** The report path comes first: verify removes a report an earlier run left before anything can fail. */
export function verifyReportPath(options: VerifyExecutorSchema, context: ExecutorContext): string {
  return resolveOutputPath(context.root, options.report ?? defaultReportFile(context), 'report');
}

export function verifyChartRequest(options: VerifyExecutorSchema, context: ExecutorContext, reportPath: string): VerifyChartRequest {
  const helmCrds = siblingTargetOptions<HelmCrdsExecutorSchema>(context, EXECUTORS.helmCrds, options.helmCrdsTarget);
  const { target, build } = chartCrdsTarget(context, helmCrds);
  return {
    target,
    reportPath,
    helmMode: options.helm ?? 'auto',
    helmBinary: options.helmBinary,
    releaseName: options.releaseName ?? context.projectName!,
    namespace: options.namespace,
    valuesFiles: options.values ?? [],
    set: options.set ?? [],
    ignore: options.ignore ?? [],
    requireDependencies: options.requireDependencies,
    referenceOverlay: options.referenceOverlay ? { kustomization: options.referenceOverlay, run: kustomizeRun(build.options) } : undefined,
    compatibility: options.compatibility,
  };
}
