import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectCrds, crdFileName, validateFileNamePattern } from './crd';
import { crdYaml } from '../testing/crd-fixtures';
import { splitYamlDocuments } from './yaml-documents';


const parse = (text: string) => collectCrds(splitYamlDocuments(text, 'out.yaml'), 'out.yaml');

describe('collectCrds', () => {
  it('takes only apiextensions.k8s.io/v1 CustomResourceDefinitions', () => {
    const stream = [crdYaml('widgets', 'example.io'), 'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n', crdYaml('gadgets', 'example.io')].join('---\n');
    const crds = parse(stream);
    assert.deepEqual(crds.map((crd) => [crd.name, crd.group, crd.plural, crd.kind]), [
      ['widgets.example.io', 'example.io', 'widgets', 'Widget'],
      ['gadgets.example.io', 'example.io', 'gadgets', 'Gadget'],
    ]);
    assert.equal(crds[1].document.text, crdYaml('gadgets', 'example.io'));
  });

  it('skips the old v1beta1 API', () => {
    assert.deepEqual(parse(crdYaml('widgets', 'example.io').replace('apiextensions.k8s.io/v1', 'apiextensions.k8s.io/v1beta1')), []);
  });

  it('fails on a document without kind, naming the line', () => {
    assert.throws(
      () => parse(`${crdYaml('widgets', 'example.io')}---\napiVersion: v1\nmetadata: {}\n`),
      /The document at line 16 of out\.yaml has no `kind` \(it is a mapping\): every Kubernetes object needs one\. Fix the resource or patch that produces it\.$/,
    );
    assert.throws(() => parse('- a\n- b\n'), /The document at line 1 of out\.yaml has no `kind` \(it is a list\)/);
    assert.throws(() => parse('just text\n'), /The document at line 1 of out\.yaml has no `kind` \(it is the scalar "just text"\)/);
  });

  it('fails on a CRD without spec.group or spec.names.plural', () => {
    assert.throws(
      () => parse(crdYaml('widgets', 'example.io').replace('  group: example.io\n', '')),
      /The CustomResourceDefinition widgets\.example\.io at line 1 of out\.yaml has no `spec\.group`: a CRD needs it to be installable\. Fix the resource or patch that produces it\.$/,
    );
    assert.throws(() => parse(crdYaml('widgets', 'example.io').replace('    plural: widgets\n', '')), /widgets\.example\.io at line 1 of out\.yaml has no `spec\.names\.plural`/);
    assert.throws(() => parse(crdYaml('widgets', 'example.io').replace('    plural: widgets\n', '    plural: 42\n')), /has no `spec\.names\.plural` \(it is 42\)/);
    assert.throws(() => parse(crdYaml('widgets', 'example.io').replace('  name: widgets.example.io\n', '')), /The CustomResourceDefinition at line 1 of out\.yaml has no `metadata\.name`/);
  });

  it('fails on two CRDs with the same name', () => {
    assert.throws(() => parse(`${crdYaml('widgets', 'example.io')}---\n${crdYaml('widgets', 'example.io')}`), /defines the CRD widgets\.example\.io twice \(documents at lines 1 and 16\)/);
  });
});

describe('crdFileName', () => {
  const [crd] = parse(crdYaml('widgets', 'Example.io'));
  it('follows controller-gen by default and kubebuilder on request', () => {
    assert.equal(crdFileName(crd, '{group}_{plural}.yaml'), 'example.io_widgets.yaml');
    assert.equal(crdFileName(crd, '{plural}.{group}.yaml'), 'widgets.example.io.yaml');
    assert.equal(crdFileName(crd, '{kind}.yaml'), 'widget.yaml');
  });

  it('rejects patterns that cannot work', () => {
    assert.throws(() => validateFileNamePattern('{gruop}_{plural}.yaml'), /unknown placeholder\(s\) \{gruop\}/);
    assert.throws(() => validateFileNamePattern('{plural}.yaml'), /does not identify a CRD/);
    assert.throws(() => validateFileNamePattern('sub/{name}.yaml'), /not a path/);
    assert.throws(() => validateFileNamePattern('{name}.txt'), /\.yaml or \.yml/);
    validateFileNamePattern('{name}.yml');
  });
});
