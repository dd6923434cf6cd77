import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PINNED_TOOLS, skipWithoutPinned } from '../../testing/pinned-tools';
import { inTempFolder } from '../../testing/temp-folder';
import { UserError } from '../shared/errors';
import { NOT_FOUND, assertKeyVersionsCurrent, currentKeyVersions } from './key-versions';

/** A kustomize that is a script printing `version`: scripts are asked every time, so a rewrite shows at once. */
function scriptKustomize(root: string, version: string): string {
  const file = join(root, 'kustomize');
  writeFileSync(file, `#!/bin/sh\necho "${version}"\n`);
  chmodSync(file, 0o755);
  return file;
}

describe('currentKeyVersions', () => {
  it('names the plugin by version and code hash, and the tools asked for by version, with no path of this machine', { skip: skipWithoutPinned('kubectl') || skipWithoutPinned('helm') }, () =>
    inTempFolder(({ root }) => {
      const versions = currentKeyVersions({ workspaceRoot: root, memoFile: join(root, 'memo.json'), kustomize: { explicit: PINNED_TOOLS.kubectl }, helm: { explicit: PINNED_TOOLS.helm } });
      assert.match(versions.plugin, /^0\.1\.0 [0-9a-f]{32}$/);
      assert.deepEqual({ kustomize: versions.kustomize, helm: versions.helm }, { kustomize: 'v5.6.0', helm: 'v4.1.4+g05fa379' });
      assert.deepEqual(Object.keys(currentKeyVersions({ workspaceRoot: root, memoFile: join(root, 'memo.json') })), ['plugin'], 'tools not asked for are not looked up');
    }));

  it('asks a script every time, so a changed answer shows at once, and calls a tool it cannot find "not found" instead of failing', () =>
    inTempFolder(({ root }) => {
      const request = { workspaceRoot: root, memoFile: join(root, 'memo.json'), kustomize: {}, helm: {}, env: { PATH: root } };
      assert.deepEqual([currentKeyVersions(request).kustomize, currentKeyVersions(request).helm], [NOT_FOUND, NOT_FOUND]);
      scriptKustomize(root, 'v5.6.0');
      assert.equal(currentKeyVersions(request).kustomize, 'v5.6.0');
      scriptKustomize(root, 'v5.7.1');
      assert.equal(currentKeyVersions(request).kustomize, 'v5.7.1');
    }));

  it('stands for a kustomize whose version cannot be read (kubectl before 1.24 prints none) by its content, not its path', () =>
    inTempFolder(({ root }) => {
      const kubectl = (folder: string, client: string) => {
        mkdirSync(join(root, folder));
        const file = join(root, folder, 'kubectl');
        writeFileSync(file, `#!/bin/sh\necho "Client Version: ${client}"\n`);
        chmodSync(file, 0o755);
        return currentKeyVersions({ workspaceRoot: root, memoFile: join(root, 'memo.json'), kustomize: { explicit: file } }).kustomize;
      };
      const old = kubectl('a', 'v1.23.0');
      assert.match(old ?? '', /^unknown, binary sha256 [0-9a-f]{32}$/);
      assert.equal(kubectl('b', 'v1.23.0'), old, 'the same binary elsewhere');
      assert.notEqual(kubectl('c', 'v1.22.0'), old, 'another binary');
    }));
});

describe('assertKeyVersionsCurrent', () => {
  const key = { plugin: '0.1.0 aaaa', kustomize: 'v5.6.0', helm: 'v4.1.4' };

  it('passes while the tools are the versions in the key', () => {
    assert.doesNotThrow(() => assertKeyVersionsCurrent(key, { ...key }));
  });

  it('fails when a tool the task runs is another version, naming both and what to do', () => {
    assert.throws(
      () => assertKeyVersionsCurrent(key, { ...key, kustomize: 'v5.7.1' }),
      (error: unknown) =>
        error instanceof UserError &&
        /^kustomize is v5\.7\.1, but this task's cache key was computed with v5\.6\.0\. /.test(error.message) &&
        error.message.includes('`nx daemon --stop`'),
    );
    assert.throws(() => assertKeyVersionsCurrent({ ...key, kustomize: NOT_FOUND }, key), /kustomize is v5\.6\.0, but .* computed with not found/, 'a tool installed after the targets were inferred');
    assert.throws(() => assertKeyVersionsCurrent(key, { ...key, plugin: '0.2.0 bbbb' }), /: nx-helm-crds is 0\.2\.0 bbbb, but/);
  });

  it('leaves tools it cannot find now to the task (which fails with what to install), and tools outside the key alone', () => {
    assert.doesNotThrow(() => assertKeyVersionsCurrent(key, { ...key, helm: NOT_FOUND }));
    assert.throws(() => assertKeyVersionsCurrent(key, { ...key, helm: NOT_FOUND }, ['helm']), /helm is not found, but/, 'unless the task works without it (verify without helm)');
    assert.doesNotThrow(() => assertKeyVersionsCurrent({ plugin: key.plugin }, { ...key, kustomize: 'v5.7.1' }));
    assert.doesNotThrow(() => assertKeyVersionsCurrent(key, { plugin: key.plugin }));
  });
});
