import { existsSync, lstatSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { readChartFiles, type ChartFile } from './files';
import { planChart, planChangesChart, type ChartPlan } from './plan';
import { collectCrds, validateFileNamePattern, type Crd } from '../crd/model';
import { isSelected, matchesGlob, type CrdSelection } from '../crd/selection';
import { UserError } from '../shared/errors';
import type { CrdTemplating } from '../helm/templating';
import { commitChartChanges } from './write-journal';
import { splitYamlDocuments } from '../yaml/documents';

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
export function requireChart(chartDirectory: string, chart: string): void {
  const fix = 'Set the chart option (workspace-relative) to the folder that holds Chart.yaml.';
  const stats = statSync(chartDirectory, { throwIfNoEntry: false });
  if (!stats) throw new UserError(`The chart directory ${chart} does not exist (looked for ${chartDirectory}). ${fix}`);
  if (!stats.isDirectory()) throw new UserError(`The chart directory ${chart} is a file, not a directory. ${fix}`);
  if (!statSync(join(chartDirectory, 'Chart.yaml'), { throwIfNoEntry: false })?.isFile()) {
    throw new UserError(`The chart directory ${chart} has no Chart.yaml, so it is not a Helm chart. ${fix}`);
  }
}

/**
 * Reads the CRDs of a rendered Kustomize stream (written by the kustomize-build target). `displayPath` is
 * the file as the user knows it; `kustomization` the directory it was built from, for messages.
 */
export function readKustomizeCrds(outputFile: string, displayPath: string, kustomization?: string): Crd[] {
  if (!existsSync(outputFile)) {
    throw new UserError(`The Kustomize output ${displayPath} does not exist: run the kustomize-build target first (nx run-many makes it a dependency).`);
  }
  const source = kustomization ? `${displayPath} (the output of kustomize build ${kustomization})` : displayPath;
  let documents;
  try {
    documents = splitYamlDocuments(readFileSync(outputFile, 'utf8'), source);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    throw new UserError(
      `${error.message}\nKustomize always writes valid YAML: the kustomize that was run is probably not a real kustomize (check the kustomize ` +
        'option and $NX_HELM_CRDS_KUSTOMIZE), or the file was edited by hand. Fix that, then run the kustomize-build target again with --skip-nx-cache.',
    );
  }
  return collectCrds(documents, source);
}

/**
 * The Kustomize CRDs a chart should hold. An include glob that matches no CRD, or an empty selection, is almost
 * always a mistake (a typo, a renamed group), so both fail unless `allowEmpty` says the CRDs are optional.
 */
export function selectCrds(crds: readonly Crd[], selection: CrdSelection, source: string, allowEmpty = false): Crd[] {
  const selected = crds.filter((crd) => isSelected(crd.name, selection));
  if (allowEmpty) return selected;
  const found = crds.length === 0 ? 'no CustomResourceDefinition at all' : `these CRDs: ${crds.map((crd) => crd.name).join(', ')}`;
  if (selected.length === 0 && !selection.unmanaged?.length) {
    throw new UserError(
      `No CRD of ${source} is selected for the chart (include: ${JSON.stringify(selection.include ?? [])}, exclude: ${JSON.stringify(selection.exclude ?? [])}); ` +
        `Kustomize rendered ${found}. Fix the include/exclude globs or the kustomization, or set allowEmpty: true to accept a chart without these CRDs ` +
        '(its generated CRD files are then removed).',
    );
  }
  const unmatched = (selection.include ?? []).filter((glob) => !crds.some((crd) => matchesGlob(crd.name, glob)));
  if (unmatched.length > 0) {
    throw new UserError(
      `The include glob(s) ${unmatched.map((glob) => JSON.stringify(glob)).join(', ')} match no CRD of ${source}; Kustomize rendered ${found}. ` +
        'Fix the glob (globs match metadata.name, e.g. "*.serving.kserve.io"), or set allowEmpty: true if those CRDs are optional.',
    );
  }
  return selected;
}

export interface ChartSyncRequest {
  readonly crds: readonly Crd[];
  readonly chartDirectory: string;
  /** The chart as the user names it (workspace-relative), for messages. */
  readonly displayChart?: string;
  readonly layout: ChartLayout;
  readonly kustomization: string;
  readonly regenerate: string;
  /** Kustomizations other helm-crds targets write into this chart from (see ChartPlanOptions). */
  readonly otherKustomizations?: readonly string[];
  /** The chart's files, when the caller has read them already (else they are read here). */
  readonly chartFiles?: readonly ChartFile[];
}

/** Plans the chart's CRD files (nothing is written). */
export function planChartUpdate(request: ChartSyncRequest): ChartPlan {
  validateFileNamePattern(request.layout.fileName);
  const plan = planChart(request.crds, request.chartFiles ?? readChartFiles(request.chartDirectory), {
    directory: crdDirectory(request.layout),
    fileName: request.layout.fileName,
    source: { kustomization: request.kustomization, regenerate: request.regenerate },
    templating: request.layout,
    chart: request.displayChart,
    otherKustomizations: request.otherKustomizations,
  });
  refuseLinkedFolders(request.chartDirectory, request.displayChart ?? request.chartDirectory, plan.writes.map((write) => write.path));
  return plan;
}

/**
 * Every folder between the chart and a file to write must be a real folder: writing through a symbolic link
 * could put files anywhere (outside the chart, outside the workspace), so it is refused, naming the link.
 */
function refuseLinkedFolders(chartDirectory: string, displayChart: string, paths: readonly string[]): void {
  const checked = new Set<string>();
  for (const path of paths) {
    const parts = posix.dirname(path).split('/').filter((part) => part !== '.');
    for (let depth = 1; depth <= parts.length; depth++) {
      const folder = parts.slice(0, depth).join('/');
      if (checked.has(folder)) continue;
      checked.add(folder);
      const absolute = join(chartDirectory, folder);
      if (lstatSync(absolute, { throwIfNoEntry: false })?.isSymbolicLink()) {
        throw new UserError(
          `${posix.join(displayChart, folder)} is a symbolic link (to ${readlinkSync(absolute)}), and nx-helm-crds never writes through links: ` +
            `the CRD files could land outside the chart. Nothing was written. Replace the link with a real folder, or set the directory option to another folder.`,
        );
      }
    }
  }
}

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
