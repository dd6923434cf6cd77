import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffValues, formatDifference, truncatedValue } from './diff';

describe('diffValues', () => {
  it('finds nothing between equal values, however they are built', () => {
    assert.deepEqual(diffValues({ a: [1, { b: 'c' }], d: null }, { d: null, a: [1, { b: 'c' }] }), []);
    assert.deepEqual(diffValues([], []), []);
    assert.deepEqual(diffValues('x', 'x'), []);
  });

  it('names plain keys with dots and other keys in quoted brackets', () => {
    const expected = { metadata: { annotations: { 'cert-manager.io/inject-ca-from': 'ns/cert', plain_key: 'a' } } };
    const actual = { metadata: { annotations: { 'cert-manager.io/inject-ca-from': 'ns/other', plain_key: 'b' } } };
    assert.deepEqual(diffValues(expected, actual), [
      { path: 'metadata.annotations["cert-manager.io/inject-ca-from"]', kind: 'changed', expected: 'ns/cert', actual: 'ns/other' },
      { path: 'metadata.annotations.plain_key', kind: 'changed', expected: 'a', actual: 'b' },
    ]);
  });

  it('quotes top-level keys that are not plain, and keys starting with a digit', () => {
    assert.deepEqual(diffValues({ 'a.b': 1, '1x': 2 }, { 'a.b': 3, '1x': 4 }).map((difference) => difference.path), ['["a.b"]', '["1x"]']);
  });

  it('reports keys only the expected side has as missing, and only the actual side has as unexpected', () => {
    assert.deepEqual(diffValues({ spec: { a: 1, b: { c: 2 } } }, { spec: { a: 1, z: false } }), [
      { path: 'spec.b', kind: 'missing', expected: { c: 2 } },
      { path: 'spec.z', kind: 'unexpected', actual: false },
    ]);
  });

  it('matches lists of named objects by name, so a changed field names its item', () => {
    const expected = { spec: { versions: [{ name: 'v1', served: true }, { name: 'v1beta1', served: true }] } };
    const actual = { spec: { versions: [{ name: 'v1', served: true }, { name: 'v1beta1', served: false }] } };
    assert.deepEqual(diffValues(expected, actual), [
      { path: 'spec.versions[name=v1beta1].served', kind: 'changed', expected: true, actual: false },
    ]);
  });

  it('reports named items missing or unexpected by name, not by position', () => {
    const expected = { versions: [{ name: 'v1' }, { name: 'v1beta1' }] };
    const actual = { versions: [{ name: 'v1alpha1' }, { name: 'v1' }] };
    assert.deepEqual(diffValues(expected, actual), [
      { path: 'versions[name=v1beta1]', kind: 'missing', expected: { name: 'v1beta1' } },
      { path: 'versions[name=v1alpha1]', kind: 'unexpected', actual: { name: 'v1alpha1' } },
    ]);
  });

  it('reports a reordered named list once, as the order of names', () => {
    const expected = { versions: [{ name: 'v1', x: 1 }, { name: 'v2', x: 2 }] };
    const actual = { versions: [{ name: 'v2', x: 2 }, { name: 'v1', x: 1 }] };
    assert.deepEqual(diffValues(expected, actual), [{ path: 'versions', kind: 'changed', expected: ['v1', 'v2'], actual: ['v2', 'v1'] }]);
  });

  it('does not report the reordering when the named items also differ', () => {
    const expected = { versions: [{ name: 'v1', x: 1 }, { name: 'v2', x: 2 }] };
    const actual = { versions: [{ name: 'v2', x: 2 }, { name: 'v1', x: 9 }] };
    assert.deepEqual(diffValues(expected, actual).map((difference) => difference.path), ['versions[name=v1].x']);
  });

  it('compares lists by index when items are unnamed or names repeat', () => {
    assert.deepEqual(diffValues({ required: ['a', 'b', 'c'] }, { required: ['a', 'x'] }), [
      { path: 'required[1]', kind: 'changed', expected: 'b', actual: 'x' },
      { path: 'required[2]', kind: 'missing', expected: 'c' },
    ]);
    assert.deepEqual(diffValues({ l: [{ name: 'a', v: 1 }, { name: 'a', v: 2 }] }, { l: [{ name: 'a', v: 1 }, { name: 'a', v: 3 }, 'extra'] }), [
      { path: 'l[1].v', kind: 'changed', expected: 2, actual: 3 },
      { path: 'l[2]', kind: 'unexpected', actual: 'extra' },
    ]);
    // One item without a name makes the whole list positional.
    assert.deepEqual(diffValues([{ name: 'a' }, { other: 1 }], [{ other: 1 }, { name: 'a' }]).map((difference) => difference.path), [
      '[0].name',
      '[0].other',
      '[1].other',
      '[1].name',
    ]);
  });

  it('reports a change of type at the path, and at the root as (document)', () => {
    assert.deepEqual(diffValues({ a: { b: 1 } }, { a: [1] }), [{ path: 'a', kind: 'changed', expected: { b: 1 }, actual: [1] }]);
    assert.deepEqual(diffValues({ a: 1 }, 'text'), [{ path: '(document)', kind: 'changed', expected: { a: 1 }, actual: 'text' }]);
    assert.deepEqual(diffValues({ a: '1' }, { a: 1 }), [{ path: 'a', kind: 'changed', expected: '1', actual: 1 }]);
    assert.deepEqual(diffValues({ a: null }, { a: {} }), [{ path: 'a', kind: 'changed', expected: null, actual: {} }]);
  });
});

describe('truncatedValue', () => {
  it('shows JSON, and undefined as undefined', () => {
    assert.equal(truncatedValue('a"b'), '"a\\"b"');
    assert.equal(truncatedValue({ a: [1, true] }), '{"a":[1,true]}');
    assert.equal(truncatedValue(undefined), 'undefined');
  });

  it('keeps a value of exactly the limit, and cuts a longer one to the limit with …', () => {
    const exact = 'x'.repeat(58); // 60 characters with its quotes
    assert.equal(truncatedValue(exact), `"${exact}"`);
    const cut = truncatedValue('y'.repeat(100));
    assert.equal(cut, `"${'y'.repeat(58)}…`);
    assert.equal(cut.length, 60);
    assert.equal(truncatedValue('abcdefgh', 5), '"abc…');
  });
});

describe('formatDifference', () => {
  it('says which side holds what for each kind', () => {
    assert.equal(
      formatDifference({ path: 'spec.versions[name=v1].served', kind: 'changed', expected: true, actual: false }, 'Kustomize', 'chart'),
      'spec.versions[name=v1].served: true in Kustomize, false in chart',
    );
    assert.equal(
      formatDifference({ path: 'metadata.labels', kind: 'missing', expected: { a: 'b' } }, 'Kustomize', 'chart'),
      'metadata.labels: missing in chart (Kustomize has {"a":"b"})',
    );
    assert.equal(
      formatDifference({ path: 'spec.x', kind: 'unexpected', actual: 'v' }, 'Kustomize', 'chart'),
      'spec.x: absent in Kustomize, "v" in chart',
    );
  });

  it('truncates long values', () => {
    const line = formatDifference({ path: 'p', kind: 'changed', expected: 'a'.repeat(200), actual: 1 }, 'left', 'right');
    assert.equal(line, `p: "${'a'.repeat(58)}… in left, 1 in right`);
  });
});
