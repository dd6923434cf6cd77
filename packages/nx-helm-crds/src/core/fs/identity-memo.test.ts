import assert from 'node:assert/strict';
import { readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { inTempFolder } from '../../testing/temp-folder';
import { IdentityMemo, fileIdentity } from './identity-memo';

/** A compute function that counts its calls. */
function counted(value: string): { compute: () => string; calls: () => number } {
  let calls = 0;
  return { compute: () => (calls++, value), calls: () => calls };
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

describe('IdentityMemo', () => {
  it('computes a value once and remembers it in its file for the next process', () =>
    inTempFolder(({ root }) => {
      const file = join(root, 'data/memo.json');
      const version = counted('v5.6.0');
      const first = IdentityMemo.open(file);
      assert.equal(first.get('kubectl 1', version.compute), 'v5.6.0');
      assert.equal(first.get('kubectl 1', version.compute), 'v5.6.0');
      first.save();
      assert.equal(IdentityMemo.open(file).get('kubectl 1', version.compute), 'v5.6.0');
      assert.equal(version.calls(), 1);
      assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { 'kubectl 1': 'v5.6.0' });
    }));

  it('does not remember a computation that threw', () =>
    inTempFolder(({ root }) => {
      const memo = IdentityMemo.open(join(root, 'memo.json'));
      assert.throws(() => memo.get('k', () => { throw new Error('no version'); }), /no version/);
      assert.equal(memo.get('k', () => 'later'), 'later');
    }));

  it('reads a corrupt or foreign file as an empty memo, and a memo it cannot write is not an error', () =>
    inTempFolder(({ root, write }) => {
      write('corrupt.json', '{"k": ');
      assert.equal(IdentityMemo.open(join(root, 'corrupt.json')).get('k', () => 'fresh'), 'fresh');
      write('foreign.json', '{"k": 42, "j": "kept"}');
      const foreign = IdentityMemo.open(join(root, 'foreign.json'));
      assert.equal(foreign.get('k', () => 'fresh'), 'fresh');
      assert.equal(foreign.get('j', () => 'fresh'), 'kept');
      write('a-file', 'x');
      const unwritable = IdentityMemo.open(join(root, 'a-file/memo.json'));
      unwritable.get('k', () => 'v');
      assert.doesNotThrow(() => unwritable.save());
    }));

  it('keeps the 64 newest entries', () =>
    inTempFolder(({ root }) => {
      const file = join(root, 'memo.json');
      const memo = IdentityMemo.open(file);
      for (let index = 0; index < 70; index++) memo.get(`k${index}`, () => `v${index}`);
      memo.save();
      const kept = Object.keys(JSON.parse(readFileSync(file, 'utf8')));
      assert.equal(kept.length, 64);
      assert.deepEqual([kept[0], kept.at(-1)], ['k6', 'k69']);
    }));
});

describe('fileIdentity', () => {
  it('changes when a file is rewritten, even with the same size and its old modification time put back', () =>
    inTempFolder(({ root, write }) => {
      write('tool', 'version 1');
      const path = join(root, 'tool');
      const before = fileIdentity(path);
      const { atime, mtime } = statSync(path);
      sleep(20);
      writeFileSync(path, 'version 2');
      utimesSync(path, atime, mtime);
      assert.notEqual(fileIdentity(path), before);
      assert.equal(fileIdentity(join(root, 'missing')), undefined);
    }));
});
