import { UserError } from './errors';
import { isMapping, valueAt } from './yaml-values';
import { truncatedValue } from './structural-diff';
import type { YamlDocument } from './yaml-documents';

export const CRD_API_VERSION = 'apiextensions.k8s.io/v1';
export const CRD_KIND = 'CustomResourceDefinition';

/** A CustomResourceDefinition found in a YAML stream, with the text it was written in. */
export interface Crd {
  /** `metadata.name`, e.g. `inferenceservices.serving.kserve.io`. */
  readonly name: string;
  readonly group: string;
  readonly plural: string;
  readonly kind: string;
  readonly document: YamlDocument;
}

export function isCrdDocument(value: unknown): boolean {
  return isMapping(value) && value.kind === CRD_KIND && value.apiVersion === CRD_API_VERSION;
}

/** The `metadata.name` of a CRD document of any apiVersion, or undefined for other documents. */
export function crdNameOf(value: unknown): string | undefined {
  if (!isMapping(value) || value.kind !== CRD_KIND) return undefined;
  const name = valueAt(value, 'metadata', 'name');
  return typeof name === 'string' ? name : undefined;
}

/**
 * Picks the `apiextensions.k8s.io/v1` CRDs out of a stream's documents. Every document must have a
 * `kind`; every CRD must have `metadata.name`, `spec.group` and `spec.names.plural`, and a name may occur
 * only once. `source` names the stream in error messages, e.g. `dist/…/kustomize.yaml (kustomize build config/crd)`.
 */
export function collectCrds(documents: readonly YamlDocument[], source: string): Crd[] {
  const crds: Crd[] = [];
  const lineByName = new Map<string, number>();
  for (const document of documents) {
    if (!isMapping(document.value) || typeof document.value.kind !== 'string') {
      const what = isMapping(document.value) ? 'a mapping' : Array.isArray(document.value) ? 'a list' : `the scalar ${truncatedValue(document.value)}`;
      throw new UserError(
        `The document at line ${document.line} of ${source} has no \`kind\` (it is ${what}): every Kubernetes object needs one. ` +
          'Fix the resource or patch that produces it.',
      );
    }
    if (!isCrdDocument(document.value)) continue;
    const crd = toCrd(document, source);
    const earlier = lineByName.get(crd.name);
    if (earlier !== undefined) {
      throw new UserError(
        `${source} defines the CRD ${crd.name} twice (documents at lines ${earlier} and ${document.line}). ` +
          'Remove one of the resources from the kustomization (or give them different metadata.name).',
      );
    }
    lineByName.set(crd.name, document.line);
    crds.push(crd);
  }
  return crds;
}

function toCrd(document: YamlDocument, source: string): Crd {
  const name = valueAt(document.value, 'metadata', 'name');
  const which = typeof name === 'string' && name !== '' ? `The CustomResourceDefinition ${name}` : 'The CustomResourceDefinition';
  const required = (path: string[]): string => {
    const value = valueAt(document.value, ...path);
    if (typeof value !== 'string' || value === '') {
      throw new UserError(
        `${which} at line ${document.line} of ${source} has no \`${path.join('.')}\`${value === undefined ? '' : ` (it is ${truncatedValue(value)})`}: ` +
          'a CRD needs it to be installable. Fix the resource or patch that produces it.',
      );
    }
    return value;
  };
  return {
    name: required(['metadata', 'name']),
    group: required(['spec', 'group']),
    plural: required(['spec', 'names', 'plural']),
    kind: required(['spec', 'names', 'kind']),
    document,
  };
}

const FILE_NAME_PLACEHOLDERS = ['group', 'plural', 'kind', 'name'] as const;

/** The default chart file name: controller-gen's convention, `<spec.group>_<spec.names.plural>.yaml`. */
export const DEFAULT_FILE_NAME_PATTERN = '{group}_{plural}.yaml';

/**
 * The file name of a CRD from a pattern with `{group}`, `{plural}`, `{kind}` and `{name}` placeholders,
 * e.g. kubebuilder's `{plural}.{group}.yaml`.
 */
export function crdFileName(crd: Crd, pattern: string): string {
  return pattern.replace(/\{(\w+)\}/g, (placeholder, key: string) => {
    if (!(FILE_NAME_PLACEHOLDERS as readonly string[]).includes(key)) return placeholder;
    return crd[key as (typeof FILE_NAME_PLACEHOLDERS)[number]].toLowerCase();
  });
}

/** Checks a file name pattern up front, so a typo fails before anything is written. */
export function validateFileNamePattern(pattern: string): void {
  const unknown = [...pattern.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).filter(
    (key) => !(FILE_NAME_PLACEHOLDERS as readonly string[]).includes(key),
  );
  if (unknown.length > 0) {
    throw new UserError(
      `fileName "${pattern}" uses unknown placeholder(s) ${unknown.map((key) => `{${key}}`).join(', ')}; ` +
        `use ${FILE_NAME_PLACEHOLDERS.map((key) => `{${key}}`).join(', ')}.`,
    );
  }
  if (!pattern.includes('{name}') && !(pattern.includes('{group}') && (pattern.includes('{plural}') || pattern.includes('{kind}')))) {
    throw new UserError(
      `fileName "${pattern}" does not identify a CRD: include {name}, or {group} with {plural} or {kind}.`,
    );
  }
  if (pattern.includes('/') || pattern.includes('\\')) {
    throw new UserError(`fileName "${pattern}" must be a file name, not a path: use the directory option for sub-folders.`);
  }
  if (!/\.ya?ml$/.test(pattern)) {
    throw new UserError(`fileName "${pattern}" must end in .yaml or .yml so Helm picks the file up.`);
  }
}
