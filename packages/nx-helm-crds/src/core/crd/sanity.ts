import { gzipSync } from 'node:zlib';
import { CRD_API_VERSION, CRD_KIND, type Crd } from './model';
import type { YamlDocument } from '../yaml/documents';
import { isMapping, valueAt } from '../yaml/values';

export interface SanityFinding {
  readonly level: 'error' | 'warning';
  /** The CRD's metadata.name, or `(chart)` for findings about the whole chart. */
  readonly crd: string;
  /** The field concerned, when there is one. */
  readonly path?: string;
  readonly message: string;
}

/** kubectl apply (client-side) stores the object in an annotation, and all annotations must fit in 256 KiB. */
export const CLIENT_SIDE_APPLY_LIMIT = 262_144;
/** etcd's default request limit is 1.5 MiB; a CRD near it fails to be stored at all. */
const ETCD_REQUEST_LIMIT = 1_572_864;
/** Helm keeps a release (its templates/ manifests included) in one Secret, at most 1 MiB. */
const HELM_RELEASE_SECRET_LIMIT = 1_048_576;


const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** Documents that claim to be CRDs but use a removed API version (collectCrds leaves them out). */
export function removedApiVersionFindings(documents: readonly YamlDocument[]): SanityFinding[] {
  return documents
    .filter((document) => isMapping(document.value) && document.value.kind === CRD_KIND && document.value.apiVersion !== CRD_API_VERSION)
    .map((document) => ({
      level: 'error' as const,
      crd: String(valueAt(document.value, 'metadata', 'name') ?? `(document at line ${document.line})`),
      path: 'apiVersion',
      message: `apiVersion is ${JSON.stringify(valueAt(document.value, 'apiVersion'))}: only ${CRD_API_VERSION} is served by Kubernetes 1.22 and later. Regenerate it with controller-gen (crd:crdVersions=v1).`,
    }));
}

/** Rules every CRD must follow to be installable, and size warnings with figures and advice. */
export function crdSanityFindings(crd: Crd): SanityFinding[] {
  const findings: SanityFinding[] = [];
  const error = (path: string, message: string) => findings.push({ level: 'error', crd: crd.name, path, message });
  const value = crd.document.value;

  if (crd.name !== `${crd.plural}.${crd.group}`) {
    error('metadata.name', `metadata.name must be <spec.names.plural>.<spec.group> = "${crd.plural}.${crd.group}", not "${crd.name}" (the API server rejects it).`);
  }
  const versions = valueAt(value, 'spec', 'versions');
  const list = Array.isArray(versions) ? versions : [];
  if (!list.some((version) => valueAt(version, 'served') === true)) {
    error('spec.versions', 'no version has served: true, so no client can use the resource.');
  }
  const storage = list.filter((version) => valueAt(version, 'storage') === true).map((version) => String(valueAt(version, 'name')));
  if (storage.length !== 1) {
    error('spec.versions', `exactly one version must have storage: true; found ${storage.length === 0 ? 'none' : storage.join(', ')}.`);
  }
  if (valueAt(value, 'spec', 'conversion', 'strategy') === 'Webhook') {
    const clientConfig = valueAt(value, 'spec', 'conversion', 'webhook', 'clientConfig');
    if (!valueAt(clientConfig, 'service') && !valueAt(clientConfig, 'url')) {
      error('spec.conversion.webhook.clientConfig', 'a Webhook conversion needs clientConfig.service or clientConfig.url (is the webhook patch in the kustomization?).');
    }
    const reviewVersions = valueAt(value, 'spec', 'conversion', 'webhook', 'conversionReviewVersions');
    if (!Array.isArray(reviewVersions) || reviewVersions.length === 0) {
      error('spec.conversion.webhook.conversionReviewVersions', 'a Webhook conversion needs conversionReviewVersions, e.g. [v1].');
    }
  }
  const injectCaFrom = valueAt(value, 'metadata', 'annotations', 'cert-manager.io/inject-ca-from');
  if (injectCaFrom !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/.test(String(injectCaFrom))) {
    error('metadata.annotations["cert-manager.io/inject-ca-from"]', `must be <namespace>/<certificate name>, not ${JSON.stringify(injectCaFrom)} (a kustomize variable left unreplaced?).`);
  }

  const size = Buffer.byteLength(JSON.stringify(value));
  if (size > ETCD_REQUEST_LIMIT) {
    findings.push({ level: 'warning', crd: crd.name, message: `is ${kib(size)} as JSON, near etcd's default request limit of ${kib(ETCD_REQUEST_LIMIT)}: the API server may refuse to store it. Trim descriptions (controller-gen crd:maxDescLen=0) or split the API.` });
  } else if (size > CLIENT_SIDE_APPLY_LIMIT) {
    findings.push({ level: 'warning', crd: crd.name, message: `is ${kib(size)} as JSON, above the ${kib(CLIENT_SIDE_APPLY_LIMIT)} that client-side \`kubectl apply\` can store in its last-applied annotation: install it with server-side apply, kubectl create/replace, or from the chart's crds/ folder.` });
  }
  return findings;
}

/**
 * How much of the release Secret these templates/ manifests take: Helm stores the release gzip-compressed,
 * then base64-encoded, as the Secret's data (which Kubernetes limits to 1 MiB).
 */
export function estimateReleaseSecretBytes(templateManifests: readonly string[]): number {
  const gzipped = gzipSync(Buffer.from(templateManifests.join('\n---\n')));
  return Math.ceil(gzipped.length / 3) * 4;
}

/** A warning when CRDs under templates/ take most of Helm's 1 MiB release Secret, with the figure and margin. */
export function releaseSizeFindings(templateManifests: readonly string[]): SanityFinding[] {
  if (templateManifests.length === 0) return [];
  const bytes = estimateReleaseSecretBytes(templateManifests);
  if (bytes < HELM_RELEASE_SECRET_LIMIT * 0.8) return [];
  const margin = HELM_RELEASE_SECRET_LIMIT - bytes;
  return [
    {
      level: 'warning',
      crd: '(chart)',
      message:
        `the CRDs in templates/ alone take about ${kib(bytes)} of the ${kib(HELM_RELEASE_SECRET_LIMIT)} release Secret ` +
        `(${margin >= 0 ? `${kib(margin)} left` : `${kib(-margin)} over`}): installs will fail once the rest of the chart is added. ` +
        'Move the CRDs to crds/, or trim descriptions (controller-gen crd:maxDescLen=0).',
    },
  ];
}
