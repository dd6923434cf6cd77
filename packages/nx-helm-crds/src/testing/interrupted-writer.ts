/**
 * Fault-injection subject (not shipped): run as `node interrupted-writer.js <chart>`, it turns the chart from
 * OLD_CHART into NEW_CHART with the real transactional writer, so a test can kill it at any point. It prints
 * `ready` just before the write starts and `done <ms>` after it. With `--linger` it then stays alive (up to 10 s,
 * then exits with code 3) so that a signal sent late still finds it running: the test can then require that
 * every signalled run ended by that signal.
 */
import { writeSync } from 'node:fs';
import { join } from 'node:path';
import { commitChartChanges } from '../core/chart/write-journal';

const KEPT = 250;
const PRUNED = 50;
const CREATED = 50;
const name = (index: number) => `crds/example.io_kind${String(index).padStart(3, '0')}s.yaml`;
const body = (index: number, generation: string) => `# generation ${generation}\nkind: CustomResourceDefinition\nmetadata:\n  name: kind${index}s.example.io\n${'x: 1\n'.repeat(40)}`;

/** Chart-relative path → content before the write: KEPT files that change, PRUNED files that go. */
export const OLD_CHART: Readonly<Record<string, string>> = Object.fromEntries(
  Array.from({ length: KEPT + PRUNED }, (_, index) => [name(index), body(index, 'old')]),
);

/** After the write: the KEPT files rewritten, CREATED new ones, the PRUNED ones removed (300 renames, 50 removals). */
export const NEW_CHART: Readonly<Record<string, string>> = Object.fromEntries([
  ...Array.from({ length: KEPT }, (_, index) => [name(index), body(index, 'new')]),
  ...Array.from({ length: CREATED }, (_, offset) => [name(KEPT + PRUNED + offset), body(KEPT + PRUNED + offset, 'new')]),
]);

export async function writeNewChart(chartDirectory: string): Promise<void> {
  const prunes = Object.keys(OLD_CHART).filter((path) => !(path in NEW_CHART));
  await commitChartChanges(
    chartDirectory,
    Object.entries(NEW_CHART).map(([path, content]) => ({ path: join(chartDirectory, path), content })),
    prunes.map((path) => join(chartDirectory, path)),
  );
}

if (require.main === module) {
  const chart = process.argv[2];
  writeSync(1, 'ready\n');
  const start = process.hrtime.bigint();
  void writeNewChart(chart).then(() => {
    writeSync(1, `done ${Number(process.hrtime.bigint() - start) / 1e6}\n`);
    if (process.argv.includes('--linger')) setTimeout(() => process.exit(3), 10_000);
  });
}
