import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closestMatch, editDistance, typoDistance } from './closest-match';

describe('closestMatch', () => {
  it('counts insertions, deletions and substitutions, ignoring case', () => {
    assert.equal(editDistance('placment', 'placement'), 1);
    assert.equal(editDistance('kustomise', 'kustomize'), 1);
    assert.equal(editDistance('Placement', 'placement'), 0);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('kitten', 'sitting'), 3);
  });

  it('suggests the nearest candidate, the first on a tie, and nothing beyond the limit', () => {
    assert.equal(closestMatch('placment', ['directory', 'placement', 'fileName']), 'placement');
    assert.equal(closestMatch('kustomise', ['kustomization', 'kustomize']), 'kustomize');
    assert.equal(closestMatch('ab', ['ax', 'xb']), 'ax');
    assert.equal(closestMatch('colour', ['kustomization', 'placement'], typoDistance('colour')), undefined);
    assert.equal(closestMatch('charts/op', []), undefined);
    assert.equal(closestMatch('charts/far-away', ['examples/operator/chart']), 'examples/operator/chart');
  });
});
