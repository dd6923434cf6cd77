import { chartUpdateLines, writeChartCrds } from '../../core/chart/write-chart-crds';
import { batchOf, singleTask, type TaskRun } from '../shared/batch';
import { assertToolsMatchKey } from '../shared/key-versions';
import { writeChartCrdsRequest } from '../shared/requests';
import type { HelmCrdsExecutorSchema } from './schema';

const run: TaskRun<HelmCrdsExecutorSchema> = async (options, context, log) => {
  assertToolsMatchKey(options.toolVersions, {}, context);
  const request = writeChartCrdsRequest(options, context);
  const result = await writeChartCrds(request);
  if (result.outcome === 'not-generated') {
    log.info(`generate: false: ${options.chart}'s CRD files come from another tool; nothing written (verify checks them against Kustomize).`);
    return true;
  }
  if (result.outcome !== 'refused' && result.guardSkipped) log.warn(`warning: data-loss guard skipped: ${result.guardSkipped}`);
  for (const finding of result.findings) (finding.level === 'error' ? log.error : log.warn)(`${finding.level}: ${finding.crd} ${finding.message}`);
  if (result.outcome === 'refused') {
    log.error(`Nothing was written: the chart would lose CRDs on helm upgrade (compared with ${request.previousRevision}; previousRevision sets the revision).`);
    return false;
  }
  for (const line of chartUpdateLines(result, options.chart, request.regenerate)) log.info(line);
  if (result.driftAdvice) log.warn(result.driftAdvice);
  return true;
};

export default singleTask(run);

/** Nx's batch form: every ready task of this executor in one process (see batchOf). */
export const batch = batchOf(run);
