import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PINNED_TOOLS, skipWithoutPinned } from '../testing/pinned-tools';
import { inTempFolder } from '../testing/temp-folder';

const BIN = join(__dirname, 'nx-helm-crds.js');

function fingerprint(cwd: string, ...args: string[]): string[] {
  return execFileSync(process.execPath, [BIN, 'fingerprint', ...args], { cwd, encoding: 'utf8', env: { PATH: '', ...dataDirectory } }).trim().split('\n');
}

let dataDirectory: Record<string, string> = {};

describe('nx-helm-crds fingerprint, with its memo in the workspace data directory', { skip: skipWithoutPinned('kubectl') || skipWithoutPinned('helm') }, () => {
  it('answers from the memo while the binaries are the same files, and asks another file (or a fresh copy) itself', () =>
    inTempFolder(({ root }) => {
      const args = ['--kustomize', PINNED_TOOLS.kubectl, '--helm', PINNED_TOOLS.helm];
      dataDirectory = {};
      const [plugin, kustomize, helm] = fingerprint(root, ...args);
      assert.match(plugin, /^nx-helm-crds \S+ [0-9a-f]{32}$/);
      assert.deepEqual([kustomize, helm], ['kustomize v5.6.0', 'helm v4.1.4+g05fa379']);

      // What the memo holds is what the next command prints: it did not ask the binaries again.
      const memoFile = join(root, '.nx/workspace-data/nx-helm-crds-fingerprint-memo.json');
      const memo = JSON.parse(readFileSync(memoFile, 'utf8')) as Record<string, string>;
      assert.deepEqual(Object.values(memo).filter((value) => value.startsWith('v')), ['v5.6.0', 'v4.1.4+g05fa379']);
      writeFileSync(memoFile, JSON.stringify(Object.fromEntries(Object.entries(memo).map(([key, value]) => [key, `remembered-${value}`]))));
      const remembered = fingerprint(root, ...args);
      assert.deepEqual(remembered.slice(1), ['kustomize remembered-v5.6.0', 'helm remembered-v4.1.4+g05fa379']);
      // The plugin's code hash comes from the memo too, unless the build is seconds old (then it is hashed again).
      assert.ok([plugin, plugin.replace(/ (\S+)$/, ' remembered-$1')].includes(remembered[0]), remembered[0]);

      copyFileSync(PINNED_TOOLS.kubectl, join(root, 'kubectl'));
      execFileSync('chmod', ['+x', 'kubectl'], { cwd: root });
      assert.deepEqual(fingerprint(root, '--kustomize', './kubectl').slice(1), ['kustomize v5.6.0']);
      // Where NX_WORKSPACE_DATA_DIRECTORY says, as Nx keeps its data: the memo there knows nothing yet.
      dataDirectory = { NX_WORKSPACE_DATA_DIRECTORY: join(root, 'elsewhere') };
      assert.deepEqual(fingerprint(root, ...args).slice(1), ['kustomize v5.6.0', 'helm v4.1.4+g05fa379']);
      assert.ok(readFileSync(join(root, 'elsewhere/nx-helm-crds-fingerprint-memo.json'), 'utf8').includes('v5.6.0'));
    }));
});
