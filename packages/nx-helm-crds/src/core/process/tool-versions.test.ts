import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { IdentityMemo } from '../fs/identity-memo';
import { inTempFolder } from '../../testing/temp-folder';
import { rememberedToolVersion as rememberedAtRunTime } from './tool-versions';
import type { ToolCommand } from './tool-resolution';

const ELF = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);

/** As inference would, seconds after the test wrote the files (fresh files are not identified yet). */
const rememberedToolVersion = (memo: IdentityMemo, tool: ToolCommand, names: readonly string[], probe: (tool: ToolCommand) => string) =>
  rememberedAtRunTime(memo, tool, names, probe, Date.now() + 10_000);

/**
 * A memo in `root`, and a probe that asks the "tool" for its version: the file's last byte, so a rewrite shows;
 * `probed` lists the files it asked.
 */
function probing(root: string) {
  const probed: string[] = [];
  return {
    memo: IdentityMemo.open(join(root, 'memo.json')),
    probe: (tool: ToolCommand) => {
      probed.push(tool.file);
      return `v${readFileSync(tool.file).at(-1)}`;
    },
    probed,
  };
}

function executable(path: string, content: Buffer | string): ToolCommand {
  writeFileSync(path, content);
  chmodSync(path, 0o755);
  return { file: path, args: ['kustomize'], origin: 'PATH' };
}

/** A compiled (ELF) "binary" `name` in `root` whose last byte is its version. */
const compiled = (root: string, name: string, version: number): ToolCommand => executable(join(root, name), Buffer.concat([ELF, Buffer.from([version])]));

describe('rememberedToolVersion', () => {
  it('asks a compiled binary named for the tool once, and again once it is replaced', () =>
    inTempFolder(({ root }) => {
      const { memo, probe, probed } = probing(root);
      const kubectl = compiled(root, 'kubectl', 1);
      assert.equal(rememberedToolVersion(memo, kubectl, ['kustomize', 'kubectl'], probe), 'v1');
      assert.equal(rememberedToolVersion(memo, kubectl, ['kustomize', 'kubectl'], probe), 'v1');
      assert.equal(probed.length, 1);
      executable(join(root, 'kubectl'), Buffer.concat([ELF, Buffer.from([1, 2])]));
      assert.equal(rememberedToolVersion(memo, kubectl, ['kustomize', 'kubectl'], probe), 'v2');
      assert.equal(probed.length, 2);
    }));

  it('asks every time a script, a version manager binary linked under the tool name, or a binary in a shims folder, since they choose the version elsewhere', () =>
    inTempFolder(({ root }) => {
      const { memo, probe, probed } = probing(root);
      const shim = executable(join(root, 'kubectl'), '#!/bin/sh\nexec real-kubectl "$@"\n');
      compiled(root, 'mise', 3);
      symlinkSync(join(root, 'mise'), join(root, 'helm'));
      const linked: ToolCommand = { file: join(root, 'helm'), args: [], origin: 'PATH' };
      mkdirSync(join(root, '.proto/shims'), { recursive: true });
      const protoShim = compiled(root, '.proto/shims/kustomize', 4);
      const otherTool = compiled(root, 'helmfile', 5);
      for (let run = 0; run < 2; run++) {
        rememberedToolVersion(memo, shim, ['kustomize', 'kubectl'], probe);
        rememberedToolVersion(memo, linked, ['helm'], probe);
        rememberedToolVersion(memo, protoShim, ['kustomize', 'kubectl'], probe);
        rememberedToolVersion(memo, otherTool, ['helm'], probe);
      }
      assert.equal(probed.length, 8);
    }));

  it('remembers a binary with a version in its name, and kubectl apart from a kustomize link to it (they answer differently)', () =>
    inTempFolder(({ root }) => {
      const { memo, probe, probed } = probing(root);
      const versioned = compiled(root, 'helm-v4.1.4', 6);
      const kubectl = compiled(root, 'kubectl', 7);
      const asKustomize: ToolCommand = { ...kubectl, args: ['build'] };
      for (let run = 0; run < 2; run++) {
        rememberedToolVersion(memo, versioned, ['helm'], probe);
        rememberedToolVersion(memo, kubectl, ['kustomize', 'kubectl'], probe);
        rememberedToolVersion(memo, asKustomize, ['kustomize', 'kubectl'], probe);
      }
      assert.equal(probed.length, 3);
    }));

  it('asks a binary written moments ago every time: a rewrite in the same clock tick would keep its identity', () =>
    inTempFolder(({ root }) => {
      const { memo, probe, probed } = probing(root);
      const fresh = compiled(root, 'kubectl', 8);
      rememberedAtRunTime(memo, fresh, ['kubectl'], probe);
      rememberedAtRunTime(memo, fresh, ['kubectl'], probe);
      assert.equal(probed.length, 2);
    }));

  it('remembers a binary reached through a link by its real file, and never a failed probe', () =>
    inTempFolder(({ root }) => {
      const { memo, probe, probed } = probing(root);
      const real = compiled(root, 'kustomize-v5.6.0', 5);
      symlinkSync(real.file, join(root, 'kustomize'));
      const linked: ToolCommand = { ...real, file: join(root, 'kustomize') };
      assert.throws(() => rememberedToolVersion(memo, linked, ['kustomize'], () => { throw new Error('timed out'); }), /timed out/);
      assert.equal(rememberedToolVersion(memo, linked, ['kustomize'], probe), 'v5');
      assert.equal(rememberedToolVersion(memo, real, ['kustomize'], probe), 'v5');
      assert.equal(probed.length, 1);
    }));
});
