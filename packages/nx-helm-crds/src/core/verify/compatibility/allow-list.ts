/**
 * Findings a team has reviewed and accepted, per CRD and path, each with the reason that is printed whenever
 * it applies. An entry covers its path and everything below it (`…properties.spec` covers
 * `…properties.spec.properties.replicas.maximum`), in the notation of the report.
 */
import { isIgnored } from '../verification';
import { matchesGlob } from '../../crd/selection';
import { UserError } from '../../shared/errors';
import type { CompatibilityFinding } from './findings';

export interface AllowedFinding {
  /** CRD name (metadata.name) or a glob of names. */
  readonly crd: string;
  readonly path: string;
  readonly reason: string;
}

export type ReviewedFinding = CompatibilityFinding & {
  /** The allow-list reason, when the finding was accepted. */
  readonly accepted?: string;
};

export function applyAllowList(findings: readonly CompatibilityFinding[], allow: readonly AllowedFinding[]): { findings: ReviewedFinding[]; unused: AllowedFinding[] } {
  allow.forEach((entry, index) => {
    for (const field of ['crd', 'path', 'reason'] as const) {
      if (typeof entry[field] !== 'string' || entry[field].trim() === '') {
        throw new UserError(`compatibility.allow[${index}] has no ${field}: every accepted finding names the CRD, the path and the reason it is accepted.`);
      }
    }
  });
  const used = new Set<AllowedFinding>();
  const checked = findings.map((finding) => {
    const entry = allow.find((candidate) => matchesGlob(finding.crd, candidate.crd) && isIgnored(finding.path, [candidate.path]));
    if (!entry) return finding;
    used.add(entry);
    return { ...finding, accepted: entry.reason };
  });
  return { findings: checked, unused: allow.filter((entry) => !used.has(entry)) };
}
