/**
 * The README's first command, `npx nx run chart:crds`, in this repository itself: the one place the plugin is a
 * local workspace project rather than an installed package, so Nx resolves its executors differently (it looks
 * for sources first) and the temp workspaces of the other tests cannot see a mistake there.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT, executedTasks, nxEnv } from './workspace';

describe("the README's example command in this repository", () => {
  it('is on the first screen, runs every step of the pipeline from the compiled plugin, and finds the example chart in sync', () => {
    assert.match(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8').split('\n').slice(0, 15).join('\n'), /npm ci && npx nx run chart:crds/);
    // As a user runs it: the pinned tools come from the repository's .env, not from the test's environment.
    const env = nxEnv({ NX_HELM_CRDS_KUSTOMIZE: undefined, NX_HELM_CRDS_HELM: undefined });
    // Check mode writes nothing to the chart; --skip-nx-cache makes every executor really run.
    const run = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules/nx/dist/bin/nx.js'), 'run', 'chart:crds', '-c', 'check', '--skip-nx-cache', '--outputStyle=static'], {
      cwd: REPO_ROOT,
      env,
      encoding: 'utf8',
    });
    const output = `${run.stdout}${run.stderr}`;
    assert.equal(run.status, 0, output);
    assert.deepEqual(executedTasks(output).sort(), ['chart:helm-crds:check', 'chart:kustomize-build', 'chart:verify:check']);
    assert.doesNotMatch(output, /swc-node or ts-node/);
    assert.match(output, /from \$NX_HELM_CRDS_KUSTOMIZE/);
    assert.match(output, /3 in sync, 0 differ, 0 missing/);
  });
});
