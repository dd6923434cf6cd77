/**
 * The tool versions in the cache keys, end to end with real nx and kustomize: the plugin reads them while it
 * infers the targets (no process on every command), a kustomize of another version re-runs the pipeline, and
 * with the daemon, which keeps the inferred targets until a workspace file changes, a task whose key names
 * older versions fails instead of caching its result under that key.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PINNED_KUBECTL, cachedTasks, createWorkspace, executedTasks, type TestWorkspace } from './workspace';

/** A kustomize whose version is the file beside it, building with the pinned kubectl. A script, so it is asked every time. */
function versionedKustomize(): { file: string; setVersion: (version: string) => void; remove: () => void } {
  const folder = mkdtempSync(join(tmpdir(), 'nx-helm-crds-kustomize-'));
  const file = join(folder, 'kustomize');
  writeFileSync(file, `#!/bin/sh\ncase "$1" in\n  version) cat "${folder}/version" ;;\n  build) shift; exec "${PINNED_KUBECTL}" kustomize "$@" ;;\nesac\n`);
  chmodSync(file, 0o755);
  return { file, setVersion: (version) => writeFileSync(join(folder, 'version'), `${version}\n`), remove: () => rmSync(folder, { recursive: true, force: true }) };
}

describe('tool versions in the cache keys', () => {
  let workspace: TestWorkspace;
  let kustomize: ReturnType<typeof versionedKustomize>;
  const env = () => ({ NX_HELM_CRDS_KUSTOMIZE: kustomize.file });
  const toolVersions = (extra: NodeJS.ProcessEnv = {}) => {
    const shown = workspace.nx(['show', 'project', 'chart', '--json'], { ...env(), ...extra });
    assert.equal(shown.status, 0, shown.output);
    const targets = (JSON.parse(shown.output) as { targets: Record<string, { options?: { toolVersions?: Record<string, string> } }> }).targets;
    return Object.fromEntries(Object.entries(targets).map(([name, target]) => [name, target.options?.toolVersions]));
  };
  const crds = (extra: NodeJS.ProcessEnv = {}, args: string[] = []) => {
    const result = workspace.nx(['run', 'chart:crds', ...args], { ...env(), ...extra });
    return { ...result, ran: executedTasks(result.output), cached: cachedTasks(result.output) };
  };

  before(() => {
    // Nx's default plugin loading (a worker per plugin), as with the daemon.
    workspace = createWorkspace({ isolatedPlugins: true });
    kustomize = versionedKustomize();
    kustomize.setVersion('v5.6.0');
  });
  after(() => {
    workspace.nx(['daemon', '--stop'], { NX_DAEMON: 'true' });
    workspace.remove();
    kustomize.remove();
  });

  it('names in each target the versions its result depends on, and serves a run with nothing changed from the cache', () => {
    const versions = toolVersions();
    assert.match(versions['kustomize-build']?.plugin ?? '', /^0\.1\.0 [0-9a-f]{32}$/);
    assert.equal(versions['kustomize-build']?.kustomize, 'v5.6.0');
    assert.deepEqual(versions['helm-crds'], versions['kustomize-build']);
    assert.match(versions.verify?.helm ?? '', /^v4\.1\.4/);
    // The run after the one that wrote the chart re-runs helm-crds and verify once (the chart files are inputs).
    for (let run = 0; run < 2; run++) assert.equal(crds().status, 0);
    const cached = crds();
    assert.equal(cached.status, 0, cached.output);
    assert.deepEqual(cached.ran, []);
    assert.deepEqual(cached.cached.sort(), ['chart:crds', 'chart:helm-crds', 'chart:kustomize-build', 'chart:verify']);
  });

  it('without the daemon, another kustomize version re-runs every step that depends on it', () => {
    kustomize.setVersion('v5.7.0');
    assert.equal(toolVersions()['kustomize-build']?.kustomize, 'v5.7.0');
    const result = crds();
    assert.equal(result.status, 0, result.output);
    assert.deepEqual(result.cached, [], 'nothing keyed on v5.6.0 stands for v5.7.0');
    assert.ok(result.ran.includes('chart:kustomize-build'), result.output);
    kustomize.setVersion('v5.6.0');
    assert.deepEqual(crds().ran, [], 'and the entries of v5.6.0 serve it again');
  });

  it('a kustomize given on the command line, which the plugin cannot see, fails the task instead of caching under the plugin\'s versions', () => {
    const other = versionedKustomize();
    try {
      other.setVersion('v5.9.0');
      const result = workspace.nx(['run', 'chart:kustomize-build', `--kustomize=${other.file}`], env());
      assert.notEqual(result.status, 0, result.output);
      assert.match(result.output, /kustomize is v5\.9\.0, but this task's cache key was computed with v5\.6\.0\. .*the command line/);
    } finally {
      other.remove();
    }
  });

  it('with the daemon, a task keyed on the versions before a change fails instead of caching under them, until the daemon is stopped', () => {
    const daemon = { NX_DAEMON: 'true' };
    assert.equal(crds(daemon).status, 0);
    kustomize.setVersion('v5.8.0');
    // No workspace file changed: the daemon's inferred targets still name v5.6.0 (the window the README describes).
    assert.equal(toolVersions(daemon)['kustomize-build']?.kustomize, 'v5.6.0');
    const forced = crds(daemon, ['--skip-nx-cache']);
    assert.notEqual(forced.status, 0, forced.output);
    assert.match(forced.output, /kustomize is v5\.8\.0, but this task's cache key was computed with v5\.6\.0\. .*run `nx daemon --stop`/);
    workspace.nx(['daemon', '--stop'], daemon);
    assert.equal(toolVersions(daemon)['kustomize-build']?.kustomize, 'v5.8.0');
    const fresh = crds(daemon);
    assert.equal(fresh.status, 0, fresh.output);
    assert.ok(fresh.ran.includes('chart:kustomize-build'), fresh.output);
  });

  it('with the daemon, a command whose environment names another kustomize infers the targets again', () => {
    const other = versionedKustomize();
    try {
      other.setVersion('v5.9.0');
      assert.equal(toolVersions({ NX_DAEMON: 'true', NX_HELM_CRDS_KUSTOMIZE: other.file })['kustomize-build']?.kustomize, 'v5.9.0');
      assert.equal(toolVersions({ NX_DAEMON: 'true' })['kustomize-build']?.kustomize, 'v5.8.0');
    } finally {
      other.remove();
    }
  });
});
