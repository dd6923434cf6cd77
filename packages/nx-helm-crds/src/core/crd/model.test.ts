import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectCrds, crdFileName, crdFilePath, distinctFileNamePattern, validateFileNamePattern } from './model';
import { crdYaml } from '../../testing/crd-fixtures';
import { splitYamlDocuments } from '../yaml/documents';


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

describe('collectCrds: the fields chart files are named after', () => {
  const traversal = crdYaml('widgets', 'example.io').replace('  group: example.io\n', '  group: ../../../../.github/workflows/ci\n');

  it('refuses a group Kubernetes would refuse, naming the CRD, the field, the value and the line', () => {
    assert.throws(
      () => parse(`${crdYaml('gadgets', 'example.io')}---\n${traversal}`),
      new RegExp(
        'The CustomResourceDefinition widgets\\.example\\.io at line 16 of out\\.yaml has `spec\\.group` "\\.\\./\\.\\./\\.\\./\\.\\./\\.github/workflows/ci", ' +
          'which is not a DNS-1123 subdomain \\(lowercase letters.*\\): the API server rejects it, and nx-helm-crds names chart files after it\\. ' +
          'Fix the resource or patch that produces it\\.$',
      ),
    );
  });

  it('refuses a bad metadata.name without printing it raw, and bad plurals and kinds', () => {
    const withName = (name: string) => crdYaml('widgets', 'example.io').replace('  name: widgets.example.io\n', `  name: ${JSON.stringify(name)}\n`);
    assert.throws(() => parse(withName('../../etc/passwd')), /The CustomResourceDefinition at line 1 of out\.yaml has `metadata\.name` "\.\.\/\.\.\/etc\/passwd", which is not a DNS-1123 subdomain/);
    assert.throws(() => parse(withName('widgets\u0000.example.io')), /has `metadata\.name` "widgets\\u0000\.example\.io", which is not a DNS-1123 subdomain/);
    assert.throws(() => parse(withName('Widgets.example.io')), /has `metadata\.name` "Widgets\.example\.io", which is not/);
    assert.throws(() => parse(withName(`${'a'.repeat(250)}.io`)), /has `metadata\.name` "a{58}…, which is not a DNS-1123 subdomain \(.*at most 253 characters/);
    assert.throws(() => parse(crdYaml('widgets', 'example.io').replace('    plural: widgets\n', '    plural: wid/gets\n')), /widgets\.example\.io at line 1 of out\.yaml has `spec\.names\.plural` "wid\/gets", which is not a DNS-1123 label/);
    assert.throws(() => parse(crdYaml('widgets', 'example.io').replace('    plural: widgets\n', `    plural: ${'w'.repeat(64)}\n`)), /`spec\.names\.plural` "w+…, which is not a DNS-1123 label \(.*at most 63 characters/);
    assert.throws(() => parse(crdYaml('widgets', 'example.io').replace('    kind: Widget\n', '    kind: ../Widget\n')), /has `spec\.names\.kind` "\.\.\/Widget", which is not a kind/);
  });

  it('accepts what Kubernetes accepts', () => {
    const [crd] = parse(crdYaml('x-widgets', 'a-1.b2.example.io').replace('    kind: X-widget\n', '    kind: XWidget2\n'));
    assert.deepEqual([crd.name, crd.group, crd.plural, crd.kind], ['x-widgets.a-1.b2.example.io', 'a-1.b2.example.io', 'x-widgets', 'XWidget2']);
  });
});

describe('crdFileName', () => {
  const [crd] = parse(crdYaml('widgets', 'example.io'));
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
    assert.throws(() => validateFileNamePattern('{name}\u0000.yaml'), /fileName "\{name\}\\u0000\.yaml" contains a control character/);
    validateFileNamePattern('{name}.yml');
  });
});

describe('crdFilePath', () => {
  const origin = 'the output of kustomize build config/crd';
  const [crd] = parse(crdYaml('widgets', 'example.io'));

  it('puts the file directly in the folder', () => {
    assert.equal(crdFilePath(crd, 'templates/crd', '{group}_{plural}.yaml', origin), 'templates/crd/example.io_widgets.yaml');
  });

  it('refuses, whatever the pattern, a path that leaves the folder', () => {
    for (const pattern of ['../{name}.yaml', '..', '.', 'a/../../{name}.yaml', '{name}\\..\\x.yaml', '{name}\u0000.yaml']) {
      assert.throws(
        () => crdFilePath(crd, 'crds', pattern, origin),
        /The CustomResourceDefinition widgets\.example\.io at line 1 of the output of kustomize build config\/crd: fileName ".*" makes ".*", which is not a file name inside crds\/\./,
        pattern,
      );
    }
  });

  it('refuses a metadata.name that is not <plural>.<group>', () => {
    const [other] = parse(crdYaml('widgets', 'example.io').replace('  name: widgets.example.io\n', '  name: gadgets.example.io\n'));
    assert.throws(
      () => crdFilePath(other, 'crds', '{group}_{plural}.yaml', origin),
      /The CustomResourceDefinition gadgets\.example\.io at line 1 of the output of kustomize build config\/crd has metadata\.name "gadgets\.example\.io", but a CRD must be named <spec\.names\.plural>\.<spec\.group> = "widgets\.example\.io" \(the API server rejects any other name/,
    );
  });

  it('refuses a file name longer than file systems allow, without a stack trace', () => {
    const group = `${'g'.repeat(60)}.${'h'.repeat(60)}.${'i'.repeat(60)}.example.io`;
    const [long] = parse(crdYaml(`${'p'.repeat(50)}s`, group));
    assert.throws(() => crdFilePath(long, 'crds', '{name}-{group}.yaml', origin), /would be written to a file named "p{50}s\.g{8}…" of 444 bytes; file systems allow 255\. Choose a fileName pattern with fewer placeholders than "\{name\}-\{group\}\.yaml"/);
    assert.equal(crdFilePath(long, 'crds', '{name}.yaml', origin), `crds/${long.name}.yaml`);
  });
});

describe('distinctFileNamePattern', () => {
  it('suggests a pattern that really tells the CRDs apart (kinds differing only in case lower-case alike)', () => {
    const crds = parse(
      [crdYaml('foobars', 'example.io'), crdYaml('foobarss', 'example.io').replace('    kind: Foobars\n', '    kind: FooBar\n')].join('---\n'),
    );
    assert.equal(new Set(crds.map((crd) => crdFileName(crd, '{group}_{kind}.yaml'))).size, 1);
    const suggested = distinctFileNamePattern(crds, '{group}_{kind}.yaml');
    assert.equal(suggested, '{name}.yaml');
    assert.equal(new Set(crds.map((crd) => crdFileName(crd, suggested!))).size, 2);
    assert.equal(distinctFileNamePattern(crds, '{name}.yaml'), '{group}_{plural}.yaml');
  });
});
