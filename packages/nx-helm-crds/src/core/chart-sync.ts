import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, posix } from 'node:path';
import { readChartFiles } from './chart-files';
import { planChart, planChangesChart, type ChartPlan } from './chart-plan';
import { collectCrds, validateFileNamePattern, type Crd } from './crd';
import { isSelected, type CrdSelection } from './crd-selection';
import { UserError } from './errors';
import { writeFilesAtomically } from './atomic-files';
import { requireDirectory } from './workspace-paths';
import type { CrdTemplating } from './helm-templating';
import { splitYamlDocuments } from './yaml-documents';

export type Placement = 'crds' | 'templates';

export interface ChartLayout extends CrdSelection, CrdTemplating {
  readonly placement: Placement;
  /** Chart-relative folder; defaults to the placement folder. */
  readonly directory?: string;
  readonly fileName: string;
}

/** The chart-relative folder CRD files go to, checked against the placement. */
export function crdDirectory(layout: ChartLayout): string {
  const directory = posix.normalize((layout.directory ?? layout.placement).replace(/\\/g, '/')).replace(/\/$/, '');
  if (directory !== layout.placement && !directory.startsWith(`${layout.placement}/`)) {
    throw new UserError(
      `directory "${layout.directory}" is not inside the chart's ${layout.placement}/ folder required by placement "${layout.placement}": ` +
        `use "${layout.placement}" or a sub-folder such as "${layout.placement}/crd".`,
    );
  }
  return directory;
}

/** Checks the chart directory is a Helm chart, so nothing is ever written into the wrong place. */
export function requireChart(chartDirectory: string, chartOption: string): void {
  requireDirectory(chartDirectory, `The chart directory (${chartOption})`, 'Set the chart option to the folder that holds Chart.yaml.');
  if (!existsSync(join(chartDirectory, 'Chart.yaml'))) {
    throw new UserError(`${chartOption} has no Chart.yaml, so it is not a Helm chart. Set the chart option to the folder that holds Chart.yaml.`);
  }
}

/** Reads the CRDs of a rendered Kustomize stream (written by the kustomize-build target). */
export function readKustomizeCrds(outputFile: string, displayPath: string): Crd[] {
  if (!existsSync(outputFile)) {
    throw new UserError(`The Kustomize output ${displayPath} does not exist: run the kustomize-build target first (nx run-many makes it a dependency).`);
  }
  return collectCrds(splitYamlDocuments(readFileSync(outputFile, 'utf8'), displayPath), displayPath);
}

/** The Kustomize CRDs a chart should hold; an empty selection is almost always a mistake. */
export function selectCrds(crds: readonly Crd[], selection: CrdSelection, source: string): Crd[] {
  const selected = crds.filter((crd) => isSelected(crd.name, selection));
  if (selected.length === 0 && !selection.unmanaged?.length) {
    const found = crds.length === 0 ? 'no CustomResourceDefinition at all' : `these CRDs: ${crds.map((crd) => crd.name).join(', ')}`;
    throw new UserError(
      `No CRD of ${source} is selected for the chart (include: ${JSON.stringify(selection.include ?? [])}, exclude: ${JSON.stringify(selection.exclude ?? [])}); ` +
        `Kustomize rendered ${found}. Fix the include/exclude globs or the kustomization.`,
    );
  }
  return selected;
}

export interface ChartSyncRequest {
  readonly crds: readonly Crd[];
  readonly chartDirectory: string;
  readonly layout: ChartLayout;
  readonly kustomization: string;
  readonly regenerate: string;
  /** Plan only: write nothing. */
  readonly check: boolean;
}

/** Plans the chart's CRD files (nothing is written). */
export function planChartUpdate(request: ChartSyncRequest): ChartPlan {
  validateFileNamePattern(request.layout.fileName);
  return planChart(request.crds, readChartFiles(request.chartDirectory), {
    directory: crdDirectory(request.layout),
    fileName: request.layout.fileName,
    source: { kustomization: request.kustomization, regenerate: request.regenerate },
    templating: request.layout,
  });
}

/** Writes all planned files at once, then prunes: a failure before the renames leaves the chart as it was. */
export function applyChartPlan(chartDirectory: string, plan: ChartPlan): void {
  if (!planChangesChart(plan)) return;
  writeFilesAtomically(plan.writes.map((write) => ({ path: join(chartDirectory, write.path), content: write.content })));
  for (const prune of plan.prunes) rmSync(join(chartDirectory, prune.path));
}
