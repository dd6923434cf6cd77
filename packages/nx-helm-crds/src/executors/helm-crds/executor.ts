import type { ExecutorContext } from '@nx/devkit';
import { posix } from 'node:path';
import { writeFileAtomically } from '../../core/fs/atomic-files';
import { comparedWithout } from '../../core/verify/verify-chart';
import { readChartFiles } from '../../core/chart/files';
import { planChangesChart, planChangesOnlyText, type ChartPlan } from '../../core/chart/plan';
import { applyChartPlan, readKustomizeCrds, requireChart, selectCrds } from '../../core/chart/update';
import { verifyChartCrds } from '../../core/verify/verification';
import { resolveOutputPath } from '../../core/paths/output-paths';
import { checkUpgrade } from '../../core/chart/release-safety';
import { isUnmanaged } from '../../core/crd/selection';
import { describeError } from '../../core/shared/errors';
import { formatDifference } from '../../core/verify/diff';
import { fileChanges, toJsonReport } from '../../core/verify/reports';
import { requireRealPathInWorkspace, resolveInWorkspace } from '../../core/paths/workspace-paths';
import type { KustomizeBuildExecutorSchema } from '../kustomize-build/schema';
import { EXECUTORS, defaultOutputPath } from '../../constants';
import { siblingTargetOptions } from '../shared/sibling-targets';
import { batchOf, singleTask, type TaskLog } from '../shared/batch';
import { otherChartKustomizations } from '../shared/chart-sources';
import { planCrdFiles, regenerateCommand } from '../shared/crd-file-plan';
import { kustomizeOutputFile } from '../shared/kustomize-build-options';
import { TaskTiming } from '../shared/task-timing';
import type { HelmCrdsExecutorSchema } from './schema';

const MAX_DIFFERENCES_SHOWN = 20;
const VERBS = { create: 'created', update: 'updated', adopt: 'adopted (replaced a plain copy)', 'take-over': 'took over' } as const;
const CHECK_VERBS = { create: 'would create', update: 'would update', adopt: 'would replace a plain copy', 'take-over': 'would take over' } as const;

export async function writeChartCrds(options: HelmCrdsExecutorSchema, context: ExecutorContext, log: TaskLog): Promise<boolean> {
  const timing = new TaskTiming();
  try {
    const project = context.projectName!;
    const build = siblingTargetOptions<KustomizeBuildExecutorSchema>(context, EXECUTORS.kustomizeBuild, options.buildTarget);
    const outputFile = kustomizeOutputFile(build.options, build.project);
    const chartDirectory = resolveInWorkspace(context.root, options.chart, 'chart');
    requireRealPathInWorkspace(context.root, chartDirectory, 'chart', options.chart);
    requireChart(chartDirectory, options.chart);
    if (options.generate === false) {
      log.info(`generate: false: ${options.chart}'s CRD files come from another tool; nothing written (verify checks them against Kustomize).`);
      return true;
    }

    const source = `the output of kustomize build ${build.options.kustomization} (${outputFile})`;
    const allCrds = readKustomizeCrds(resolveInWorkspace(context.root, outputFile, 'outputFile'), outputFile, build.options.kustomization);
    const crds = selectCrds(allCrds, options, source, options.allowEmpty ?? false);
    const check = options.check ?? false;
    const reportFile = check ? options.checkReport : defaultOutputPath(project, `${context.targetName}.json`);
    const reportPath = reportFile === undefined ? undefined : resolveOutputPath(context.root, reportFile, 'checkReport');
    const regenerate = regenerateCommand(project, options, context.targetName!);
    const chartFiles = readChartFiles(chartDirectory);
    const plan = planCrdFiles(options, {
      crds,
      chartDirectory,
      chartFiles,
      kustomization: build.options.kustomization,
      regenerate,
      otherKustomizations: otherChartKustomizations(context, options.chart),
    });
    const revision = options.previousRevision ?? 'HEAD';
    const upgrade = await checkUpgrade({
      workspaceRoot: context.root,
      chart: options.chart,
      chartDirectory,
      plan,
      revision,
      allowCrdRemoval: options.allowCrdRemoval ?? false,
      skip: options.skipDataLossGuard ?? false,
      candidates: allCrds.map((crd) => crd.name),
    });
    if ('skipped' in upgrade) log.warn(`warning: data-loss guard skipped: ${upgrade.skipped}`);
    const findings = 'findings' in upgrade ? upgrade.findings : [];
    for (const finding of findings) {
      (finding.level === 'error' ? log.error : log.warn)(`${finding.level}: ${finding.crd} ${finding.message}`);
    }
    if (findings.some((finding) => finding.level === 'error')) {
      log.error(`Nothing was written: the chart would lose CRDs on helm upgrade (compared with ${revision}; previousRevision sets the revision).`);
      return false;
    }
    if (!check) await applyChartPlan(chartDirectory, plan);

    logPlan(log, plan, options.chart, check, regenerate);
    const leftAlone = allCrds.filter((crd) => isUnmanaged(crd.name, options)).map((crd) => crd.name);
    if (leftAlone.length > 0) log.info(`  unmanaged, left alone: ${leftAlone.join(', ')}`);

    // The chart as this step found it, compared file by file (not rendered: verify renders), in verify's report format.
    const verification = verifyChartCrds(allCrds, chartFiles, options, comparedWithout([]));
    const report = toJsonReport(verification, {
      step: 'helm-crds',
      chart: options.chart,
      kustomization: build.options.kustomization,
      generated: true,
      written: !check,
      rendered: false,
      missingDependencies: [],
      ignoredPaths: comparedWithout([]),
      findings: [],
      files: fileChanges(plan, verification),
    });
    if (reportPath) writeFileAtomically(reportPath, `${JSON.stringify(report, null, 2)}\n`);

    if (check && planChangesChart(plan)) {
      // Not a failure here: verify, which runs next, fails with the full report (text, JSON, GitHub annotations).
      log.warn(
        planChangesOnlyText(plan)
          ? `${options.chart} holds the same CRD data as ${build.options.kustomization} (in sync), but ${plan.writes.length} file(s) differ in text only ` +
              `(no nx-helm-crds header, comments, formatting); verify reports them and fails. Run \`${regenerate}\` once and commit: it rewrites them ` +
              'exactly as Kustomize emits them, with the header that lets later runs keep them in sync; the data stays the same.'
          : `${options.chart} is out of date with ${build.options.kustomization}: ${plan.writes.length + plan.prunes.length} file(s) would change; ` +
              `verify reports every difference and fails. Run \`${regenerate}\` (without the check configuration) and commit the result.`,
      );
    }
    return true;
  } catch (error) {
    log.error(describeError(error));
    return false;
  } finally {
    log.info(timing.summary());
  }
}

function logPlan(log: TaskLog, plan: ChartPlan, chart: string, check: boolean, regenerate: string): void {
  const verbs = check ? CHECK_VERBS : VERBS;
  const show = (path: string) => posix.join(chart, path);
  for (const write of plan.writes) {
    const moved = write.previousKustomization === undefined ? '' : `; it was generated from the kustomization ${write.previousKustomization}, which no helm-crds target uses any more`;
    log.info(`  ${verbs[write.reason]} ${show(write.path)} (${write.crd}${moved})`);
    const differences = write.differences ?? [];
    for (const difference of differences.slice(0, MAX_DIFFERENCES_SHOWN)) {
      log.info(`      ${formatDifference(difference, 'Kustomize', 'chart')}`);
    }
    if (differences.length > MAX_DIFFERENCES_SHOWN) log.info(`      … and ${differences.length - MAX_DIFFERENCES_SHOWN} more differing paths`);
    if (write.reason === 'adopt' && write.differences?.length === 0) {
      log.info(`      in sync: same data as Kustomize, only the text differs (no nx-helm-crds header, comments or formatting); \`${regenerate}\` rewrites it as Kustomize emits it`);
    } else if (write.reason !== 'create' && write.differences?.length === 0) {
      log.info('      (same data, different text: comments, formatting or the header)');
    }
  }
  for (const file of plan.unchanged) log.info(`  unchanged ${show(file.path)}`);
  for (const prune of plan.prunes) {
    const moved = prune.previousKustomization === undefined ? '' : `, taken over from the kustomization ${prune.previousKustomization}, which no helm-crds target uses any more`;
    log.info(`  ${check ? 'would remove' : 'removed'} ${show(prune.path)} (its CRD is no longer rendered or is provided by another file${moved})`);
  }
  for (const provided of plan.providedElsewhere) log.info(`  ${provided.crd} is provided by ${show(provided.path)}: no second copy written`);
  log.info(
    `${check ? 'check: ' : ''}${plan.writes.length} ${check ? 'to write' : 'written'}, ${plan.unchanged.length} unchanged, ` +
      `${plan.prunes.length} ${check ? 'to remove' : 'removed'}, ${plan.providedElsewhere.length} provided by other files`,
  );
}

export default singleTask(writeChartCrds);

/** Nx's batch form: every ready task of this executor in one process (see batchOf). */
export const batch = batchOf(writeChartCrds);
