import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSelected, isUnmanaged } from './selection';

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
