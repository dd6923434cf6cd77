import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempFolders } from '../../testing/temp-folder';
import { pluginCodeFingerprint, pluginCodeIdentity } from './fingerprints';

describe('fingerprints', () => {
  const tree = tempFolders('fingerprint');
  describe('pluginCodeFingerprint', () => {
    it('hashes compiled .js files other than tests', () => {
      const files = { 'dist/index.js': 'module.exports = 1;\n', 'dist/core/a.js': 'a\n', 'src/index.ts': 'x\n' };
      const base = pluginCodeFingerprint(tree(files));
      assert.equal(pluginCodeFingerprint(tree({ ...files, 'dist/core/a.test.js': 'test\n', 'dist/core/a.d.ts': 'd\n', 'src/index.ts': 'y\n' })), base);
      assert.notEqual(pluginCodeFingerprint(tree({ ...files, 'dist/core/a.js': 'b\n' })), base);
    });
  });

  describe('pluginCodeIdentity', () => {
    it('changes when a compiled file is rewritten, even with the same content, and not for tests or sources', () => {
      const root = tree({ 'dist/index.js': 'module.exports = 1;\n', 'dist/a.test.js': 't\n', 'src/index.ts': 'x\n' });
      const before = pluginCodeIdentity(root);
      writeFileSync(join(root, 'dist/a.test.js'), 'changed\n');
      writeFileSync(join(root, 'src/index.ts'), 'changed\n');
      assert.equal(pluginCodeIdentity(root), before);
      // File times have a clock tick's granularity: rewrite on a later tick, as any real rebuild does.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
      rmSync(join(root, 'dist/index.js'));
      writeFileSync(join(root, 'dist/index.js'), 'module.exports = 1;\n');
      assert.notEqual(pluginCodeIdentity(root), before);
    });
  });
});
