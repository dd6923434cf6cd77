import type * as Yaml from 'yaml';
import type { Node } from 'yaml';

// Loaded on first use: Nx's plugin worker loads this package to infer targets, which needs no YAML parser.
const yaml = () => require('yaml') as typeof Yaml;
import { DNS_SUBDOMAIN } from '../crd/model';
import { UserError } from '../shared/errors';
import { escapeHelmBraces } from '../chart/generated-file';

/** What a CRD written into templates/ may be wrapped in; every option is opt-in. */
export interface CrdTemplating {
  /** Replace the Kustomize namespace of the conversion webhook service and of inject-ca-from with the release's. */
  readonly namespaceTemplate?: boolean;
  /** A values key (e.g. `crds.install`) that must be true for the CRD to render. */
  readonly installValue?: string;
  /** Add `helm.sh/resource-policy: keep`, so `helm uninstall` does not delete the CRD and every resource of it. */
  readonly keep?: boolean;
  /** Render only when no other release owns the CRD (for a CRD several charts ship): Helm `lookup`. */
  readonly sharedGuard?: boolean;
}

export const KEEP_ANNOTATION = 'helm.sh/resource-policy';
const RELEASE_NAMESPACE = '{{ .Release.Namespace }}';

interface Edit {
  readonly start: number;
  readonly end: number;
  /** Helm template text, inserted as is (not escaped). */
  readonly template: string;
}

export function isTemplating(templating: CrdTemplating): boolean {
  return Boolean(templating.namespaceTemplate || templating.installValue || templating.keep || templating.sharedGuard);
}

/**
 * A CRD document's text for templates/: braces in the CRD escaped, the requested Helm template syntax put in by
 * editing the text at the positions of the fields concerned, so the rest stays exactly as Kustomize emitted it.
 */
export function templateCrdText(documentText: string, crdName: string, templating: CrdTemplating): string {
  const document = yaml().parseDocument(documentText, { keepSourceTokens: true });
  const edits: Edit[] = [];
  if (templating.namespaceTemplate) edits.push(...namespaceEdits(document, crdName));
  if (templating.keep) edits.push(keepAnnotationEdit(document, documentText, crdName));
  edits.sort((a, b) => a.start - b.start);

  let body = '';
  let position = 0;
  for (const edit of edits) {
    body += escapeHelmBraces(documentText.slice(position, edit.start)) + edit.template;
    position = edit.end;
  }
  body += escapeHelmBraces(documentText.slice(position));

  const conditions: string[] = [];
  if (templating.installValue) conditions.push(`.Values.${valuesPath(templating.installValue)}`);
  if (templating.sharedGuard) {
    // `lookup` finds nothing under `helm template` (no cluster), so rendering and verify still see the CRD.
    conditions.push(`(or (not $existing) (eq (dig "metadata" "annotations" "meta.helm.sh/release-name" "" $existing) .Release.Name))`);
  }
  if (conditions.length === 0) return body;
  const lookup = templating.sharedGuard ? `{{- $existing := lookup "apiextensions.k8s.io/v1" "CustomResourceDefinition" "" ${JSON.stringify(crdName)} }}\n` : '';
  const condition = conditions.length === 1 ? conditions[0] : `and ${conditions.map((c) => (c.startsWith('(') ? c : `(${c})`)).join(' ')}`;
  return `${lookup}{{- if ${condition} }}\n${body}{{- end }}\n`;
}

function valuesPath(key: string): string {
  if (!/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/.test(key)) {
    throw new UserError(`installValue "${key}" is not a values path like crds.install: use letters, digits and _ separated by dots.`);
  }
  return key;
}

function scalarAt(document: ReturnType<typeof Yaml.parseDocument>, path: string[]): Node | undefined {
  const node = document.getIn(path, true) as Node | undefined;
  return node && yaml().isScalar(node) && typeof node.value === 'string' ? node : undefined;
}

/** The namespace part of the webhook service and of inject-ca-from (`<namespace>/<certificate>`). */
function namespaceEdits(document: ReturnType<typeof Yaml.parseDocument>, crdName: string): Edit[] {
  const edits: Edit[] = [];
  const service = scalarAt(document, ['spec', 'conversion', 'webhook', 'clientConfig', 'service', 'namespace']);
  if (service?.range) edits.push({ start: service.range[0], end: service.range[1], template: RELEASE_NAMESPACE });
  const injectCaFrom = scalarAt(document, ['metadata', 'annotations', 'cert-manager.io/inject-ca-from']);
  if (injectCaFrom?.range) {
    const value = String((injectCaFrom as unknown as { value: string }).value);
    const slash = value.indexOf('/');
    const certificate = value.slice(slash + 1);
    // The certificate name goes into the template as it is: only a Kubernetes name may (Kustomize's output is
    // untrusted, and Helm would run any action or YAML it held).
    if (slash > 0 && !DNS_SUBDOMAIN.test(certificate)) {
      throw new UserError(
        `The CRD ${crdName} has cert-manager.io/inject-ca-from ${JSON.stringify(value)}: with namespaceTemplate, the part after "/" must be a ` +
          'Certificate name (a DNS-1123 subdomain). Fix the annotation in the kustomization, or drop namespaceTemplate.',
      );
    }
    if (slash > 0) edits.push({ start: injectCaFrom.range[0], end: injectCaFrom.range[1], template: `${RELEASE_NAMESPACE}/${certificate}` });
  }
  return edits;
}

/** Inserts the keep annotation as the first annotation (or a new annotations map) at the right indentation. */
function keepAnnotationEdit(document: ReturnType<typeof Yaml.parseDocument>, text: string, crdName: string): Edit {
  const line = `${KEEP_ANNOTATION}: keep`;
  const annotations = document.getIn(['metadata', 'annotations'], true) as Node | undefined;
  if (annotations && yaml().isMap(annotations) && annotations.items.length > 0 && !annotations.flow) {
    const firstKey = annotations.items[0].key as Node;
    const start = firstKey.range![0];
    return { start, end: start, template: `${line}\n${' '.repeat(columnOf(text, start))}` };
  }
  const metadata = document.getIn(['metadata'], true) as Node | undefined;
  if (!metadata || !yaml().isMap(metadata) || metadata.flow || metadata.items.length === 0) {
    throw new UserError(`Cannot add ${KEEP_ANNOTATION} to ${crdName}: its metadata is not a block mapping.`);
  }
  if (annotations) {
    throw new UserError(`Cannot add ${KEEP_ANNOTATION} to ${crdName}: its metadata.annotations is written in flow style or empty.`);
  }
  const firstKey = metadata.items[0].key as Node;
  const start = firstKey.range![0];
  const indent = ' '.repeat(columnOf(text, start));
  return { start, end: start, template: `annotations:\n${indent}  ${line}\n${indent}` };
}

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}
