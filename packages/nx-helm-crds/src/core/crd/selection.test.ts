import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSelected, isUnmanaged, selectCrds } from './selection';
import { collectCrds, type Crd } from './model';
import { crdYaml } from '../../testing/crd-fixtures';
import { UserError } from '../shared/errors';
import { splitYamlDocuments } from '../yaml/documents';

const userError = (pattern: RegExp) => (error: unknown) => error instanceof UserError && pattern.test(error.message);
const crdsOf = (plurals: readonly string[]): Crd[] =>
  collectCrds(splitYamlDocuments(plurals.map((plural) => crdYaml(plural, 'example.io')).join('---\n'), 'out.yaml'), 'out.yaml');

const names = ['inferenceservices.serving.kserve.io', 'trainedmodels.serving.kserve.io', 'servingruntimes.kserve.io', 'widgets.example.io'];
const selected = (selection: Parameters<typeof isSelected>[1]): string[] => names.filter((name) => isSelected(name, selection));

describe('isSelected', () => {
  it('takes every CRD when include is absent or empty', () => {
    assert.deepEqual(selected({}), names);
    assert.deepEqual(selected({ include: [] }), names);
  });

  it('takes only CRDs matching an include glob, where * matches dots', () => {
    assert.deepEqual(selected({ include: ['*.serving.kserve.io'] }), ['inferenceservices.serving.kserve.io', 'trainedmodels.serving.kserve.io']);
    assert.deepEqual(selected({ include: ['*.kserve.io'] }), names.slice(0, 3));
    assert.deepEqual(selected({ include: ['widgets.example.io', 'trained*'] }), ['trainedmodels.serving.kserve.io', 'widgets.example.io']);
    assert.deepEqual(selected({ include: ['{widgets,gadgets}.example.io'] }), ['widgets.example.io']);
  });

  it('matches case-insensitively', () => {
    assert.deepEqual(selected({ include: ['WIDGETS.Example.IO'] }), ['widgets.example.io']);
  });

  it('leaves out excluded and unmanaged CRDs, even when included', () => {
    assert.deepEqual(selected({ exclude: ['*.serving.kserve.io'] }), ['servingruntimes.kserve.io', 'widgets.example.io']);
    assert.deepEqual(selected({ include: ['*.kserve.io'], exclude: ['inference*'], unmanaged: ['servingruntimes.*'] }), [
      'trainedmodels.serving.kserve.io',
    ]);
  });

  it('does not treat a glob as a substring or a regular expression', () => {
    assert.deepEqual(selected({ include: ['example.io'] }), []);
    assert.deepEqual(selected({ include: ['widgets.example.i'] }), []);
    assert.deepEqual(selected({ include: ['widgets.example.io$'] }), []);
  });
});

describe('isUnmanaged', () => {
  it('matches only the unmanaged globs', () => {
    const selection = { include: ['*'], exclude: ['widgets.*'], unmanaged: ['*.serving.kserve.io'] };
    assert.deepEqual(names.filter((name) => isUnmanaged(name, selection)), ['inferenceservices.serving.kserve.io', 'trainedmodels.serving.kserve.io']);
    assert.equal(isUnmanaged('widgets.example.io', {}), false);
  });
});

describe('selectCrds', () => {
  const crds = crdsOf(['alphas', 'bravos']);
  const source = 'kustomize build config/crd';

  it('takes what include/exclude select', () => {
    assert.deepEqual(selectCrds(crds, { include: ['alphas.*'] }, source).map((crd) => crd.name), ['alphas.example.io']);
  });

  it('refuses an empty selection, listing what Kustomize rendered and naming allowEmpty', () => {
    assert.throws(
      () => selectCrds(crds, { include: ['*.nothing.io'] }, source),
      userError(/^No CRD of kustomize build config\/crd is selected for the chart \(include: \["\*\.nothing\.io"\], exclude: \[\]\); Kustomize rendered these CRDs: alphas\.example\.io, bravos\.example\.io\. .*set allowEmpty: true/),
    );
    assert.throws(() => selectCrds([], {}, source), userError(/Kustomize rendered no CustomResourceDefinition at all/));
  });

  it('refuses an include glob that matches nothing even when another one matches, naming the glob', () => {
    assert.throws(
      () => selectCrds(crds, { include: ['alphas.*', '*.exmaple.io'] }, source),
      userError(/^The include glob\(s\) "\*\.exmaple\.io" match no CRD of kustomize build config\/crd; .*or set allowEmpty: true if those CRDs are optional\.$/),
    );
  });

  it('with allowEmpty, accepts both, selecting what matches', () => {
    assert.deepEqual(selectCrds(crds, { include: ['*.nothing.io'] }, source, true), []);
    assert.deepEqual(selectCrds(crds, { include: ['alphas.*', '*.optional.io'] }, source, true).map((crd) => crd.name), ['alphas.example.io']);
  });
});
