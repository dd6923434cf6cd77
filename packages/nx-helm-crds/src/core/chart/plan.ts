import { lstatSync, readlinkSync } from 'node:fs';
import { join, posix } from 'node:path';
import { crdFilePath, distinctFileNamePattern, validateFileNamePattern, type Crd } from '../crd/model';
import type { CrdSelection } from '../crd/selection';
import { crdNamesDefinedBy, isHelmTemplatePath, type ChartFile } from './files';
import { UserError } from '../shared/errors';
import { generatedFileHeader, recordedKustomization, renderGeneratedFile, type GeneratedFileSource } from './generated-file';
import { isTemplating, templateCrdText, type CrdTemplating } from '../helm/templating';
import { diffValues, type Difference } from '../verify/diff';

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

export interface ChartPlanOptions {
  /** Chart-relative folder the CRD files go to: `crds`, `templates` or a sub-folder of either. */
  readonly directory: string;
  /** File name pattern, see `crdFileName`. */
  readonly fileName: string;
  readonly source: GeneratedFileSource;
  /** Helm template syntax to wrap CRDs written into templates/ in. */
  readonly templating?: CrdTemplating;
  /** The chart as the user names it, for messages. */
  readonly chart?: string;
  /**
   * The kustomizations other helm-crds targets write into this chart from (none when absent). Their
   * generated files are never ours; see planChart for the files of a kustomization no target uses any more.
   */
  readonly otherKustomizations?: readonly string[];
}

/** `take-over`: a generated file from a kustomization no helm-crds target uses any more (moved, renamed, wrapped). */
export type WriteReason = 'create' | 'update' | 'adopt' | 'take-over';

export interface PlannedWrite {
  /** Chart-relative path. */
  readonly path: string;
  readonly crd: string;
  readonly reason: WriteReason;
  readonly content: string;
  /**
   * For update, adopt and take-over: how the file's current data differs from the CRD (empty when only text
   * differs; absent when the file cannot be read without rendering).
   */
  readonly differences?: readonly Difference[];
  /** For take-over: the kustomization the file's header named. */
  readonly previousKustomization?: string;
}

export interface ChartPlan {
  readonly writes: readonly PlannedWrite[];
  /** Generated files already up to date. */
  readonly unchanged: readonly { readonly path: string; readonly crd: string }[];
  /** Generated files whose CRD is gone from Kustomize's output, or now provided by another chart file. */
  readonly prunes: readonly { readonly path: string; readonly crds: readonly string[]; readonly previousKustomization?: string }[];
  /** CRDs another (hand-written or templated) chart file already defines, so no second copy is written. */
  readonly providedElsewhere: readonly { readonly crd: string; readonly path: string }[];
}

/**
 * Decides, without touching the disk, what a chart needs so that it holds exactly `crds`, following the
 * ownership rules: rewrite or prune only our own generated files; adopt a plain file holding exactly the
 * same CRD; never write a second definition of a CRD another chart file provides; refuse everything else.
 */
export function planChart(crds: readonly Crd[], chartFiles: readonly ChartFile[], options: ChartPlanOptions): ChartPlan {
  const names = crds.map((crd) => crd.name);
  const ours = recordedKustomization(options.source.kustomization);
  const otherTargets = new Set((options.otherKustomizations ?? []).map(recordedKustomization));
  // Files generated from this kustomization are ours to rewrite or prune. Files generated from a kustomization
  // another helm-crds target still writes into this chart are that target's: it may feed the same chart.
  // A file generated from a kustomization no target uses any more (the folder moved, was renamed or wrapped in
  // an overlay) would otherwise block its successor forever; it is ours to take over, but only when it defines
  // one of our CRDs: a leftover of any other CRD is not ours to delete on a guess.
  const previousKustomization = (file: ChartFile): string | undefined =>
    file.kind === 'generated' &&
    file.generatedFrom !== ours &&
    !(file.generatedFrom !== undefined && otherTargets.has(file.generatedFrom)) &&
    crdNamesDefinedBy(file, names).some((name) => names.includes(name))
      ? (file.generatedFrom ?? '(unnamed)')
      : undefined;
  const isOurs = (file: ChartFile) =>
    file.kind === 'generated' && (file.generatedFrom === ours || previousKustomization(file) !== undefined);
  const filesByPath = new Map(chartFiles.map((file) => [file.path, file]));
  const definers = new Map<string, ChartFile[]>();
  for (const file of chartFiles) {
    if (isOurs(file)) continue;
    for (const name of crdNamesDefinedBy(file, names)) {
      definers.set(name, [...(definers.get(name) ?? []), file]);
    }
  }

  const problems: string[] = [];
  const targetOwner = new Map<string, string>();
  const writes: PlannedWrite[] = [];
  const unchanged: { path: string; crd: string }[] = [];
  const providedElsewhere: { crd: string; path: string }[] = [];
  const kept = new Set<string>();
  const helmTemplate = isHelmTemplatePath(options.directory);
  if (!helmTemplate && options.templating && isTemplating(options.templating)) {
    throw new UserError(
      `namespaceTemplate, installValue, keep and sharedGuard need Helm to render the CRDs, so they work only with placement "templates"; ` +
        `${options.directory}/ is never templated by Helm. Set placement: "templates" or drop those options.`,
    );
  }

  const origin = `the output of kustomize build ${options.source.kustomization}`;
  for (const crd of crds) {
    const path = crdFilePath(crd, options.directory, options.fileName, origin);
    const clashing = targetOwner.get(path);
    if (clashing) {
      const better = distinctFileNamePattern(crds, options.fileName);
      problems.push(`${clashing} and ${crd.name} both map to ${path}: choose a fileName pattern that tells them apart${better ? ` (e.g. "${better}")` : ''}.`);
      continue;
    }
    targetOwner.set(path, crd.name);

    const existing = filesByPath.get(path);
    const definingFiles = definers.get(crd.name) ?? [];
    // A template at the target path that defines this very CRD (kubebuilder's Helm plugin, an `if` wrapper
    // around a copy) provides it, like the same template under any other name would; verify renders it.
    const provider = definingFiles.find((file) => file.path !== path) ?? definingFiles.find((file) => file === existing && file.kind === 'template');
    if (provider) {
      providedElsewhere.push({ crd: crd.name, path: provider.path });
      continue;
    }
    const content =
      helmTemplate && options.templating && isTemplating(options.templating)
        ? generatedFileHeader(options.source, true) + templateCrdText(crd.document.text, crd.name, options.templating)
        : renderGeneratedFile(crd.document.text, options.source, helmTemplate);
    if (!existing) {
      writes.push({ path, crd: crd.name, reason: 'create', content });
    } else if (isOurs(existing)) {
      kept.add(path);
      const previous = previousKustomization(existing);
      if (existing.text === content) unchanged.push({ path, crd: crd.name });
      else if (previous !== undefined) writes.push({ path, crd: crd.name, reason: 'take-over', content, ...differencesFrom(existing, crd), previousKustomization: previous });
      else writes.push({ path, crd: crd.name, reason: 'update', content, ...differencesFrom(existing, crd) });
    } else if (isStaleCopy(existing, crd.name)) {
      kept.add(path);
      writes.push({ path, crd: crd.name, reason: 'adopt', content, ...differencesFrom(existing, crd) });
    } else {
      const whose =
        existing.kind === 'generated'
          ? `was generated by nx-helm-crds from the kustomization ${existing.generatedFrom ?? '(unnamed)'}, which another helm-crds target still writes into this chart`
          : `was not generated by nx-helm-crds (${describeForeign(existing, names)})`;
      problems.push(`${path} already exists and ${whose}; it is left untouched. Rename or remove it, or choose another fileName/directory for ${crd.name}.`);
    }
  }

  const prunes = chartFiles
    .filter((file) => isOurs(file) && !kept.has(file.path))
    .filter((file) => !writes.some((write) => write.path === file.path))
    .map((file) => {
      const previous = previousKustomization(file);
      return { path: file.path, crds: crdNamesDefinedBy(file, []), ...(previous === undefined ? {} : { previousKustomization: previous }) };
    });

  if (problems.length > 0) {
    throw new UserError(
      `The chart${options.chart ? ` ${options.chart}` : ''} cannot take the CRDs without overwriting files nx-helm-crds does not own ` +
        `(nothing was written):\n  - ${problems.join('\n  - ')}`,
    );
  }
  return { writes, unchanged, prunes, providedElsewhere };
}

/**
 * The data differences between a chart file's single CRD document and the Kustomize CRD; undefined when the
 * file cannot be compared without rendering (a templated body), so nobody is told "same data" on a guess.
 */
function differencesFrom(file: ChartFile, crd: Crd): { differences?: Difference[] } {
  const document = file.documents?.length === 1 ? file.documents[0] : undefined;
  return document ? { differences: diffValues(crd.document.value, document.value) } : {};
}

/** A plain YAML file holding exactly one document: the same CRD. Replacing it is this tool's purpose. */
function isStaleCopy(file: ChartFile, crdName: string): boolean {
  return file.kind === 'plain' && file.documents?.length === 1 && crdNamesDefinedBy(file, []).join() === crdName;
}

function describeForeign(file: ChartFile, candidates: readonly string[]): string {
  switch (file.kind) {
    case 'symlink':
      return 'it is a symbolic link, which nx-helm-crds never writes through';
    case 'template': {
      const defined = crdNamesDefinedBy(file, candidates);
      return `it uses Helm template syntax and defines ${defined.length === 0 ? 'no CRD nx-helm-crds can read without rendering' : defined.join(', ')}`;
    }
    case 'unreadable':
      // Helm renders only templates/: elsewhere, template syntax would reach the cluster as it is.
      return file.text?.includes('{{') && !isHelmTemplatePath(file.path)
        ? `it holds Helm template syntax, but Helm never renders files outside templates/ and would install it as it is (${file.problem ?? 'it is not valid YAML'})`
        : (file.problem ?? 'it cannot be read');
    default: {
      const defined = crdNamesDefinedBy(file, candidates);
      if (defined.length === 0) return `it holds ${file.documents?.length ?? 0} document(s) that are not this CRD`;
      return `it holds ${defined.join(', ')}${file.documents && file.documents.length > 1 ? ' among other documents' : ''}`;
    }
  }
}

/** Whether applying the plan would change any file. */
export function planChangesChart(plan: ChartPlan): boolean {
  return plan.writes.length > 0 || plan.prunes.length > 0;
}

/**
 * Whether every change rewrites a file whose data already equals Kustomize's (known from parsed documents):
 * the chart is in sync, only text (header, comments, formatting) would change.
 */
export function planChangesOnlyText(plan: ChartPlan): boolean {
  return planChangesChart(plan) && plan.prunes.length === 0 && plan.writes.every((write) => write.reason !== 'create' && write.differences?.length === 0);
}

export interface ChartPlanRequest {
  readonly crds: readonly Crd[];
  readonly chartDirectory: string;
  /** The chart as the user names it (workspace-relative), for messages. */
  readonly displayChart?: string;
  readonly layout: ChartLayout;
  readonly kustomization: string;
  readonly regenerate: string;
  /** Kustomizations other helm-crds targets write into this chart from (see ChartPlanOptions). */
  readonly otherKustomizations?: readonly string[];
  /** The chart's files as the task read them (once: the data-loss guard and the report use them too). */
  readonly chartFiles: readonly ChartFile[];
}

/** Plans the chart's CRD files (nothing is written). */
export function planChartUpdate(request: ChartPlanRequest): ChartPlan {
  validateFileNamePattern(request.layout.fileName);
  const plan = planChart(request.crds, request.chartFiles, {
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
