import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { diffValues } from '../verify/diff';
import { templateCrdText } from './templating';
import { PINNED_TOOLS, skipWithoutPinned } from '../../testing/pinned-tools';

const HELM = PINNED_TOOLS.helm;
const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  annotations:
    cert-manager.io/inject-ca-from: "example-system/serving-cert"
    controller-gen.kubebuilder.io/version: v0.16.4
  labels:
    app.kubernetes.io/part-of: example
  name: widgets.example.io
spec:
  conversion:
    strategy: Webhook
    webhook:
      clientConfig:
        service:
          name: webhook-service
          namespace: example-system
          path: /convert
      conversionReviewVersions:
      - v1
  group: example.io
  names:
    kind: Widget
    plural: widgets
  scope: Namespaced
  versions:
  - name: v1
    schema:
      openAPIV3Schema:
        description: 'Pod names follow {{ .Name }}-{{ .Component }}; a default of {"a":{}} stays; }}{{ too.'
        type: object
    served: true
    storage: true
`;

/** Renders one templated CRD with the real helm and returns the CRDs it produced (parsed). */
function render(chart: string, templateText: string, namespace: string, set: string[] = []): unknown[] {
  writeFileSync(join(chart, 'templates', 'crd.yaml'), templateText);
  const output = execFileSync(HELM, ['template', 'rel', chart, '--namespace', namespace, ...set.flatMap((pair) => ['--set', pair])], { encoding: 'utf8' });
  return output
    .split(/^---$/m)
    .map((document) => parse(document))
    .filter((value) => value && typeof value === 'object');
}

describe('templateCrdText, rendered by the real helm', { skip: skipWithoutPinned('helm') }, () => {
  let chart: string;
  const original = parse(CRD) as Record<string, unknown>;
  before(() => {
    chart = mkdtempSync(join(tmpdir(), 'nx-helm-crds-templating-'));
    mkdirSync(join(chart, 'templates'));
    writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: templating\nversion: 0.1.0\n');
    writeFileSync(join(chart, 'values.yaml'), 'crds:\n  install: true\n');
  });
  after(() => rmSync(chart, { recursive: true, force: true }));

  it('escapes braces so descriptions and defaults survive a helm template round trip', () => {
    const [rendered] = render(chart, templateCrdText(CRD, 'widgets.example.io', {}), 'anywhere');
    assert.deepEqual(diffValues(original, rendered), []);
  });

  it('templates the namespace: equal to Kustomize in its namespace, and different exactly where it should be elsewhere', () => {
    const text = templateCrdText(CRD, 'widgets.example.io', { namespaceTemplate: true });
    assert.match(text, /namespace: \{\{ \.Release\.Namespace \}\}\n/);
    const [same] = render(chart, text, 'example-system');
    assert.deepEqual(diffValues(original, same), []);
    const [moved] = render(chart, text, 'team-a');
    assert.deepEqual(
      diffValues(original, moved).map((difference) => [difference.path, difference.actual]),
      [
        ['metadata.annotations["cert-manager.io/inject-ca-from"]', 'team-a/serving-cert'],
        ['spec.conversion.webhook.clientConfig.service.namespace', 'team-a'],
      ],
    );
  });

  it('adds the keep annotation, and nothing else', () => {
    const [kept] = render(chart, templateCrdText(CRD, 'widgets.example.io', { keep: true }), 'x');
    assert.deepEqual(
      diffValues(original, kept).map((difference) => [difference.kind, difference.path, difference.actual]),
      [['unexpected', 'metadata.annotations["helm.sh/resource-policy"]', 'keep']],
    );
    const bare = CRD.replace(/  annotations:\n(    .*\n)+/, '');
    const [keptBare] = render(chart, templateCrdText(bare, 'widgets.example.io', { keep: true }), 'x');
    assert.deepEqual((keptBare as { metadata: { annotations: unknown } }).metadata.annotations, { 'helm.sh/resource-policy': 'keep' });
  });

  it('renders nothing when the install value is false', () => {
    const text = templateCrdText(CRD, 'widgets.example.io', { installValue: 'crds.install' });
    assert.equal(render(chart, text, 'x').length, 1);
    assert.equal(render(chart, text, 'x', ['crds.install=false']).length, 0);
  });

  it('guards a shared CRD with lookup, which renders under helm template (no cluster)', () => {
    const text = templateCrdText(CRD, 'widgets.example.io', { sharedGuard: true, installValue: 'crds.install', keep: true, namespaceTemplate: true });
    assert.match(text, /^\{\{- \$existing := lookup "apiextensions\.k8s\.io\/v1" "CustomResourceDefinition" "" "widgets\.example\.io" \}\}\n\{\{- if and \(\.Values\.crds\.install\) \(or /);
    const [rendered] = render(chart, text, 'example-system');
    assert.deepEqual(diffValues(original, rendered).map((difference) => difference.path), ['metadata.annotations["helm.sh/resource-policy"]']);
  });

  it('refuses an inject-ca-from certificate that is not a Kubernetes name, so no action or YAML reaches the template', () => {
    const hostile = CRD.replace(
      '"example-system/serving-cert"',
      '"system/{{ (lookup \\"v1\\" \\"Secret\\" \\"kube-system\\" \\"\\").items | toJson }}\\n  injected: true"',
    );
    assert.notEqual(hostile, CRD);
    assert.throws(
      () => templateCrdText(hostile, 'widgets.example.io', { namespaceTemplate: true }),
      /The CRD widgets\.example\.io has cert-manager\.io\/inject-ca-from .*the part after "\/" must be a Certificate name/,
    );
  });

  it('refuses an install value that is not a values path', () => {
    assert.throws(() => templateCrdText(CRD, 'widgets.example.io', { installValue: 'crds install' }), /installValue "crds install" is not a values path/);
  });
});
