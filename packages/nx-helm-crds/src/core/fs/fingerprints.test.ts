import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempFolders, waitForNextFileTimeTick } from '../../testing/temp-folder';
import { IdentityMemo } from './identity-memo';
import { pluginCodeFingerprint, pluginCodeIdentity, rememberedPluginCodeFingerprint } from './fingerprints';

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
    const later = () => Date.now() + 10_000;

    it('changes when a compiled file is rewritten, even with the same content, and not for tests or sources', () => {
      const root = tree({ 'dist/index.js': 'module.exports = 1;\n', 'dist/a.test.js': 't\n', 'src/index.ts': 'x\n' });
      const before = pluginCodeIdentity(root, later());
      assert.ok(before);
      writeFileSync(join(root, 'dist/a.test.js'), 'changed\n');
      writeFileSync(join(root, 'src/index.ts'), 'changed\n');
      assert.equal(pluginCodeIdentity(root, later()), before);
      waitForNextFileTimeTick();
      rmSync(join(root, 'dist/index.js'));
      writeFileSync(join(root, 'dist/index.js'), 'module.exports = 1;\n');
      assert.notEqual(pluginCodeIdentity(root, later()), before);
      assert.equal(pluginCodeIdentity(root), undefined, 'a build moments ago is not identified yet');
    });

    it('looks the content hash up by it: the same code rebuilt or reinstalled keeps its fingerprint', () => {
      const files = { 'dist/index.js': 'module.exports = 1;\n' };
      const memo = IdentityMemo.open(undefined);
      const first = tree(files);
      assert.equal(rememberedPluginCodeFingerprint(memo, first, later()), pluginCodeFingerprint(first));
      assert.equal(rememberedPluginCodeFingerprint(memo, tree(files), later()), pluginCodeFingerprint(first));
      writeFileSync(join(first, 'dist/index.js'), 'module.exports = 2;\n');
      assert.equal(rememberedPluginCodeFingerprint(memo, first), pluginCodeFingerprint(first), 'fresh files are hashed, not looked up');
      assert.notEqual(pluginCodeFingerprint(first), pluginCodeFingerprint(tree(files)));
    });
  });
});
