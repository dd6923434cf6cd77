/**
 * The compatibility guard: every CRD the chart will ship, compared with the same CRD as the chart shipped it at
 * the previous revision. Pure: the baseline's files are read by the caller (compatibilityWithRevision).
 */
import { isDeepStrictEqual } from 'node:util';
import type { Crd } from '../../crd/model';
import type { RevisionFile } from '../../chart/git-revision';
import { valueAt } from '../../yaml/values';
import { applyAllowList, type AllowedFinding, type ReviewedFinding } from './allow-list';
import { compareCrd } from './crd-rules';
import type { CompatibleChange } from './findings';
import { previousChartCrds, type PreviousCrd } from './previous-chart';

/** The guard's options (verify's `compatibility` option, per chart in the plugin options). */
export interface CompatibilityOptions {
  /** Default true. */
  readonly enabled?: boolean;
  /** Fail on warnings too (default: only breaking findings fail). */
  readonly failOnWarnings?: boolean;
  readonly allow?: readonly AllowedFinding[];
}

export type CrdCompatibility = 'unchanged' | 'compatible' | 'accepted' | 'warning' | 'breaking' | 'new' | 'not-comparable';

export interface CrdCompatibilityVerdict {
  readonly name: string;
  readonly status: CrdCompatibility;
  /** Chart-relative file at the previous revision. */
  readonly previousFile?: string;
  /** Why it was not compared, or what it was compared with (a renamed group or plural). */
  readonly note?: string;
}

export interface CompatibilityResult {
  readonly previousRevision: string;
  /** `compatible`: nothing fails; `incompatible`: a breaking finding (or a warning, with failOnWarnings) not allow-listed; `skipped`: nothing to compare with. */
  readonly result: 'compatible' | 'incompatible' | 'skipped';
  readonly note?: string;
  readonly failOnWarnings: boolean;
  readonly crds: readonly CrdCompatibilityVerdict[];
  readonly findings: readonly ReviewedFinding[];
  readonly compatibleChanges: readonly CompatibleChange[];
  /** Allow-list entries that matched no finding (stale, or a typo in the path). */
  readonly unusedAllowances: readonly AllowedFinding[];
}

export interface CompatibilityRequest {
  readonly previousRevision: string;
  /** The chart's files at the revision; undefined when the chart did not exist then. */
  readonly previousFiles: readonly RevisionFile[] | undefined;
  /** The CRDs the chart ships now (Kustomize's, selected). */
  readonly current: readonly Crd[];
  readonly options?: CompatibilityOptions;
}

export function skippedCompatibility(previousRevision: string, note: string, options: CompatibilityOptions = {}): CompatibilityResult {
  return { previousRevision, result: 'skipped', note, failOnWarnings: options.failOnWarnings ?? false, crds: [], findings: [], compatibleChanges: [], unusedAllowances: options.allow ?? [] };
}

/**
 * A CRD whose group or plural changed has a new metadata.name: it is paired with the previous CRD of the same
 * kind that shares the other half of the name, so the change is reported instead of looking like a new CRD.
 */
function renamedFrom(crd: Crd, unmatched: Map<string, PreviousCrd>): PreviousCrd | undefined {
  for (const previous of unmatched.values()) {
    const [kind, group, plural] = [['spec', 'names', 'kind'], ['spec', 'group'], ['spec', 'names', 'plural']].map((path) => valueAt(previous.value, ...path));
    if (kind === crd.kind && (group === crd.group || plural === crd.plural)) return previous;
  }
  return undefined;
}

export function assessCompatibility(request: CompatibilityRequest): CompatibilityResult {
  const options = request.options ?? {};
  const failOnWarnings = options.failOnWarnings ?? false;
  if (request.previousFiles === undefined) {
    const crds = request.current.map((crd) => ({ name: crd.name, status: 'new' as const, note: `the chart has no files at ${request.previousRevision}` }));
    return { ...skippedCompatibility(request.previousRevision, `${request.previousRevision} has no such chart: nothing to compare with`, options), crds };
  }
  const previous = previousChartCrds(request.previousFiles, request.current.map((crd) => crd.name));
  const unmatched = new Map([...previous.crds].filter(([name]) => !request.current.some((crd) => crd.name === name)));
  const notComparable = new Map(previous.notComparable.flatMap((entry) => entry.crds.map((name) => [name, entry] as const)));

  const verdicts: { name: string; status: CrdCompatibility; previousFile?: string; note?: string }[] = [];
  const rawFindings = [];
  const compatibleChanges: CompatibleChange[] = [];
  for (const crd of request.current) {
    const skipped = notComparable.get(crd.name);
    if (skipped) {
      verdicts.push({ name: crd.name, status: 'not-comparable', previousFile: skipped.file, note: `${skipped.file} at ${request.previousRevision}: ${skipped.reason}` });
      continue;
    }
    let before = previous.crds.get(crd.name);
    let note: string | undefined;
    if (!before) {
      before = renamedFrom(crd, unmatched);
      if (!before) {
        verdicts.push({ name: crd.name, status: 'new', note: `not in the chart at ${request.previousRevision}` });
        continue;
      }
      unmatched.delete(before.name);
      note = `compared with ${before.name}, its name at ${request.previousRevision}`;
    }
    const comparison = compareCrd(before.value, crd.document.value, crd.name);
    rawFindings.push(...comparison.findings);
    compatibleChanges.push(...comparison.compatible);
    const changed = comparison.findings.length > 0 || comparison.compatible.length > 0 || !isDeepStrictEqual(before.value, crd.document.value);
    verdicts.push({ name: crd.name, status: changed ? 'compatible' : 'unchanged', previousFile: before.file, ...(note ? { note } : {}) });
  }

  const { findings, unused } = applyAllowList(rawFindings, options.allow ?? []);
  const fails = (finding: ReviewedFinding) => !finding.accepted && (finding.class === 'breaking' || failOnWarnings);
  const crds = verdicts.map((verdict) => {
    const own = findings.filter((finding) => finding.crd === verdict.name);
    if (own.length === 0) return verdict;
    const open = own.filter((finding) => !finding.accepted);
    const status: CrdCompatibility = open.some((finding) => finding.class === 'breaking') ? 'breaking' : open.length > 0 ? 'warning' : 'accepted';
    return { ...verdict, status };
  });
  return {
    previousRevision: request.previousRevision,
    result: findings.some(fails) ? 'incompatible' : 'compatible',
    failOnWarnings,
    crds,
    findings,
    compatibleChanges,
    unusedAllowances: unused,
  };
}
