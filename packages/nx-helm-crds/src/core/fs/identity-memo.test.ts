import assert from 'node:assert/strict';
import { readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { inTempFolder, waitForNextFileTimeTick } from '../../testing/temp-folder';
import { IdentityMemo, fileIdentity } from './identity-memo';

/** A compute function that counts its calls. */
function counted(value: string): { compute: () => string; calls: () => number } {
  let calls = 0;
  return { compute: () => (calls++, value), calls: () => calls };
}

describe('IdentityMemo', () => {
  it('computes a value once per identity and remembers it in its file for the next process', () =>
    inTempFolder(({ root }) => {
      const file = join(root, 'data/memo.json');
      const version = counted('v5.6.0');
      const first = IdentityMemo.open(file);
      assert.equal(first.remembered('kubectl', () => 'id-1', version.compute), 'v5.6.0');
      assert.equal(first.remembered('kubectl', () => 'id-1', version.compute), 'v5.6.0');
      first.save();
      assert.equal(IdentityMemo.open(file).remembered('kubectl', () => 'id-1', version.compute), 'v5.6.0');
      assert.equal(version.calls(), 1);
      assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { 'kubectl id-1': 'v5.6.0' });
      assert.equal(IdentityMemo.open(file).remembered('kubectl', () => 'id-2', version.compute), 'v5.6.0');
      assert.equal(version.calls(), 2, 'another identity is computed');
    }));

  it('computes every time while the identity is unknown, and forgets a value whose identity changed while it was computed', () => {
    const memo = IdentityMemo.open(undefined);
    const unknown = counted('v1');
    memo.remembered('tool', () => undefined, unknown.compute);
    memo.remembered('tool', () => undefined, unknown.compute);
    assert.equal(unknown.calls(), 2);
    let identity = 'before';
    const replacedDuringProbe = counted('v2');
    const probe = () => {
      identity = 'after';
      return replacedDuringProbe.compute();
    };
    memo.remembered('tool', () => identity, probe);
    identity = 'before';
    memo.remembered('tool', () => identity, probe);
    assert.equal(replacedDuringProbe.calls(), 2);
  });

  it('does not remember a computation that threw', () => {
    const memo = IdentityMemo.open(undefined);
    assert.throws(() => memo.remembered('k', () => 'id', () => { throw new Error('no version'); }), /no version/);
    assert.equal(memo.remembered('k', () => 'id', () => 'later'), 'later');
  });

  it('reads a corrupt or foreign file as an empty memo, and a memo it cannot write is not an error', () =>
    inTempFolder(({ root, write }) => {
      write('corrupt.json', '{"k id": ');
      assert.equal(IdentityMemo.open(join(root, 'corrupt.json')).remembered('k', () => 'id', () => 'fresh'), 'fresh');
      write('foreign.json', '{"k id": 42, "j id": "kept"}');
      const foreign = IdentityMemo.open(join(root, 'foreign.json'));
      assert.equal(foreign.remembered('k', () => 'id', () => 'fresh'), 'fresh');
      assert.equal(foreign.remembered('j', () => 'id', () => 'fresh'), 'kept');
      write('a-file', 'x');
      const unwritable = IdentityMemo.open(join(root, 'a-file/memo.json'));
      unwritable.remembered('k', () => 'id', () => 'v');
      assert.doesNotThrow(() => unwritable.save());
    }));

  it('keeps the 64 newest entries', () =>
    inTempFolder(({ root }) => {
      const file = join(root, 'memo.json');
      const memo = IdentityMemo.open(file);
      for (let index = 0; index < 70; index++) memo.remembered(`k${index}`, () => 'id', () => `v${index}`);
      memo.save();
      const kept = Object.keys(JSON.parse(readFileSync(file, 'utf8')));
      assert.equal(kept.length, 64);
      assert.deepEqual([kept[0], kept.at(-1)], ['k6 id', 'k69 id']);
    }));
});

describe('fileIdentity', () => {
  const later = () => Date.now() + 10_000;

  it('changes when a file is rewritten, even with the same size and its old modification time put back', () =>
    inTempFolder(({ root, write }) => {
      write('tool', 'version 1');
      const path = join(root, 'tool');
      const before = fileIdentity(path, later());
      const { atime, mtime } = statSync(path);
      waitForNextFileTimeTick();
      writeFileSync(path, 'version 2');
      utimesSync(path, atime, mtime);
      assert.notEqual(fileIdentity(path, later()), before);
      assert.equal(fileIdentity(join(root, 'missing'), later()), undefined);
    }));

  it('is unknown for two seconds after a change, when a rewrite in the same tick of a coarse clock would not show', () =>
    inTempFolder(({ root, write }) => {
      write('tool', 'x');
      const path = join(root, 'tool');
      const changed = Math.max(statSync(path).mtimeMs, statSync(path).ctimeMs);
      assert.equal(fileIdentity(path, changed + 1_999), undefined);
      assert.ok(fileIdentity(path, changed + 2_000));
    }));
});
