import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { helmTemplateArgs, renderedSource } from './client';

describe('helmTemplateArgs', () => {
  it('refuses a release name or namespace helm would read as a flag', () => {
    const request = { helm: { file: '/bin/helm', args: [], origin: 'PATH' as const }, chartDirectory: '/ws/charts/op', displayChart: 'charts/op', releaseName: 'op', namespace: 'op-system' };
    assert.throws(() => helmTemplateArgs({ ...request, releaseName: '--output-dir=/tmp/x' }), /verify's releaseName "--output-dir=\/tmp\/x" starts with "-"/);
    assert.throws(() => helmTemplateArgs({ ...request, namespace: '--post-renderer=./x' }), /verify's namespace "--post-renderer=\.\/x" starts with "-"/);
  });

  it('renders offline with CRDs, values files and --set pairs in order', () => {
    const args = helmTemplateArgs({
      helm: { file: '/bin/helm', args: [], origin: 'PATH' },
      chartDirectory: '/ws/charts/op',
      displayChart: 'charts/op',
      releaseName: 'op',
      namespace: 'op-system',
      valuesFiles: ['/ws/a.yaml', '/ws/b.yaml'],
      set: ['crds.install=true', 'x=a b'],
    });
    assert.deepEqual(args, [
      'template', 'op', '/ws/charts/op', '--namespace', 'op-system', '--include-crds',
      '--values', '/ws/a.yaml', '--values', '/ws/b.yaml', '--set', 'crds.install=true', '--set', 'x=a b',
    ]);
  });
});

describe('renderedSource', () => {
  it("reads the chart-relative path from helm's Source comment", () => {
    assert.equal(renderedSource('# Source: example-operator/templates/crd/a.yaml\napiVersion: v1\n'), 'templates/crd/a.yaml');
    assert.equal(renderedSource('# Source: example-operator/crds/x_y.yaml\n'), 'crds/x_y.yaml');
    assert.equal(renderedSource('apiVersion: v1\n'), undefined);
  });
});
