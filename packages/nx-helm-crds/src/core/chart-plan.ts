import { posix } from 'node:path';
import { crdFileName, type Crd } from './crd';
import { crdNamesDefinedBy, isHelmTemplatePath, type ChartFile } from './chart-files';
import { UserError } from './errors';
import { generatedFileHeader, renderGeneratedFile, type GeneratedFileSource } from './generated-file';
import { isTemplating, templateCrdText, type CrdTemplating } from './helm-templating';
import { diffValues, type Difference } from './structural-diff';

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
}

export type WriteReason = 'create' | 'update' | 'adopt';

export interface PlannedWrite {
  /** Chart-relative path. */
  readonly path: string;
  readonly crd: string;
  readonly reason: WriteReason;
  readonly content: string;
  /** For update and adopt: how the file's current data differs from the CRD (empty when only text differs). */
  readonly differences?: readonly Difference[];
}

export interface ChartPlan {
  readonly writes: readonly PlannedWrite[];
  /** Generated files already up to date. */
  readonly unchanged: readonly { readonly path: string; readonly crd: string }[];
  /** Generated files whose CRD is gone from Kustomize's output, or now provided by another chart file. */
  readonly prunes: readonly { readonly path: string; readonly crds: readonly string[] }[];
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
  // Only files generated from this kustomization are ours to rewrite or prune: another helm-crds target
  // may feed the same chart from another kustomization.
  const isOurs = (file: ChartFile) => file.kind === 'generated' && file.generatedFrom === options.source.kustomization;
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

  for (const crd of crds) {
    const path = posix.join(options.directory, crdFileName(crd, options.fileName));
    const clashing = targetOwner.get(path);
    if (clashing) {
      problems.push(`${clashing} and ${crd.name} both map to ${path}: choose a fileName pattern that tells them apart (e.g. "{name}.yaml").`);
      continue;
    }
    targetOwner.set(path, crd.name);

    const provider = (definers.get(crd.name) ?? []).find((file) => file.path !== path);
    if (provider) {
      providedElsewhere.push({ crd: crd.name, path: provider.path });
      continue;
    }
    const content =
      helmTemplate && options.templating && isTemplating(options.templating)
        ? generatedFileHeader(options.source) + templateCrdText(crd.document.text, crd.name, options.templating)
        : renderGeneratedFile(crd.document.text, options.source, helmTemplate);
    const existing = filesByPath.get(path);
    if (!existing) {
      writes.push({ path, crd: crd.name, reason: 'create', content });
    } else if (isOurs(existing)) {
      kept.add(path);
      if (existing.text === content) unchanged.push({ path, crd: crd.name });
      else writes.push({ path, crd: crd.name, reason: 'update', content, differences: differencesFrom(existing, crd) });
    } else if (isStaleCopy(existing, crd.name)) {
      kept.add(path);
      writes.push({ path, crd: crd.name, reason: 'adopt', content, differences: differencesFrom(existing, crd) });
    } else {
      problems.push(`${path} already exists and was not generated by nx-helm-crds (${describeForeign(existing, names)}); ` +
        `it is left untouched. Rename or remove it, or choose another fileName/directory for ${crd.name}.`);
    }
  }

  const prunes = chartFiles
    .filter((file) => isOurs(file) && !kept.has(file.path))
    .filter((file) => !writes.some((write) => write.path === file.path))
    .map((file) => ({ path: file.path, crds: crdNamesDefinedBy(file, []) }));

  if (problems.length > 0) {
    throw new UserError(
      `The chart${options.chart ? ` ${options.chart}` : ''} cannot take the CRDs without overwriting files nx-helm-crds does not own ` +
        `(nothing was written):\n  - ${problems.join('\n  - ')}`,
    );
  }
  return { writes, unchanged, prunes, providedElsewhere };
}

/** The data differences between a chart file's single CRD document and the Kustomize CRD. */
function differencesFrom(file: ChartFile, crd: Crd): Difference[] {
  const document = file.documents?.length === 1 ? file.documents[0] : undefined;
  return document ? diffValues(crd.document.value, document.value) : [];
}

/** A plain YAML file holding exactly one document: the same CRD. Replacing it is this tool's purpose. */
function isStaleCopy(file: ChartFile, crdName: string): boolean {
  return file.kind === 'plain' && file.documents?.length === 1 && crdNamesDefinedBy(file, []).join() === crdName;
}

function describeForeign(file: ChartFile, candidates: readonly string[]): string {
  switch (file.kind) {
    case 'symlink':
      return 'it is a symbolic link, which nx-helm-crds never writes through';
    case 'template':
      return 'it uses Helm template syntax';
    case 'unreadable':
      return file.problem ?? 'it cannot be read';
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
