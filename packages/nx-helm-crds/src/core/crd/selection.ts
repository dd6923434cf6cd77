import { minimatch } from 'minimatch';

/** Which CRDs (by `metadata.name`) a chart receives from Kustomize, and which it ships from elsewhere. */
export interface CrdSelection {
  /** Globs of CRD names to take; empty means all. */
  readonly include?: readonly string[];
  /** Globs of CRD names to leave out. */
  readonly exclude?: readonly string[];
  /** Globs of CRD names the chart ships from elsewhere: never written, and not reported when Kustomize lacks them. */
  readonly unmanaged?: readonly string[];
}

/** Whether a CRD name matches one glob (`*` matches dots too; case-insensitive, as names are). */
export const matchesGlob = (name: string, glob: string): boolean => minimatch(name, glob, { nocase: true });

const matchesAny = (name: string, globs: readonly string[] = []): boolean => globs.some((glob) => matchesGlob(name, glob));

export function isUnmanaged(name: string, selection: CrdSelection): boolean {
  return matchesAny(name, selection.unmanaged);
}

/** Whether a Kustomize CRD belongs in the chart: included, not excluded, not unmanaged. */
export function isSelected(name: string, selection: CrdSelection): boolean {
  const included = !selection.include || selection.include.length === 0 || matchesAny(name, selection.include);
  return included && !matchesAny(name, selection.exclude) && !isUnmanaged(name, selection);
}
