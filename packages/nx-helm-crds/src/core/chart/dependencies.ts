import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { isMap, isSeq, parseSourceDocument } from '../yaml/source-document';

const MISSING_IN_CHARTS = /found in Chart\.yaml, but missing in charts\/ directory: ([^\n]+)/;

/** The dependency names helm's error says are not in charts/ (not vendored yet), or undefined for other errors. */
export function missingDependencies(helmError: string): string[] | undefined {
  const names = MISSING_IN_CHARTS.exec(helmError)?.[1];
  return names ? names.split(',').map((name) => name.trim()).filter(Boolean) : undefined;
}

export interface ChartCopy {
  /** The copy's chart directory (same folder name as the chart, so helm names sources the same). */
  readonly directory: string;
  /** `key=false` for every `condition` of a dropped dependency, so the chart's own templates see it disabled. */
  readonly conditionsOff: readonly string[];
  remove(): void;
}

/**
 * A temporary copy of the chart whose Chart.yaml no longer lists `names`, so helm renders the chart's own
 * templates without the subcharts that are not vendored. The chart itself is never touched.
 */
export function copyWithoutDependencies(chartDirectory: string, names: readonly string[]): ChartCopy {
  const root = mkdtempSync(join(tmpdir(), 'nx-helm-crds-chart-'));
  try {
    const directory = join(root, basename(chartDirectory));
    cpSync(chartDirectory, directory, { recursive: true });
    const chartYaml = join(directory, 'Chart.yaml');
    const document = parseSourceDocument(readFileSync(chartYaml, 'utf8'));
    const dependencies = document.get('dependencies');
    const conditionsOff: string[] = [];
    if (isSeq(dependencies)) {
      dependencies.items = dependencies.items.filter((item) => {
        if (!isMap(item) || !names.includes(String(item.get('name')))) return true;
        const condition = item.get('condition');
        if (typeof condition === 'string') conditionsOff.push(...condition.split(',').map((key) => `${key.trim()}=false`).filter((pair) => pair !== '=false'));
        return false;
      });
    }
    // A new regular file, never through a link the chart's Chart.yaml may be (cpSync copies links as links).
    rmSync(chartYaml, { force: true });
    writeFileSync(chartYaml, document.toString(), { flag: 'wx' });
    // The lock names the dropped dependencies too; the copy has no use for it.
    rmSync(join(directory, 'Chart.lock'), { force: true });
    return { directory, conditionsOff, remove: () => rmSync(root, { recursive: true, force: true }) };
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}
