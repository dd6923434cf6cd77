import { appendFileSync, rmSync } from 'node:fs';
import { progressReporter } from '../../core/process/progress';
import { toStepSummary } from '../../core/verify/reports';
import { verifyChart } from '../../core/verify/verify-chart';
import { verifyFormat, verifyLogLines } from '../../core/verify/verify-output';
import { batchOf, singleTask, type TaskRun } from '../shared/batch';
import { assertToolsMatchKey } from '../shared/key-versions';
import { verifyChartRequest, verifyReportPath } from '../shared/requests';
import type { VerifyExecutorSchema } from './schema';

const run: TaskRun<VerifyExecutorSchema> = async (options, context, log, timing) => {
  const reportPath = verifyReportPath(options, context);
  // A report left by an earlier run must never stand for this one, which may fail before writing its own.
  rmSync(reportPath, { force: true });
  // Without a helm found on its own (mode auto, no helmBinary), verify compares unrendered: a helm gone since the
  // key was computed changes the result. Otherwise a missing helm fails the task with what to install.
  const helmOptional = (options.helm ?? 'auto') === 'auto' && !options.helmBinary;
  assertToolsMatchKey(options.toolVersions, options.helm === 'never' ? {} : { helm: { explicit: options.helmBinary } }, context, helmOptional ? ['helm'] : []);
  const result = await verifyChart({ ...verifyChartRequest(options, context, reportPath), progress: progressReporter(log.info), time: timing });
  for (const line of verifyLogLines(result, verifyFormat(options.format, process.env))) log[line.level](line.text);
  // Not part of the cache key: a chart served from the cache adds no summary (failures are never cached).
  if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, toStepSummary(result.report));
  return result.failure === undefined;
};

export default singleTask(run);

/** Nx's batch form: every ready task of this executor in one process (see batchOf). */
export const batch = batchOf(run);
