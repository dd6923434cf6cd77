/**
 * verify's compatibility step: the CRDs the chart will ship against the chart at previousRevision (the revision
 * the data-loss guard of helm-crds uses), with each finding located in the chart file that defines its CRD now.
 */
import { chartFilesAtRevision } from '../../chart/git-revision';
import type { Crd } from '../../crd/model';
import { assessCompatibility, skippedCompatibility, type CompatibilityOptions, type CompatibilityResult } from './guard';
import { locateFindings, type ChartFileOf, type LocatedFinding } from './report';

export interface ChartCompatibility {
  readonly result: CompatibilityResult;
  readonly findings: readonly LocatedFinding[];
}

export interface ChartCompatibilityRequest {
  readonly options?: CompatibilityOptions;
  readonly previousRevision: string;
  readonly workspaceRoot: string;
  /** Workspace-relative chart directory. */
  readonly chart: string;
  /** The CRDs the chart ships now (Kustomize's, selected). */
  readonly current: readonly Crd[];
  /** The chart file that defines a CRD now, where its findings point. */
  readonly fileOf: ChartFileOf;
}

/** The guard's result (the caller skips it when `compatibility.enabled` is false). */
export async function compatibilityWithRevision(request: ChartCompatibilityRequest): Promise<ChartCompatibility> {
  const options = request.options ?? {};
  const revision = request.previousRevision;
  // It refuses a revision that does not exist, as the data-loss guard does (same function, same message).
  const baseline = await chartFilesAtRevision(request.workspaceRoot, request.chart, revision);
  if (baseline.kind !== 'files') {
    const why = baseline.kind === 'no-repository' ? 'not a git repository' : 'the repository has no commits yet';
    return { result: skippedCompatibility(revision, `${why}: nothing to compare with`, options), findings: [] };
  }
  const result = assessCompatibility({ previousRevision: revision, previousFiles: baseline.files.length > 0 ? baseline.files : undefined, current: request.current, options });
  return { result, findings: locateFindings(result.findings, request.fileOf) };
}
