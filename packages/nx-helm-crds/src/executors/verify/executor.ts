import type { ExecutorContext } from '@nx/devkit';
import { readFileSync } from 'node:fs';
import { EXECUTORS, defaultOutputPath } from '../../constants';
import { checkChart, type HelmMode } from '../../core/chart-check';
import { requireChart } from '../../core/chart-sync';
import { DRIFT_STATUSES, formatVerificationReport, summaryLine } from '../../core/chart-verification';
import { UserError, describeError } from '../../core/errors';
import { kustomizeBuild } from '../../core/kustomize';
import { resolveHelm, resolveKustomize, type ToolCommand } from '../../core/tool-resolution';
import { toGithubAnnotations, toJsonReport } from '../../core/verification-output';
import { writeFileAtomically } from '../../core/atomic-files';
import { requireDirectory, resolveInWorkspace } from '../../core/workspace-paths';
import { splitYamlDocuments } from '../../core/yaml-documents';
import type { HelmCrdsExecutorSchema } from '../helm-crds/schema';
import { kustomizeOutputFile, kustomizeSafety } from '../kustomize-build/executor';
import type { KustomizeBuildExecutorSchema } from '../kustomize-build/schema';
import { siblingTargetOptions } from '../shared/sibling-targets';
import { batchOf, singleTask, type TaskLog } from '../shared/batch';
import { TaskTiming } from '../shared/task-timing';
import type { VerifyExecutorSchema } from './schema';
import { checkChartCompatibility, printCompatibility, withCompatibility } from './compatibility';

/** The helm to render with, following the `helm` mode; undefined means compare the files unrendered. */
function helmFor(mode: HelmMode, explicit: string | undefined, root: string, log: TaskLog): ToolCommand | undefined {
  if (mode === 'never') return undefined;
  try {
    return resolveHelm({ explicit, workspaceRoot: root });
  } catch (error) {
    if (mode === 'always' || !(error instanceof UserError) || explicit) throw error;
    log.info('helm not found: comparing the chart files without rendering (templated files are not verifiable). Set helm: "always" to require it.');
    return undefined;
  }
}

export async function verifyChart(options: VerifyExecutorSchema, context: ExecutorContext, log: TaskLog): Promise<boolean> {
  const timing = new TaskTiming();
  let rendered = false;
  try {
    const project = context.projectName!;
    const helmCrds = siblingTargetOptions<HelmCrdsExecutorSchema>(context, EXECUTORS.helmCrds, options.helmCrdsTarget);
    const build = siblingTargetOptions<KustomizeBuildExecutorSchema>(context, EXECUTORS.kustomizeBuild, helmCrds.options.buildTarget);
    const chart = helmCrds.options.chart;
    const chartDirectory = resolveInWorkspace(context.root, chart, 'chart');
    requireChart(chartDirectory, chart);
    const outputFile = kustomizeOutputFile(build.options, build.project);
    const kustomizeSource = `the output of kustomize build ${build.options.kustomization} (${outputFile})`;
    const kustomizeDocuments = splitYamlDocuments(readKustomizeOutput(resolveInWorkspace(context.root, outputFile, 'outputFile'), outputFile), kustomizeSource);

    const result = await checkChart({
      kustomizeDocuments,
      kustomizeSource,
      chartDirectory,
      displayChart: chart,
      selection: helmCrds.options,
      helm: helmFor(options.helm ?? 'auto', options.helmBinary, context.root, log),
      releaseName: options.releaseName ?? project,
      namespace: options.namespace,
      valuesFiles: (options.values ?? []).map((file) => resolveInWorkspace(context.root, file, 'values')),
      set: options.set ?? [],
      ignore: options.ignore ?? [],
      keep: Boolean(helmCrds.options.keep),
      namespaceTemplate: Boolean(helmCrds.options.namespaceTemplate),
      overlay: options.referenceOverlay ? await timing.measure('kustomize', () => renderOverlay(options.referenceOverlay!, build.options, context.root)) : undefined,
    });

    rendered = result.rendered;
    const compatibility = await checkChartCompatibility({ options: options.compatibility, previousRevision: helmCrds.options.previousRevision, workspaceRoot: context.root, chart, chartDirectory, selection: helmCrds.options, kustomizeDocuments, kustomizeSource, verified: result.report }, timing);
    const reportContext = { chart, kustomization: build.options.kustomization, rendered: result.rendered, ignoredPaths: result.ignoredPaths, findings: result.findings };
    const json = withCompatibility(toJsonReport(result.report, reportContext), compatibility);
    const reportFile = options.report ?? defaultOutputPath(project, `${context.targetName}.json`);
    writeFileAtomically(resolveInWorkspace(context.root, reportFile, 'report'), `${JSON.stringify(json, null, 2)}\n`);

    const how = result.rendered ? `rendered with helm template --namespace ${result.namespace}` : 'chart files, not rendered';
    log.info(`verify ${chart} (${how}) against kustomize build ${build.options.kustomization}`);
    if (options.format === 'json') {
      log.info(JSON.stringify(json, null, 2));
    } else {
      const print = json.result === 'in-sync' ? log.info : log.error;
      print(formatVerificationReport(result.report));
      for (const finding of result.findings) {
        (finding.level === 'error' ? log.error : log.warn)(`${finding.level}: ${finding.crd}${finding.path ? ` ${finding.path}` : ''}: ${finding.message}`);
      }
      if (result.ignoredPaths.length > 0) log.info(`ignored paths: ${result.ignoredPaths.join(', ')}`);
      if (options.format === 'github') for (const line of toGithubAnnotations(result.report, reportContext)) log.info(line);
    }
    printCompatibility(compatibility, options.format, chart, log);
    if (json.result === 'in-sync') return true;
    const drifted = result.report.crds.filter((verdict) => DRIFT_STATUSES.includes(verdict.status)).length;
    log.error(
      json.result === 'drift'
        ? `${chart} does not match Kustomize (${summaryLine(result.report)}; ${drifted} CRD(s) to fix). Run \`nx run ${project}:${helmCrds.target}\` to regenerate the chart's CRDs, or fix the hand-maintained files listed above.`
        : `${chart} matches Kustomize, but a CRD breaks a rule listed above; fix its source in ${build.options.kustomization}.`,
    );
    return false;
  } catch (error) {
    log.error(describeError(error));
    return false;
  } finally {
    log.info(timing.summary(rendered ? ' (helm template included)' : ''));
  }
}

function readKustomizeOutput(path: string, display: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new UserError(`The Kustomize output ${display} does not exist: run the kustomize-build target first.`);
  }
}

async function renderOverlay(overlay: string, build: KustomizeBuildExecutorSchema, root: string) {
  const directory = resolveInWorkspace(root, overlay, 'referenceOverlay');
  requireDirectory(directory, 'The reference overlay', 'Set referenceOverlay to a kustomization directory such as config/default.', overlay);
  const stream = await kustomizeBuild({
    kustomize: resolveKustomize({ explicit: build.kustomize, workspaceRoot: root }),
    directory,
    displayDirectory: overlay,
    extraArgs: build.args,
    timeout: build.timeout,
    ...kustomizeSafety(build),
  });
  return { name: overlay, documents: splitYamlDocuments(stream, `kustomize build ${overlay}`) };
}

export default singleTask(verifyChart);

/** Nx's batch form: every ready task of this executor in one process (see batchOf). */
export const batch = batchOf(verifyChart);
