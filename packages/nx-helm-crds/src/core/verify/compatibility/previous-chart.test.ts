import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crdYaml } from '../../../testing/crd-fixtures';
import { renderGeneratedFile } from '../../chart/generated-file';
import { templateCrdText } from '../../helm/templating';
import { previousChartCrds } from './previous-chart';

const source = { kustomization: 'config/crd', regenerate: 'nx run chart:crds' };
const withDescription = (plural: string) => crdYaml(plural, 'example.io', '  annotations:\n    note: "uses {{ braces }} in text"\n');

describe('previousChartCrds', () => {
  it('reads plain and generated files in crds/ and templates/, wrappers and escaped braces included', () => {
    const templated = renderGeneratedFile(
      templateCrdText(withDescription('gadgets'), 'gadgets.example.io', { installValue: 'crds.install', keep: true, sharedGuard: true }),
      source,
      false,
    );
    const previous = previousChartCrds(
      [
        { path: 'crds/widgets.yaml', text: crdYaml('widgets', 'example.io') },
        { path: 'crds/gizmos.yaml', text: renderGeneratedFile(crdYaml('gizmos', 'example.io'), source, false) },
        { path: 'templates/crd/gadgets.yaml', text: templated },
        { path: 'values.yaml', text: 'crds:\n  install: true\n' },
      ],
      [],
    );
    assert.deepEqual([...previous.crds.keys()], ['widgets.example.io', 'gizmos.example.io', 'gadgets.example.io']);
    assert.equal(previous.crds.get('gadgets.example.io')!.file, 'templates/crd/gadgets.yaml');
    const gadgets = previous.crds.get('gadgets.example.io')!.value as { metadata: { annotations: Record<string, string> } };
    assert.equal(gadgets.metadata.annotations.note, 'uses {{ braces }} in text');
    assert.deepEqual(previous.notComparable, []);
  });

  it('reports a templated file that does not parse without its template lines as not comparable, naming its CRDs', () => {
    const text = `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.io\n  labels: {{ include "labels" . | nindent 4 }}\n    more: [\n`;
    const previous = previousChartCrds([{ path: 'templates/widgets.yaml', text }], ['widgets.example.io']);
    assert.equal(previous.crds.size, 0);
    assert.deepEqual(previous.notComparable.map((entry) => [entry.file, entry.crds]), [['templates/widgets.yaml', ['widgets.example.io']]]);
    assert.match(previous.notComparable[0].reason, /does not parse once its template lines are removed/);
  });
});
