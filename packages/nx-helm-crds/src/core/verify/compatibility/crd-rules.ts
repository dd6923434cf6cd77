/**
 * The CRD-level rules: scope and names, served and storage versions, conversion; then the schema of every
 * version that was served, walked by compareSchemas.
 */
import { isMapping, valueAt, type Mapping } from '../../yaml/values';
import { CompatibilityCollector, type PathSegment } from './findings';
import { compareSchemas } from './schema-walker';

const NAME_FIELDS: readonly (readonly string[])[] = [['spec', 'group'], ['spec', 'names', 'kind'], ['spec', 'names', 'plural'], ['spec', 'names', 'listKind']];

const keys = (...names: string[]): PathSegment[] => names.map((key) => ({ key }));

function versionsOf(crd: unknown): Map<string, Mapping> {
  const versions = valueAt(crd, 'spec', 'versions');
  const byName = new Map<string, Mapping>();
  if (Array.isArray(versions)) for (const version of versions) if (isMapping(version) && typeof version.name === 'string') byName.set(version.name, version);
  return byName;
}

/** kubectl and clients address objects by these: the API server fills listKind in as `<kind>List` when it is left out. */
function nameField(crd: unknown, path: readonly string[]): unknown {
  const value = valueAt(crd, ...path);
  if (value === undefined && path[path.length - 1] === 'listKind') {
    const kind = valueAt(crd, 'spec', 'names', 'kind');
    return typeof kind === 'string' ? `${kind}List` : undefined;
  }
  return value;
}

/** Compares the CRD a chart shipped (`previous`) with the one it ships now, both parsed; `name` is the current metadata.name. */
export function compareCrd(previous: unknown, current: unknown, name: string): CompatibilityCollector {
  const out = new CompatibilityCollector(name);
  if (previous === current) return out;
  const previousScope = valueAt(previous, 'spec', 'scope');
  const currentScope = valueAt(current, 'spec', 'scope');
  if (previousScope !== currentScope) {
    out.find({ class: 'breaking', rule: 'scope-changed', segments: keys('spec', 'scope'), message: `scope changed from ${previousScope} to ${currentScope}: stored objects and every client, RBAC rule and manifest that addresses them by namespace stop matching`, previous: previousScope, current: currentScope });
  }
  for (const path of NAME_FIELDS) {
    const before = nameField(previous, path);
    const after = nameField(current, path);
    if (before !== after) {
      out.find({ class: 'breaking', rule: 'name-changed', segments: keys(...path), message: `${path.join('.')} changed from ${before} to ${after}: clients, RBAC rules and stored objects address the resource by it`, previous: before, current: after });
    }
  }
  compareVersions(previous, current, out);
  compareConversion(previous, current, out);
  return out;
}

function compareVersions(previous: unknown, current: unknown, out: CompatibilityCollector): void {
  const before = versionsOf(previous);
  const after = versionsOf(current);
  const versionPath = (version: string, ...more: string[]): PathSegment[] => [...keys('spec', 'versions'), { name: version }, ...keys(...more)];
  for (const [version, old] of before) {
    const now = after.get(version);
    if (!now) {
      if (old.storage === true) {
        out.find({ class: 'breaking', rule: 'storage-version-removed', segments: versionPath(version), message: `version ${version}, the storage version before, was removed: objects stored as ${version} can no longer be read` });
      } else if (old.served === true) {
        out.find({ class: 'breaking', rule: 'served-version-removed', segments: versionPath(version), message: `served version ${version} was removed: clients and manifests using ${version} fail` });
      }
      continue;
    }
    if (old.served === true && now.served !== true) {
      out.find({ class: 'breaking', rule: 'version-unserved', segments: versionPath(version, 'served'), message: `version ${version} is no longer served: clients and manifests using ${version} fail`, previous: true, current: now.served });
    }
    if (old.served === true) compareSchemas(valueAt(old, 'schema', 'openAPIV3Schema'), valueAt(now, 'schema', 'openAPIV3Schema'), versionPath(version, 'schema', 'openAPIV3Schema'), out);
  }
  for (const version of after.keys()) if (!before.has(version)) out.accept(versionPath(version), `version ${version} added`);

  const storageOf = (versions: Map<string, Mapping>) => [...versions].find(([, version]) => version.storage === true)?.[0];
  const previousStorage = storageOf(before);
  const currentStorage = storageOf(after);
  if (!previousStorage || !currentStorage || previousStorage === currentStorage || !after.has(previousStorage)) return;
  if (after.get(previousStorage)!.served === true) {
    out.accept(versionPath(currentStorage, 'storage'), `storage version moved from ${previousStorage} to ${currentStorage}; ${previousStorage} is still served`);
  } else {
    out.find({ class: 'breaking', rule: 'storage-version-unserved', segments: versionPath(currentStorage, 'storage'), message: `the storage version changed from ${previousStorage} to ${currentStorage} and ${previousStorage} is no longer served: objects stored as ${previousStorage} become unreadable until they are migrated`, previous: previousStorage, current: currentStorage });
  }
}

function compareConversion(previous: unknown, current: unknown, out: CompatibilityCollector): void {
  const before = valueAt(previous, 'spec', 'conversion', 'strategy') ?? 'None';
  const after = valueAt(current, 'spec', 'conversion', 'strategy') ?? 'None';
  const served = [...versionsOf(current)].filter(([, version]) => version.served === true).map(([name]) => name);
  if (before === 'Webhook' && after === 'None' && served.length > 1) {
    out.find({ class: 'breaking', rule: 'conversion-webhook-removed', segments: keys('spec', 'conversion', 'strategy'), message: `the conversion strategy changed from Webhook to None while ${served.join(', ')} are served: objects are returned in other versions with only apiVersion rewritten`, previous: before, current: after });
  }
}
