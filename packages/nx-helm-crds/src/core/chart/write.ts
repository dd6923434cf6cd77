import { join } from 'node:path';
import { planChangesChart, type ChartPlan } from './plan';
import { commitChartChanges } from './write-journal';

/**
 * Writes all planned files and prunes in one transaction (see commitChartChanges): the chart ends all-old or
 * all-new, also when the process is interrupted (the next run of any of the chart's targets completes or
 * undoes it).
 */
export async function applyChartPlan(chartDirectory: string, plan: ChartPlan): Promise<void> {
  if (!planChangesChart(plan)) return;
  await commitChartChanges(
    chartDirectory,
    plan.writes.map((write) => ({ path: join(chartDirectory, write.path), content: write.content })),
    plan.prunes.map((prune) => join(chartDirectory, prune.path)),
  );
}
