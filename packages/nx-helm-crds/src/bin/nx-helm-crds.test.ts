import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PINNED_TOOLS, skipWithoutPinned } from '../testing/pinned-tools';
import { inTempFolder } from '../testing/temp-folder';

const BIN = join(__dirname, 'nx-helm-crds.js');

function fingerprint(cwd: string, ...args: string[]): string[] {
  return execFileSync(process.execPath, [BIN, 'fingerprint', ...args], { cwd, encoding: 'utf8', env: { PATH: '' } }).trim().split('\n');
}

describe('nx-helm-crds fingerprint --memo', { skip: skipWithoutPinned('kubectl') || skipWithoutPinned('helm') }, () => {
  it('answers from the memo while the binaries are the same files, and asks a binary again once it is replaced', () =>
    inTempFolder(({ root }) => {
      copyFileSync(PINNED_TOOLS.kubectl, join(root, 'kubectl'));
      copyFileSync(PINNED_TOOLS.helm, join(root, 'helm'));
      execFileSync('chmod', ['+x', 'kubectl', 'helm'], { cwd: root });
      const args = ['--memo', '.nx/workspace-data/memo.json', '--kustomize', './kubectl', '--helm', './helm'];
      const [plugin, kustomize, helm] = fingerprint(root, ...args);
      assert.match(plugin, /^nx-helm-crds \S+ [0-9a-f]{32}$/);
      assert.deepEqual([kustomize, helm], ['kustomize v5.6.0', 'helm v4.1.4+g05fa379']);

      // What the memo holds is what the next command prints: it did not ask the binaries again.
      const memoFile = join(root, '.nx/workspace-data/memo.json');
      const memo = JSON.parse(readFileSync(memoFile, 'utf8')) as Record<string, string>;
      assert.deepEqual(Object.values(memo).slice(1), ['v5.6.0', 'v4.1.4+g05fa379']);
      writeFileSync(memoFile, JSON.stringify(Object.fromEntries(Object.entries(memo).map(([key, value]) => [key, `remembered-${value}`]))));
      assert.deepEqual(fingerprint(root, ...args), [plugin.replace(/ (\S+)$/, ' remembered-$1'), 'kustomize remembered-v5.6.0', 'helm remembered-v4.1.4+g05fa379']);

      rmSync(join(root, 'kubectl'));
      copyFileSync(PINNED_TOOLS.kubectl, join(root, 'kubectl'));
      execFileSync('chmod', ['+x', 'kubectl'], { cwd: root });
      assert.deepEqual(fingerprint(root, ...args).slice(1), ['kustomize v5.6.0', 'helm remembered-v4.1.4+g05fa379']);
      // Without --memo nothing is remembered.
      assert.deepEqual(fingerprint(root, '--kustomize', './kubectl', '--helm', './helm').slice(1), ['kustomize v5.6.0', 'helm v4.1.4+g05fa379']);
    }));
});
