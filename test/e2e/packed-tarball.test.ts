import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CHART_CRDS, REPO_ROOT, cachedTasks, createWorkspace, type TestWorkspace } from './workspace';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** `npm pack -w nx-helm-crds` at the repo root, as a release would; returns the tarball path and file list. */
function packPlugin(destination: string): { tarball: string; files: string[] } {
  const output = execFileSync(NPM, ['pack', '-w', 'nx-helm-crds', '--json', '--pack-destination', destination], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [packed] = JSON.parse(output) as { filename: string; files: { path: string }[] }[];
  return { tarball: join(destination, packed.filename), files: packed.files.map((file) => file.path).sort() };
}

describe('the packed plugin in a plain Nx 24 workspace', () => {
  let install: string;
  let packed: { tarball: string; files: string[] };
  let workspace: TestWorkspace;

  before(() => {
    install = mkdtempSync(join(tmpdir(), 'nx-helm-crds-install-'));
    packed = packPlugin(install);
    writeFileSync(join(install, 'package.json'), JSON.stringify({ name: 'plain-nx-workspace', private: true }, null, 2));
    execFileSync(NPM, ['install', '--no-audit', '--no-fund', '--prefer-offline', 'nx@24.0.0', packed.tarball], {
      cwd: install,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    workspace = createWorkspace({ nodeModules: install });
  });
  after(() => {
    workspace?.remove();
    rmSync(install, { recursive: true, force: true });
  });

  it('ships compiled JavaScript, schemas and the executor manifest, and no tests or TypeScript sources', () => {
    assert.ok(packed.files.includes('executors.json'));
    assert.ok(packed.files.includes('dist/executors/helm-crds/executor.js'));
    assert.ok(packed.files.includes('dist/bin/nx-helm-crds.js'));
    assert.ok(packed.files.includes('src/executors/verify/schema.json'));
    assert.deepEqual(packed.files.filter((file) => file.endsWith('.test.js') || (file.endsWith('.ts') && !file.endsWith('.d.ts'))), []);
    const manifest = JSON.parse(readFileSync(join(install, 'node_modules/nx-helm-crds/package.json'), 'utf8'));
    assert.equal(manifest.dependencies['@nx/devkit'], '24.0.0');
  });

  it('runs the whole pipeline from the installed package and caches it', () => {
    const cold = workspace.nx(['run', 'chart:crds']);
    assert.equal(cold.status, 0, cold.output);
    assert.deepEqual(readdirSync(workspace.path(CHART_CRDS)).sort(), readdirSync(join(REPO_ROOT, CHART_CRDS)).sort());
    for (const file of readdirSync(join(REPO_ROOT, CHART_CRDS))) {
      assert.equal(workspace.read(`${CHART_CRDS}/${file}`), readFileSync(join(REPO_ROOT, CHART_CRDS, file), 'utf8'));
    }
    // The run after one that wrote the chart checks the written files once (see pipeline.test.ts).
    assert.equal(workspace.nx(['run', 'chart:crds']).status, 0);
    const warm = workspace.nx(['run', 'chart:crds']);
    assert.equal(warm.status, 0, warm.output);
    assert.deepEqual(cachedTasks(warm.output), ['chart:kustomize-build', 'chart:helm-crds', 'chart:verify', 'chart:crds']);
  });
});
