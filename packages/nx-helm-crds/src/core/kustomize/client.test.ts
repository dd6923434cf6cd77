import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { UserError } from '../shared/errors';
import { checkExtraArgs, kustomizeBuild, kustomizeBuildArgs, parseKustomizeFlags, safetyFlags, trimLines, type KustomizeBuildRequest } from './client';
import type { ToolCommand } from '../process/tool-resolution';
import { PINNED_TOOLS, skipWithoutPinned } from '../../testing/pinned-tools';

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
    const tricky = ['--helm-command', '$(rm -rf /); echo `x` | y > z', "--helm-kube-version=it's"];
    assert.deepEqual(kustomizeBuildArgs(request({ enableHelm: true, extraArgs: tricky })), ['kustomize', '/ws/config/crd', '--enable-helm', ...tricky]);
  });
});

describe('checkExtraArgs', () => {
  const refused: [string[], string][] = [
    [['--enable-helm'], 'enableHelm: true'],
    [['--enable-helm=true'], 'enableHelm: true'],
    [['--enable-alpha-plugins'], 'enableAlphaPlugins: true'],
    [['--enable-exec'], 'enableExec: true'],
    [['--load-restrictor', 'LoadRestrictionsNone'], 'loadRestrictor: "none"'],
    [['--load-restrictor=LoadRestrictionsNone'], 'loadRestrictor: "none"'],
    [['--reorder', 'none', '--load-restrictor=none'], 'loadRestrictor: "none"'],
    // kubectl reads `_` as `-` in flag names, and any true-ish value as true.
    [['--enable_helm'], 'enableHelm: true'],
    [['--enable_helm=true'], 'enableHelm: true'],
    [['--enable-helm=1'], 'enableHelm: true'],
    [['--enable-helm=yes'], 'enableHelm: true'],
    [['--load_restrictor=LoadRestrictionsNone'], 'loadRestrictor: "none"'],
    [['--load_restrictor', 'LoadRestrictionsNone'], 'loadRestrictor: "none"'],
    [['--enable_alpha_plugins'], 'enableAlphaPlugins: true'],
    [['--enable_exec'], 'enableExec: true'],
    // The program run as helm, and how plugin functions run, are part of what the options allow.
    [['--helm-command', './script.sh'], 'enableHelm: true'],
    [['--helm_command=./script.sh'], 'enableHelm: true'],
    [['-e', 'X=1'], 'enableAlphaPlugins: true'],
    [['-eX=1'], 'enableAlphaPlugins: true'],
    [['-e=X=1'], 'enableAlphaPlugins: true'],
    // A single dash makes pflag read `-enable-helm` as `-e nable-helm`.
    [['-enable-helm'], 'enableAlphaPlugins: true'],
    [['--env=X=1'], 'enableAlphaPlugins: true'],
    [['--mount', 'type=bind,src=/,dst=/host'], 'enableAlphaPlugins: true'],
    [['--network'], 'enableAlphaPlugins: true'],
    [['--network-name=host'], 'enableAlphaPlugins: true'],
    [['--as-current-user'], 'enableAlphaPlugins: true'],
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
    checkExtraArgs(['--enable_helm', '--helm-command', './h', '--enable-alpha-plugins', '-e', 'X=1', '--mount=m', '--network', '--enable-exec', '--load-restrictor', 'LoadRestrictionsNone'], {
      enableHelm: true,
      enableAlphaPlugins: true,
      enableExec: true,
      loadRestrictor: 'none',
    });
  });

  it('accepts flags that keep the defaults, and the flags that only change the rendering', () => {
    checkExtraArgs(
      [
        '--enable-helm=false', '--enable_helm=F', '--load-restrictor', 'LoadRestrictionsRootOnly', '--load_restrictor=LoadRestrictionsRootOnly',
        '--reorder', 'none', '--reorder=legacy', '--stack-trace', '--helm-debug', '--helm-api-versions', 'v1', '--helm_kube_version=1.30',
        '--enable-managedby-label',
      ],
      {},
    );
  });

  it('reads the value of --load-restrictor as a value, not as a flag', () => {
    assert.throws(() => checkExtraArgs(['--load-restrictor', '--enable-helm'], { enableHelm: true }), userError(/loadRestrictor: "none"/));
  });

  it('refuses flags outside the allow-list, such as kubectl client flags, listing the accepted ones', () => {
    for (const args of [['--kubeconfig', 'x'], ['--profile=cpu', '--profile-output=/tmp/profile'], ['-v=3'], ['--help'], ['--enable-star'], ['-h'], ['---enable-helm'], ['--constructor'], ['--__proto__']]) {
      assert.throws(
        () => checkExtraArgs(args, { enableHelm: true, enableAlphaPlugins: true, enableExec: true, loadRestrictor: 'none' }),
        userError(/which nx-helm-crds does not pass to Kustomize\. Accepted in args: --reorder, .*--enable-helm \(with enableHelm\).*\. Remove it from args\.$/),
        args.join(' '),
      );
    }
  });

  it('refuses arguments that are not flags: a second directory, anything after --, a boolean flag\'s separate value', () => {
    for (const [args, extra] of [[['other-dir'], 'other-dir'], [['--', 'x'], '--'], [['--enable-helm', 'false'], 'false'], [['-'], '-']] as const) {
      assert.throws(() => checkExtraArgs(args, { enableHelm: true }), userError(new RegExp(`hold "${extra}", which is not a flag: Kustomize builds one directory`)), args.join(' '));
    }
  });

  it('refuses a value flag without its value', () => {
    assert.throws(() => checkExtraArgs(['--reorder'], {}), userError(/args \["--reorder"\]: --reorder needs a value\./));
  });

  it('refuses arguments that send the output elsewhere, pointing at outputFile', () => {
    for (const args of [['-o', 'out.yaml'], ['--output', 'out.yaml'], ['--output=out.yaml'], ['-oout.yaml'], ['-o=out.yaml']]) {
      assert.throws(() => checkExtraArgs(args, {}), userError(/redirect Kustomize's output .*Remove it and set the outputFile option instead/), args.join(' '));
    }
  });

  it('kustomizeBuildArgs applies the check', () => {
    assert.throws(() => kustomizeBuildArgs(request({ extraArgs: ['--enable-helm'] })), userError(/enableHelm: true/));
  });
});

describe('parseKustomizeFlags', () => {
  it('reads flags as pflag does: `_` as `-`, inline and separate values, shorthands', () => {
    assert.deepEqual(
      parseKustomizeFlags(['--enable_helm', '--helm_command', './h', '--reorder=none', '-eA=1', '-e', 'B=2', '-e=C=3']).map(({ name, value }) => [name, value]),
      [['enable-helm', undefined], ['helm-command', './h'], ['reorder', 'none'], ['env', 'A=1'], ['env', 'B=2'], ['env', 'C=3']],
    );
  });
});

/**
 * The guard is only as good as its reading of the arguments: these run the real `kubectl kustomize` to show it
 * reads each refused spelling as the guarded flag (so the guard matters), and accepts each flag we allow.
 */
describe('checkExtraArgs cross-checked with kubectl kustomize', () => {
  const kubectl = PINNED_TOOLS.kubectl;
  const noKubectl = skipWithoutPinned('kubectl');
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'nx-helm-crds-flags-'));
    const write = (path: string, content: string) => {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), content);
    };
    write('plain/kustomization.yaml', 'resources:\n- cm.yaml\n');
    write('plain/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n');
    write('helm/kustomization.yaml', 'helmCharts:\n- name: demo\n');
    write('helm/charts/demo/Chart.yaml', 'apiVersion: v2\nname: demo\nversion: 0.1.0\n');
    // Kustomize runs the helm command first as `helm version`: the script leaves a mark and stops there.
    write('helm-command.sh', `#!/bin/sh\necho "$@" >> ${join(root, 'helm-ran')}\nexit 1\n`);
    chmodSync(join(root, 'helm-command.sh'), 0o755);
    write('outside.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: outside\n');
    write('restricted/kustomization.yaml', 'resources:\n- ../outside.yaml\n');
  });
  after(() => rmSync(root, { recursive: true, force: true }));
  const kustomize = (dir: string, args: readonly string[]) => spawnSync(kubectl, ['kustomize', join(root, dir), ...args], { encoding: 'utf8' });

  for (const args of [['--enable_helm', '--helm_command=HELM'], ['--enable-helm=1', '--helm-command', 'HELM'], ['--enable_helm=True', '--helm_command', 'HELM']]) {
    it(`kubectl reads ${args.join(' ')} as --enable-helm and runs the helm command; the guard refuses it`, (t) => {
      if (noKubectl) return t.skip(noKubectl);
      rmSync(join(root, 'helm-ran'), { force: true });
      const withScript = args.map((arg) => arg.replace('HELM', join(root, 'helm-command.sh')));
      kustomize('helm', withScript);
      assert.match(readFileSync(join(root, 'helm-ran'), 'utf8'), /version/);
      assert.throws(() => checkExtraArgs(withScript, {}), userError(/`enableHelm: true`/));
    });
  }

  for (const args of [['--load_restrictor=LoadRestrictionsNone'], ['--load_restrictor', 'LoadRestrictionsNone']]) {
    it(`kubectl reads ${args.join(' ')} as lifting the load restrictor; the guard refuses it`, (t) => {
      if (noKubectl) return t.skip(noKubectl);
      assert.notEqual(kustomize('restricted', []).status, 0, 'the default restrictor refuses ../outside.yaml');
      const lifted = kustomize('restricted', args);
      assert.equal(lifted.status, 0, lifted.stderr);
      assert.match(lifted.stdout, /name: outside/);
      assert.throws(() => checkExtraArgs(args, {}), userError(/`loadRestrictor: "none"`/));
    });
  }

  it('kubectl reads a boolean flag\'s separate value as a second directory, which the guard refuses too', (t) => {
    if (noKubectl) return t.skip(noKubectl);
    assert.match(kustomize('plain', ['--enable-helm', 'false']).stderr, /specify one path/);
    assert.throws(() => checkExtraArgs(['--enable-helm', 'false'], {}), userError(/not a flag/));
  });

  it('kubectl accepts every flag the guard lets through without an option (--stack-trace is standalone kustomize\'s)', (t) => {
    if (noKubectl) return t.skip(noKubectl);
    const accepted = [
      ['--reorder', 'none'], ['--reorder=legacy'], ['--helm-debug'], ['--helm-api-versions', 'v1'], ['--helm_kube_version=1.30.0'],
      ['--enable-managedby-label'], ['--enable-helm=false'], ['--enable_helm=F'], ['--load-restrictor', 'LoadRestrictionsRootOnly'],
    ];
    for (const args of accepted) {
      checkExtraArgs(args, {});
      const result = kustomize('plain', args);
      assert.equal(result.status, 0, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stdout, /name: plain/);
    }
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
