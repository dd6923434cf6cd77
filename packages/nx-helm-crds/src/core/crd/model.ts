import { posix } from 'node:path';
import { UserError } from '../shared/errors';
import { isMapping, valueAt } from '../yaml/values';
import { truncatedValue } from '../verify/diff';
import type { YamlDocument } from '../yaml/documents';

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
  const rawName = valueAt(document.value, 'metadata', 'name');
  // The name goes into the message only once it is known to be safe to print (no newlines or NULs).
  const which =
    typeof rawName === 'string' && IDENTITY_RULES.name.test(rawName) ? `The CustomResourceDefinition ${rawName}` : 'The CustomResourceDefinition';
  const required = (field: keyof typeof IDENTITY_RULES, path: string[]): string => {
    const value = valueAt(document.value, ...path);
    if (typeof value !== 'string' || value === '') {
      throw new UserError(
        `${which} at line ${document.line} of ${source} has no \`${path.join('.')}\`${value === undefined ? '' : ` (it is ${truncatedValue(value)})`}: ` +
          'a CRD needs it to be installable. Fix the resource or patch that produces it.',
      );
    }
    // Kustomize passes any text through, and these values become chart file names: a value Kubernetes would
    // refuse (`../../.github/workflows/ci`, a NUL, 300 characters) must never reach the file system.
    if (!IDENTITY_RULES[field].test(value)) {
      throw new UserError(
        `${which} at line ${document.line} of ${source} has \`${path.join('.')}\` ${truncatedValue(value)}, which is not ${IDENTITY_RULE_TEXT[field]}: ` +
          'the API server rejects it, and nx-helm-crds names chart files after it. Fix the resource or patch that produces it.',
      );
    }
    return value;
  };
  return {
    name: required('name', ['metadata', 'name']),
    group: required('group', ['spec', 'group']),
    plural: required('plural', ['spec', 'names', 'plural']),
    kind: required('kind', ['spec', 'names', 'kind']),
    document,
  };
}

const DNS_LABEL = '[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?';
/** A DNS-1123 subdomain: dot-separated DNS-1123 labels, at most 253 characters. */
export const DNS_SUBDOMAIN = new RegExp(`^(?=.{1,253}$)${DNS_LABEL}(?:\\.${DNS_LABEL})*$`);

/** What the API server accepts for each field a CRD file is named after (apiextensions validation). */
const IDENTITY_RULES = {
  name: DNS_SUBDOMAIN,
  group: DNS_SUBDOMAIN,
  plural: new RegExp(`^${DNS_LABEL}$`),
  // The API server checks the lower-cased kind as a DNS-1035 label.
  kind: /^[A-Za-z](?:[-A-Za-z0-9]{0,61}[A-Za-z0-9])?$/,
} as const;

const SUBDOMAIN_TEXT = 'a DNS-1123 subdomain (lowercase letters, digits, "-" and ".", at most 253 characters, each dot-separated part starting and ending with a letter or digit)';
const IDENTITY_RULE_TEXT: Record<keyof typeof IDENTITY_RULES, string> = {
  name: SUBDOMAIN_TEXT,
  group: SUBDOMAIN_TEXT,
  plural: 'a DNS-1123 label (lowercase letters, digits and "-", at most 63 characters, starting and ending with a letter or digit)',
  kind: 'a kind (a letter, then letters, digits and "-", at most 63 characters)',
};

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

/** Most file systems refuse longer file names (bytes, not characters). */
const MAX_FILE_NAME_BYTES = 255;

/**
 * The chart-relative path of a CRD's file in `directory`. `origin` names where the CRD came from, for
 * messages (e.g. `the output of kustomize build config/crd`).
 *
 * Refuses a CRD whose metadata.name is not `<plural>.<group>`: the API server rejects it, and a file named
 * after one CRD while holding another would mislead everyone reading the chart. Whatever the pattern, the
 * path must stay a file directly inside `directory`.
 */
export function crdFilePath(crd: Crd, directory: string, pattern: string, origin: string): string {
  const where = `The CustomResourceDefinition ${crd.name} at line ${crd.document.line} of ${origin}`;
  if (crd.name !== `${crd.plural}.${crd.group}`) {
    throw new UserError(
      `${where} has metadata.name "${crd.name}", but a CRD must be named <spec.names.plural>.<spec.group> = "${crd.plural}.${crd.group}" ` +
        '(the API server rejects any other name, and its chart file would be named after one CRD while holding another). ' +
        'Fix the resource or patch that produces it.',
    );
  }
  const fileName = crdFileName(crd, pattern);
  const bytes = Buffer.byteLength(fileName);
  if (bytes > MAX_FILE_NAME_BYTES) {
    throw new UserError(
      `${where} would be written to a file named "${fileName.slice(0, 60)}…" of ${bytes} bytes; file systems allow ${MAX_FILE_NAME_BYTES}. ` +
        `Choose a fileName pattern with fewer placeholders than "${pattern}" (Kubernetes allows CRD names of up to 253 characters).`,
    );
  }
  const folder = posix.normalize(directory);
  const path = posix.join(folder, fileName);
  if (posix.dirname(path) !== folder || fileName.includes('/') || fileName.includes('\\') || fileName.includes('\0')) {
    throw new UserError(`${where}: fileName "${pattern}" makes "${fileName}", which is not a file name inside ${directory}/. Use a pattern like "{name}.yaml".`);
  }
  return path;
}

/**
 * A pattern (other than `current`) that gives every CRD its own file name, for advice after a clash. With
 * valid CRDs, `{name}.yaml` always does: names are unique and lowercase.
 */
export function distinctFileNamePattern(crds: readonly Crd[], current: string): string | undefined {
  return ['{name}.yaml', '{group}_{plural}.yaml', '{plural}.{group}.yaml'].find(
    (pattern) => pattern !== current && new Set(crds.map((crd) => crdFileName(crd, pattern))).size === crds.length,
  );
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
  if (/[\u0000-\u001f\u007f]/.test(pattern)) {
    throw new UserError(`fileName ${JSON.stringify(pattern)} contains a control character (a NUL, a newline, …): use a plain file name such as "{group}_{plural}.yaml".`);
  }
  if (pattern.includes('/') || pattern.includes('\\')) {
    throw new UserError(`fileName "${pattern}" must be a file name, not a path: use the directory option for sub-folders.`);
  }
  if (!/\.ya?ml$/.test(pattern)) {
    throw new UserError(`fileName "${pattern}" must end in .yaml or .yml so Helm picks the file up.`);
  }
}
