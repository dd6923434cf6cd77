import type { Crd } from './model';
import type { SanityFinding } from './sanity';
import type { YamlDocument } from '../yaml/documents';
import { valueAt } from '../yaml/values';


/** `Kind namespace/name` keys of every object in a rendered overlay. */
function objectKeys(documents: readonly YamlDocument[]): Set<string> {
  return new Set(
    documents.map((document) => `${valueAt(document.value, 'kind')} ${valueAt(document.value, 'metadata', 'namespace') ?? ''}/${valueAt(document.value, 'metadata', 'name')}`),
  );
}

/**
 * Checks that what the CRDs point at exists in the full overlay (e.g. config/default): the conversion webhook's
 * Service, and the cert-manager Certificate named by inject-ca-from, with matching namespace and name. A CRD
 * pointing at a renamed or re-namespaced object installs fine and then fails every conversion.
 */
export function overlayReferenceFindings(crds: readonly Crd[], overlayDocuments: readonly YamlDocument[], overlay: string): SanityFinding[] {
  const present = objectKeys(overlayDocuments);
  const findings: SanityFinding[] = [];
  for (const crd of crds) {
    const service = valueAt(crd.document.value, 'spec', 'conversion', 'webhook', 'clientConfig', 'service');
    if (service !== undefined) {
      const key = `${valueAt(service, 'namespace')}/${valueAt(service, 'name')}`;
      if (!present.has(`Service ${key}`)) {
        findings.push({
          level: 'error',
          crd: crd.name,
          path: 'spec.conversion.webhook.clientConfig.service',
          message: `points at the Service ${key}, which ${overlay} does not render: conversions will fail. Check the namespace and namePrefix of the overlay.`,
        });
      }
    }
    const injectCaFrom = valueAt(crd.document.value, 'metadata', 'annotations', 'cert-manager.io/inject-ca-from');
    if (typeof injectCaFrom === 'string' && injectCaFrom.includes('/') && !present.has(`Certificate ${injectCaFrom}`)) {
      findings.push({
        level: 'error',
        crd: crd.name,
        path: 'metadata.annotations["cert-manager.io/inject-ca-from"]',
        message: `names the Certificate ${injectCaFrom}, which ${overlay} does not render: cert-manager will not inject a CA bundle and the webhook's TLS will fail.`,
      });
    }
  }
  return findings;
}
