import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { collectCrds } from './model';
import { overlayReferenceFindings } from './references';
import { PINNED_TOOLS, skipWithoutPinned } from '../../testing/pinned-tools';
import { splitYamlDocuments } from '../yaml/documents';

const REPO = join(__dirname, '..', '..', '..', '..', '..');
const KUBECTL = PINNED_TOOLS.kubectl;
const build = (directory: string) => splitYamlDocuments(execFileSync(KUBECTL, ['kustomize', join(REPO, directory)], { encoding: 'utf8' }), directory);

describe('overlayReferenceFindings on the example operator', { skip: skipWithoutPinned('kubectl') }, () => {
  it('finds the webhook Service and the Certificate in config/default', () => {
    const crds = collectCrds(build('examples/operator/config/crd'), 'crd');
    assert.deepEqual(overlayReferenceFindings(crds, build('examples/operator/config/default'), 'examples/operator/config/default'), []);
  });

  it('reports a Service or Certificate the overlay does not render', () => {
    const crds = collectCrds(build('examples/operator/config/crd'), 'crd');
    const withoutWebhook = build('examples/operator/config/default').filter((document) => !/\nkind: (Service|Certificate)\n/.test(`\n${document.text}`));
    const findings = overlayReferenceFindings(crds, withoutWebhook, 'config/default');
    assert.deepEqual(
      findings.map((finding) => [finding.crd, finding.path]),
      [
        ['inferenceservices.serving.example.io', 'spec.conversion.webhook.clientConfig.service'],
        ['inferenceservices.serving.example.io', 'metadata.annotations["cert-manager.io/inject-ca-from"]'],
        ['trainedmodels.serving.example.io', 'spec.conversion.webhook.clientConfig.service'],
        ['trainedmodels.serving.example.io', 'metadata.annotations["cert-manager.io/inject-ca-from"]'],
      ],
    );
    assert.match(findings[0].message, /points at the Service example-system\/example-webhook-service, which config\/default does not render/);
  });
});
