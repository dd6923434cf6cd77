import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { crdYaml } from '../../testing/crd-fixtures';
import { collectCrds } from './model';
import { CLIENT_SIDE_APPLY_LIMIT, crdSanityFindings, removedApiVersionFindings, releaseSizeFindings, estimateReleaseSecretBytes } from './sanity';
import { splitYamlDocuments } from '../yaml/documents';

const parse = (text: string) => collectCrds(splitYamlDocuments(text, 'out.yaml'), 'out.yaml')[0];
const findings = (text: string) => crdSanityFindings(parse(text)).map((finding) => `${finding.level} ${finding.path ?? ''}: ${finding.message}`);

describe('crdSanityFindings', () => {
  it('accepts a well-formed CRD', () => {
    assert.deepEqual(findings(crdYaml('widgets', 'example.io')), []);
  });

  it('requires metadata.name to be <plural>.<group>', () => {
    const text = crdYaml('widgets', 'example.io').replace('name: widgets.example.io', 'name: widget.example.io');
    assert.match(findings(text).join('\n'), /error metadata\.name: metadata\.name must be <spec\.names\.plural>\.<spec\.group> = "widgets\.example\.io", not "widget\.example\.io"/);
  });

  it('requires a served version and exactly one storage version', () => {
    const none = crdYaml('widgets', 'example.io').replace('served: true', 'served: false').replace('storage: true', 'storage: false');
    assert.deepEqual(
      findings(none).map((line) => line.split(':')[0]),
      ['error spec.versions', 'error spec.versions'],
    );
    const two = crdYaml('widgets', 'example.io') + '  - name: v2\n    served: true\n    storage: true\n';
    assert.match(findings(two).join('\n'), /exactly one version must have storage: true; found v1, v2/);
  });

  it('requires a Webhook conversion to say where the webhook is and which review versions it speaks', () => {
    const webhook = crdYaml('widgets', 'example.io') + '  conversion:\n    strategy: Webhook\n';
    const messages = findings(webhook).join('\n');
    assert.match(messages, /spec\.conversion\.webhook\.clientConfig: a Webhook conversion needs clientConfig\.service or clientConfig\.url/);
    assert.match(messages, /spec\.conversion\.webhook\.conversionReviewVersions: a Webhook conversion needs conversionReviewVersions/);
    const complete = crdYaml('widgets', 'example.io') +
      '  conversion:\n    strategy: Webhook\n    webhook:\n      clientConfig:\n        service: {namespace: s, name: w, path: /convert}\n      conversionReviewVersions: [v1]\n';
    assert.deepEqual(findings(complete), []);
  });

  it('requires inject-ca-from to be <namespace>/<name>', () => {
    const annotated = (value: string) => crdYaml('widgets', 'example.io', `  annotations:\n    cert-manager.io/inject-ca-from: ${value}\n`);
    assert.deepEqual(findings(annotated('system/serving-cert')), []);
    assert.match(findings(annotated('$(CERTIFICATE_NAMESPACE)/$(CERTIFICATE_NAME)')).join('\n'), /must be <namespace>\/<certificate name>/);
    assert.match(findings(annotated('serving-cert')).join('\n'), /must be <namespace>\/<certificate name>/);
  });

  it('warns, with the figure, when client-side kubectl apply cannot store the CRD', () => {
    const description = randomBytes(CLIENT_SIDE_APPLY_LIMIT / 2).toString('hex');
    const big = crdYaml('widgets', 'example.io') + `    schema:\n      openAPIV3Schema:\n        description: ${description}\n        type: object\n`;
    const [warning] = crdSanityFindings(parse(big));
    assert.equal(warning.level, 'warning');
    assert.match(warning.message, /is 25\d\.\d KiB as JSON, above the 256\.0 KiB that client-side `kubectl apply` can store/);
  });
});

describe('removedApiVersionFindings', () => {
  it('flags CRDs of a removed API version', () => {
    const documents = splitYamlDocuments(crdYaml('widgets', 'example.io').replace('apiextensions.k8s.io/v1', 'apiextensions.k8s.io/v1beta1'), 'out.yaml');
    const [finding] = removedApiVersionFindings(documents);
    assert.equal(finding.crd, 'widgets.example.io');
    assert.match(finding.message, /apiVersion is "apiextensions\.k8s\.io\/v1beta1": only apiextensions\.k8s\.io\/v1/);
  });
});

describe('release Secret estimate', () => {
  it('is base64 of the gzip of the manifests', () => {
    const manifests = ['a'.repeat(10_000)];
    const bytes = estimateReleaseSecretBytes(manifests);
    assert.ok(bytes > 0 && bytes < 1_000, `highly compressible text stays small (${bytes})`);
    assert.equal(bytes % 4, 0);
  });

  it('warns with the figure and margin when templates/ CRDs approach 1 MiB', () => {
    assert.deepEqual(releaseSizeFindings(['small']), []);
    const incompressible = randomBytes(700 * 1024).toString('base64');
    const [warning] = releaseSizeFindings([incompressible]);
    assert.match(warning.message, /take about \d+\.\d KiB of the 1024\.0 KiB release Secret \(\d+\.\d KiB (left|over)\)/);
  });
});
