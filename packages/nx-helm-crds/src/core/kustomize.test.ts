import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { UserError } from './errors';
import { checkExtraArgs, kustomizeBuild, kustomizeBuildArgs, safetyFlags, trimLines, type KustomizeBuildRequest } from './kustomize';
import type { ToolCommand } from './tool-resolution';

const KUBECTL: ToolCommand = { file: '/usr/bin/kubectl', args: ['kustomize'], origin: 'PATH' };
const KUSTOMIZE: ToolCommand = { file: '/usr/bin/kustomize', args: ['build'], origin: 'PATH' };

const request = (overrides: Partial<KustomizeBuildRequest> = {}): KustomizeBuildRequest => ({
  kustomize: KUBECTL,
  directory: '/ws/config/crd',
  displayDirectory: 'config/crd',
  ...overrides,
});

const userError = (pattern: RegExp) => (error: unknown) => error instanceof UserError && pattern.test(error.message);

describe('kustomizeBuildArgs', () => {
  it('passes no safety flag by default: default load restrictor, no helm, no plugins, no exec', () => {
    assert.deepEqual(kustomizeBuildArgs(request()), ['kustomize', '/ws/config/crd']);
    assert.deepEqual(kustomizeBuildArgs(request({ kustomize: KUSTOMIZE })), ['build', '/ws/config/crd']);
    assert.deepEqual(kustomizeBuildArgs(request({ loadRestrictor: 'rootOnly', enableHelm: false })), ['kustomize', '/ws/config/crd']);
  });

  it('maps each option to its flag, after the directory and before the extra arguments, for kubectl kustomize', () => {
    assert.deepEqual(
      kustomizeBuildArgs(request({ enableHelm: true, enableAlphaPlugins: true, loadRestrictor: 'none', extraArgs: ['--helm-command', '/opt/helm'] })),
      ['kustomize', '/ws/config/crd', '--enable-helm', '--enable-alpha-plugins', '--load-restrictor', 'LoadRestrictionsNone', '--helm-command', '/opt/helm'],
    );
  });

  it('maps each option to its flag for a standalone kustomize, which alone knows --enable-exec', () => {
    assert.deepEqual(
      kustomizeBuildArgs(request({ kustomize: KUSTOMIZE, enableHelm: true, enableAlphaPlugins: true, enableExec: true, loadRestrictor: 'none' })),
      ['build', '/ws/config/crd', '--enable-helm', '--enable-alpha-plugins', '--enable-exec', '--load-restrictor', 'LoadRestrictionsNone'],
    );
  });

  it('refuses enableExec with kubectl kustomize, which has no such flag, saying what to use instead', () => {
    assert.throws(
      () => safetyFlags({ enableExec: true, enableAlphaPlugins: true }, KUBECTL),
      userError(/enableExec needs a standalone kustomize binary: `kubectl kustomize` \(\/usr\/bin\/kubectl, from PATH\) has no --enable-exec flag\. Set the kustomize option/),
    );
  });

  it('refuses enableExec without enableAlphaPlugins, under which alone Kustomize runs exec functions', () => {
    assert.throws(() => safetyFlags({ enableExec: true }, KUSTOMIZE), userError(/enableExec needs enableAlphaPlugins: true as well/));
  });

  it('keeps extra arguments as separate list items, whatever characters they hold', () => {
    const tricky = ['--helm-command', '$(rm -rf /); echo `x` | y > z', "it's"];
    assert.deepEqual(kustomizeBuildArgs(request({ extraArgs: tricky })), ['kustomize', '/ws/config/crd', ...tricky]);
  });
});

describe('checkExtraArgs', () => {
  const refused: [string[], string][] = [
    [['--enable-helm'], 'enableHelm: true'],
    [['--enable-helm=true'], 'enableHelm: true'],
    [['--enable-alpha-plugins'], 'enableAlphaPlugins: true'],
    [['--enable-star'], 'enableAlphaPlugins: true'],
    [['--enable-exec'], 'enableExec: true'],
    [['--load-restrictor', 'LoadRestrictionsNone'], 'loadRestrictor: "none"'],
    [['--load-restrictor=LoadRestrictionsNone'], 'loadRestrictor: "none"'],
    [['--reorder', 'none', '--load-restrictor=none'], 'loadRestrictor: "none"'],
  ];
  for (const [args, option] of refused) {
    it(`refuses ${args.join(' ')} unless ${option} is set, naming the option`, () => {
      assert.throws(
        () => checkExtraArgs(args, {}),
        userError(new RegExp(`switches off a Kustomize safety default\\. Remove it from args and set the kustomize-build option \`${option.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\``)),
      );
    });
  }

  it('accepts the same flags when their option is set', () => {
    checkExtraArgs(['--enable-helm', '--enable-alpha-plugins', '--enable-star', '--enable-exec', '--load-restrictor', 'LoadRestrictionsNone'], {
      enableHelm: true,
      enableAlphaPlugins: true,
      enableExec: true,
      loadRestrictor: 'none',
    });
  });

  it('accepts flags that keep the defaults, and unrelated flags', () => {
    checkExtraArgs(['--enable-helm=false', '--load-restrictor', 'LoadRestrictionsRootOnly', '--load-restrictor=LoadRestrictionsRootOnly', '--helm-command', 'helm', '-e', 'X=1'], {});
  });

  it('reads the value of --load-restrictor as a value, not as a flag', () => {
    assert.throws(() => checkExtraArgs(['--load-restrictor', '--enable-helm'], { enableHelm: true }), userError(/loadRestrictor: "none"/));
  });

  it('refuses arguments that send the output elsewhere, pointing at outputFile', () => {
    for (const args of [['-o', 'out.yaml'], ['--output', 'out.yaml'], ['--output=out.yaml'], ['-oout.yaml']]) {
      assert.throws(() => checkExtraArgs(args, {}), userError(/redirect Kustomize's output .*Remove it and set the outputFile option instead/), args.join(' '));
    }
  });

  it('kustomizeBuildArgs applies the check', () => {
    assert.throws(() => kustomizeBuildArgs(request({ extraArgs: ['--enable-helm'] })), userError(/enableHelm: true/));
  });
});

describe('trimLines', () => {
  it('keeps short text and cuts long text, saying how many lines were left out', () => {
    assert.equal(trimLines('a\nb', 2), 'a\nb');
    assert.equal(trimLines('a\nb\nc\nd', 2), 'a\nb\n… (2 more lines)');
  });
});

describe('kustomizeBuild with a stand-in kustomize', () => {
  let root: string;
  const script = (name: string, body: string): ToolCommand => {
    const file = join(root, name);
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
    return { file, args: ['build'], origin: 'test' };
  };
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'nx-helm-crds-kustomize-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('returns standard output exactly, final newline included', async () => {
    const kustomize = script('ok.sh', 'printf "a: 1\\n---\\nb: 2\\n\\n"');
    assert.equal(await kustomizeBuild(request({ kustomize })), 'a: 1\n---\nb: 2\n\n');
  });

  it("shows kustomize's standard error, trimmed, with the command and the kustomization", async () => {
    const kustomize = script('fails.sh', 'i=1; while [ $i -le 60 ]; do echo "line $i" >&2; i=$((i+1)); done; echo "  " >&2; exit 3');
    await assert.rejects(kustomizeBuild(request({ kustomize })), (error: unknown) => {
      assert.ok(error instanceof UserError);
      assert.match(error.message, /^kustomize build of config\/crd failed: \S+fails\.sh build \/ws\/config\/crd exited with code 3\.\nline 1\n/);
      assert.match(error.message, /\nline 40\n… \(20 more lines\)\nFix the kustomization in config\/crd \(run the command above to reproduce\)\.$/);
      assert.doesNotMatch(error.message, /line 41/);
      return true;
    });
  });

  it('kills a kustomize that hangs past the timeout and reports it, without waiting for the children it left', async () => {
    // `sleep` is a child of the shell: killing the shell leaves it holding the output pipe for 10 s.
    const kustomize = script('hangs.sh', 'echo "fetching remote base" >&2\nsleep 10\necho done');
    const started = Date.now();
    await assert.rejects(
      kustomizeBuild(request({ kustomize, timeout: 300 })),
      userError(/^kustomize build of config\/crd did not finish within 300 ms and was killed \(\S+hangs\.sh build \/ws\/config\/crd\)\.\nIts output so far:\nfetching remote base\nRaise the timeout option/),
    );
    assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
  });

  it('refuses guarded flags before starting anything', async () => {
    const kustomize = script('never.sh', `touch ${join(root, 'started')}`);
    await assert.rejects(kustomizeBuild(request({ kustomize, extraArgs: ['--enable-alpha-plugins'] })), userError(/enableAlphaPlugins: true/));
    assert.equal(existsSync(join(root, 'started')), false);
  });
});
