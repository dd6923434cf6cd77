import type { ExecutorContext } from '@nx/devkit';
import { posix } from 'node:path';
import { writeFileAtomically } from '../../core/atomic-files';
import { planChangesChart, type ChartPlan } from '../../core/chart-plan';
import { applyChartPlan, planChartUpdate, readKustomizeCrds, requireChart, selectCrds } from '../../core/chart-sync';
import { checkUpgrade } from '../../core/release-safety';
import { DEFAULT_FILE_NAME_PATTERN } from '../../core/crd';
import { isUnmanaged } from '../../core/crd-selection';
import { describeError } from '../../core/errors';
import { formatDifference } from '../../core/structural-diff';
import { requireRealPathInWorkspace, resolveInWorkspace } from '../../core/workspace-paths';
import { kustomizeOutputFile } from '../kustomize-build/executor';
import type { KustomizeBuildExecutorSchema } from '../kustomize-build/schema';
import { EXECUTORS, defaultOutputPath } from '../../constants';
import { siblingTargetOptions } from '../shared/sibling-targets';
import { batchOf, singleTask, type TaskLog } from '../shared/batch';
import { TaskTiming } from '../shared/task-timing';
import type { HelmCrdsExecutorSchema } from './schema';

const MAX_DIFFERENCES_SHOWN = 20;
const VERBS = { create: 'created', update: 'updated', adopt: 'adopted (replaced a plain copy)' } as const;
const CHECK_VERBS = { create: 'would create', update: 'would update', adopt: 'would replace a plain copy' } as const;

export async function writeChartCrds(options: HelmCrdsExecutorSchema, context: ExecutorContext, log: TaskLog): Promise<boolean> {
  const timing = new TaskTiming();
  try {
    const project = context.projectName!;
    const build = siblingTargetOptions<KustomizeBuildExecutorSchema>(context, EXECUTORS.kustomizeBuild, options.buildTarget);
    const outputFile = kustomizeOutputFile(build.options, build.project);
    const chartDirectory = resolveInWorkspace(context.root, options.chart, 'chart');
    requireRealPathInWorkspace(context.root, chartDirectory, 'chart', options.chart);
    requireChart(chartDirectory, options.chart);

    const source = `the output of kustomize build ${build.options.kustomization} (${outputFile})`;
    const allCrds = readKustomizeCrds(resolveInWorkspace(context.root, outputFile, 'outputFile'), outputFile, build.options.kustomization);
    const crds = selectCrds(allCrds, options, source, options.allowEmpty ?? false);
    const check = options.check ?? false;
    const plan = planChartUpdate({
      crds,
      chartDirectory,
      displayChart: options.chart,
      layout: { ...options, placement: options.placement ?? 'crds', fileName: options.fileName ?? DEFAULT_FILE_NAME_PATTERN },
      kustomization: build.options.kustomization,
      regenerate: `nx run ${project}:${context.targetName}`,
      check,
    });
    const revision = options.previousRevision ?? 'HEAD';
    const upgrade = await checkUpgrade({
      workspaceRoot: context.root,
      chart: options.chart,
      chartDirectory,
      plan,
      revision,
      allowCrdRemoval: options.allowCrdRemoval ?? false,
      candidates: allCrds.map((crd) => crd.name),
    });
    for (const finding of upgrade ?? []) {
      (finding.level === 'error' ? log.error : log.warn)(`${finding.level}: ${finding.crd} ${finding.message}`);
    }
    if (upgrade?.some((finding) => finding.level === 'error')) {
      log.error(`Nothing was written: the chart would lose CRDs on helm upgrade (compared with ${revision}; previousRevision sets the revision).`);
      return false;
    }
    if (!check) await applyChartPlan(chartDirectory, plan);

    logPlan(log, plan, options.chart, check);
    const leftAlone = allCrds.filter((crd) => isUnmanaged(crd.name, options)).map((crd) => crd.name);
    if (leftAlone.length > 0) log.info(`  unmanaged, left alone: ${leftAlone.join(', ')}`);

    const report = JSON.stringify({ chart: options.chart, kustomization: build.options.kustomization, check, ...plan, writes: plan.writes.map(({ content: _content, ...write }) => write) }, null, 2);
    const reportFile = check ? options.checkReport : defaultOutputPath(project, `${context.targetName}.json`);
    if (reportFile) writeFileAtomically(resolveInWorkspace(context.root, reportFile, 'checkReport'), `${report}\n`);

    if (check && planChangesChart(plan)) {
      log.error(
        `${options.chart} is out of date with ${build.options.kustomization}: ${plan.writes.length + plan.prunes.length} file(s) would change. ` +
          `Run \`nx run ${project}:${context.targetName}\` (without the check configuration) and commit the result.`,
      );
      return false;
    }
    return true;
  } catch (error) {
    log.error(describeError(error));
    return false;
  } finally {
    log.info(timing.summary());
  }
}

function logPlan(log: TaskLog, plan: ChartPlan, chart: string, check: boolean): void {
  const verbs = check ? CHECK_VERBS : VERBS;
  const show = (path: string) => posix.join(chart, path);
  for (const write of plan.writes) {
    log.info(`  ${verbs[write.reason]} ${show(write.path)} (${write.crd})`);
    const differences = write.differences ?? [];
    for (const difference of differences.slice(0, MAX_DIFFERENCES_SHOWN)) {
      log.info(`      ${formatDifference(difference, 'Kustomize', 'chart')}`);
    }
    if (differences.length > MAX_DIFFERENCES_SHOWN) log.info(`      … and ${differences.length - MAX_DIFFERENCES_SHOWN} more differing paths`);
    if (write.reason === 'update' && differences.length === 0) log.info('      (same data, different text: comments, formatting or the header)');
  }
  for (const file of plan.unchanged) log.info(`  unchanged ${show(file.path)}`);
  for (const prune of plan.prunes) log.info(`  ${check ? 'would remove' : 'removed'} ${show(prune.path)} (its CRD is no longer rendered or is provided by another file)`);
  for (const provided of plan.providedElsewhere) log.info(`  ${provided.crd} is provided by ${show(provided.path)}: no second copy written`);
  log.info(
    `${check ? 'check: ' : ''}${plan.writes.length} ${check ? 'to write' : 'written'}, ${plan.unchanged.length} unchanged, ` +
      `${plan.prunes.length} ${check ? 'to remove' : 'removed'}, ${plan.providedElsewhere.length} provided by other files`,
  );
}

export default singleTask(writeChartCrds);

/** Nx's batch form: every ready task of this executor in one process (see batchOf). */
export const batch = batchOf(writeChartCrds);
