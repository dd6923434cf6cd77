import type { ExecutorContext } from '@nx/devkit';
import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { EXECUTORS, defaultOutputPath } from '../../constants';
import { checkChart, type HelmMode } from '../../core/verify/verify-chart';
import { requireChart, selectCrds } from '../../core/chart/update';
import { DRIFT_STATUSES, formatVerificationReport, summaryLine } from '../../core/verify/verification';
import { collectCrds } from '../../core/crd/model';
import { progressReporter, type ProgressReporter } from '../../core/process/progress';
import { UserError, describeError } from '../../core/shared/errors';
import { kustomizeBuild } from '../../core/kustomize/client';
import { resolveOutputPath } from '../../core/paths/output-paths';
import { resolveHelm, resolveKustomize, type ToolCommand } from '../../core/process/tool-resolution';
import { fileChanges, toGithubAnnotations, toJsonReport, toStepSummary, type FileChange } from '../../core/verify/reports';
import { writeFileAtomically } from '../../core/fs/atomic-files';
import { requireDirectory, resolveInWorkspace } from '../../core/paths/workspace-paths';
import { splitYamlDocuments } from '../../core/yaml/documents';
import type { HelmCrdsExecutorSchema } from '../helm-crds/schema';
import { planCrdFiles, regenerateCommand } from '../shared/crd-file-plan';
import { kustomizeOutputFile, kustomizeSafety } from '../shared/kustomize-build-options';
import type { KustomizeBuildExecutorSchema } from '../kustomize-build/schema';
import { otherChartKustomizations } from '../shared/chart-sources';
import { requireKnownInputs } from '../shared/input-graph';
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

/** The format to print in: the option, else GitHub annotations when running in GitHub Actions, else text. */
function outputFormat(option: VerifyExecutorSchema['format'], env: NodeJS.ProcessEnv = process.env): NonNullable<VerifyExecutorSchema['format']> {
  return option ?? (env.GITHUB_ACTIONS === 'true' ? 'github' : 'text');
}

export async function verifyChart(options: VerifyExecutorSchema, context: ExecutorContext, log: TaskLog): Promise<boolean> {
  const timing = new TaskTiming();
  let rendered = false;
  try {
    const project = context.projectName!;
    const reportFile = options.report ?? defaultOutputPath(project, `${context.targetName}.json`);
    const reportPath = resolveOutputPath(context.root, reportFile, 'report');
    // A report left by an earlier run must never stand for this one, which may fail before writing its own.
    rmSync(reportPath, { force: true });
    const helmCrds = siblingTargetOptions<HelmCrdsExecutorSchema>(context, EXECUTORS.helmCrds, options.helmCrdsTarget);
    const build = siblingTargetOptions<KustomizeBuildExecutorSchema>(context, EXECUTORS.kustomizeBuild, helmCrds.options.buildTarget);
    const chart = helmCrds.options.chart;
    const chartDirectory = resolveInWorkspace(context.root, chart, 'chart');
    requireChart(chartDirectory, chart);
    const generated = helmCrds.options.generate !== false;
    const outputFile = kustomizeOutputFile(build.options, build.project);
    const kustomizeSource = `the output of kustomize build ${build.options.kustomization} (${outputFile})`;
    const kustomizeDocuments = splitYamlDocuments(readKustomizeOutput(resolveInWorkspace(context.root, outputFile, 'outputFile'), outputFile), kustomizeSource);
    const progress = progressReporter(log.info);

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
      requireDependencies: options.requireDependencies,
      progress,
      namespaceTemplate: Boolean(helmCrds.options.namespaceTemplate),
      overlay: options.referenceOverlay ? await timing.measure('kustomize', () => renderOverlay(options.referenceOverlay!, build.options, context.root, progress)) : undefined,
    });
    // The files helm-crds would change: a chart that is out of date fails here with the full report, also when
    // only the text of a generated file differs (the check configuration's helm-crds does not fail on drift).
    const files: FileChange[] = generated
      ? fileChanges(
          planCrdFiles(helmCrds.options, {
            crds: selectCrds(collectCrds(kustomizeDocuments, kustomizeSource), helmCrds.options, kustomizeSource, helmCrds.options.allowEmpty ?? false),
            chartDirectory,
            kustomization: build.options.kustomization,
            regenerate: regenerateCommand(project, helmCrds.options, helmCrds.target),
            otherKustomizations: otherChartKustomizations(context, chart, { project: helmCrds.project, target: helmCrds.target }),
          }),
          result.report,
        )
      : [];

    rendered = result.rendered;
    const compatibility = await checkChartCompatibility(
      { options: options.compatibility, previousRevision: helmCrds.options.previousRevision, workspaceRoot: context.root, chart, chartDirectory, selection: helmCrds.options, kustomizeDocuments, kustomizeSource, verified: result.report },
      timing,
    );
    const json = withCompatibility(
      toJsonReport(result.report, {
        step: 'verify',
        chart,
        kustomization: build.options.kustomization,
        generated,
        written: false,
        rendered: result.rendered,
        missingDependencies: result.missingDependencies,
        ignoredPaths: result.ignoredPaths,
        findings: result.findings,
        files,
      }),
      compatibility,
    );
    writeFileAtomically(reportPath, `${JSON.stringify(json, null, 2)}\n`);

    const how = result.rendered ? `rendered with helm template --namespace ${result.namespace}` : 'chart files, not rendered';
    log.info(`verify ${chart} (${how}) against kustomize build ${build.options.kustomization}`);
    if (result.missingDependencies.length > 0) {
      log.warn(
        `rendered without the dependencies ${result.missingDependencies.join(', ')}: they are not in ${chart}/charts/ (run \`helm dependency build ${chart}\` to render them too; ` +
          'requireDependencies: true makes this an error). CRDs from those subcharts are not verified.',
      );
    }
    const format = outputFormat(options.format);
    if (format === 'json') {
      log.info(JSON.stringify(json, null, 2));
    } else {
      const print = json.result === 'in-sync' ? log.info : log.error;
      print(formatVerificationReport(result.report));
      for (const file of files) {
        print(`  ${file.change === 'remove' ? 'would remove' : `would ${file.change}`} ${chart}/${file.path}${file.textOnly ? ' (same data, different text: comments, formatting or the header)' : ''}`);
      }
      for (const finding of result.findings) {
        (finding.level === 'error' ? log.error : log.warn)(`${finding.level}: ${finding.crd}${finding.path ? ` ${finding.path}` : ''}: ${finding.message}`);
      }
      if (result.ignoredPaths.length > 0) log.info(`ignored paths: ${result.ignoredPaths.join(', ')}`);
      if (format === 'github') {
        const readChartText = (path: string) => {
          try {
            return readFileSync(join(chartDirectory, path), 'utf8');
          } catch {
            return undefined;
          }
        };
        for (const line of toGithubAnnotations(json, readChartText)) log.info(line);
      }
    }
    printCompatibility(compatibility, format, chart, log);
    // Not part of the cache key: a chart served from the cache adds no summary (failures are never cached).
    if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, toStepSummary(json));

    if (json.result === 'in-sync') return true;
    const drifted = result.report.crds.filter((verdict) => DRIFT_STATUSES.includes(verdict.status)).length;
    const regenerate = generated
      ? `Run \`${regenerateCommand(project, helmCrds.options, helmCrds.target)}\` to regenerate the chart's CRDs, or fix the hand-maintained files listed above.`
      : 'Regenerate the chart with the tool that generates it (generate: false), or fix the files listed above.';
    const messages = {
      drift: `${chart} does not match Kustomize (${summaryLine(result.report)}; ${drifted} CRD(s) and ${files.length} file(s) to fix). ${regenerate}`,
      'text-drift': `${chart} installs what Kustomize renders, but ${files.length} generated file(s) differ in text from what helm-crds writes. ${regenerate}`,
      invalid:
        result.findings.some((finding) => finding.level === 'error')
          ? `${chart} matches Kustomize, but a CRD breaks a rule listed above; fix its source in ${build.options.kustomization}.`
          : `${chart} matches Kustomize, but the change would break custom resources stored by the chart at ${helmCrds.options.previousRevision ?? 'HEAD'} ` +
            '(compatibility findings above): make the change compatible, or accept a finding with a reason in verify.compatibility.allow.',
    };
    log.error(messages[json.result]);
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

async function renderOverlay(overlay: string, build: KustomizeBuildExecutorSchema, root: string, progress: ProgressReporter) {
  const directory = resolveInWorkspace(root, overlay, 'referenceOverlay');
  requireDirectory(directory, 'The reference overlay', 'Set referenceOverlay to a kustomization directory such as config/default.', overlay);
  // Its files are verify's cache key and it is built with the chart's safety options: the same input guard as a build, with no opt-in.
  requireKnownInputs(root, overlay);
  const stream = await kustomizeBuild({
    kustomize: resolveKustomize({ explicit: build.kustomize, workspaceRoot: root }),
    directory,
    displayDirectory: overlay,
    extraArgs: build.args,
    timeout: build.timeout,
    progress,
    ...kustomizeSafety(build),
  });
  return { name: overlay, documents: splitYamlDocuments(stream, `kustomize build ${overlay}`) };
}

export default singleTask(verifyChart);

/** Nx's batch form: every ready task of this executor in one process (see batchOf). */
export const batch = batchOf(verifyChart);
