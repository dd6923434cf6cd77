/**
 * What the compatibility guard finds when it compares a CRD the chart shipped at an earlier revision with the
 * CRD it ships now: findings (breaking or warning), and the compatible changes it recognised.
 */
import type { PathSegment } from '../path-lines';
import { keyPath } from '../diff';

export type { PathSegment };

/** `spec.versions[name=v1].schema.openAPIV3Schema.properties.spec.properties["x-y"]`: the notation of verify's diff. */
export function formatPath(segments: readonly PathSegment[]): string {
  let path = '';
  for (const segment of segments) {
    if ('key' in segment) path = keyPath(path, segment.key);
    else if ('index' in segment) path += `[${segment.index}]`;
    else path += `[name=${segment.name}]`;
  }
  return path;
}

/** breaking: existing objects or clients stop working (fails the task); warning: they keep working but behave differently. */
export type FindingClass = 'breaking' | 'warning';

export type RuleId =
  | 'scope-changed'
  | 'name-changed'
  | 'served-version-removed'
  | 'version-unserved'
  | 'storage-version-removed'
  | 'storage-version-unserved'
  | 'conversion-webhook-removed'
  | 'property-removed'
  | 'type-changed'
  | 'property-newly-required'
  | 'enum-value-removed'
  | 'bound-tightened'
  | 'pattern-changed'
  | 'format-changed'
  | 'preserve-unknown-fields-removed'
  | 'additional-properties-removed'
  | 'list-type-changed'
  | 'nullable-removed'
  | 'default-changed'
  | 'validation-rule-added'
  | 'combinator-changed';

export interface CompatibilityFinding {
  readonly class: FindingClass;
  readonly rule: RuleId;
  /** metadata.name of the CRD. */
  readonly crd: string;
  /** The version whose schema or flags the finding is about, when there is one. */
  readonly version?: string;
  readonly path: string;
  /** The same path as steps, to find its line in a file. */
  readonly segments: readonly PathSegment[];
  readonly message: string;
  readonly previous?: unknown;
  readonly current?: unknown;
}

/** An additive change (new optional property, new version, relaxed bound, new enum value): reported, never a finding. */
export interface CompatibleChange {
  readonly crd: string;
  readonly path: string;
  readonly change: string;
}

/** Collects what one CRD comparison finds; the rules only say what and where. */
export class CompatibilityCollector {
  readonly findings: CompatibilityFinding[] = [];
  readonly compatible: CompatibleChange[] = [];

  constructor(readonly crd: string) {}

  find(finding: Omit<CompatibilityFinding, 'crd' | 'path' | 'version'>): void {
    const version = finding.segments.find((segment): segment is { name: string } => 'name' in segment)?.name;
    this.findings.push({ crd: this.crd, ...(version ? { version } : {}), path: formatPath(finding.segments), ...finding });
  }

  accept(segments: readonly PathSegment[], change: string): void {
    this.compatible.push({ crd: this.crd, path: formatPath(segments), change });
  }
}
