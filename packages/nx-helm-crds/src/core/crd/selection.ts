import { minimatch } from 'minimatch';
import type { Crd } from './model';
import { UserError } from '../shared/errors';

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
