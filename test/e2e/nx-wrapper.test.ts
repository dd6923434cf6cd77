import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CHART_DIRECTORY,
  EXPECTED_CRDS,
  PROJECT,
  changedFiles,
  cloneElsewhere,
  commitAll,
  createGoRepository,
  assertSameToolsKey,
  assertSecondCloneServedRemotely,
  packPlugin,
  removeRepository,
  run,
  runAsync,
  runOk,
  type NxRunner,
  type PackedPlugin,
} from './adoption';
import { REPO_ROOT } from './workspace';

/** `./nx …` in a wrapper repository: the committed script that installs .nx/installation and runs nx from it. */
const wrapper = (root: string, args: string[], env: NodeJS.ProcessEnv = {}) => run(join(root, 'nx'), args, root, env);

/**
 * The README's wrapper path, from nothing: a Go repository without package.json runs `nx init` (which
 * writes ./nx, nx.json with an `installation` and installs the latest nx into .nx/installation), then
 * `./nx add nx-helm-crds`. `nx add` resolves a registry version for nx.json, so the test does its two steps
 * itself with the tarball: the entry under `installation.plugins`, then `nx g nx-helm-crds:init`.
 */
describe('a Go repository without package.json adopts the packed plugin through the Nx wrapper', () => {
  let destination: string;
  let packed: PackedPlugin;
  let repository: string;
  let clone: string | undefined;

  before(() => {
    destination = mkdtempSync(join(tmpdir(), 'nx-helm-crds-pack-'));
    packed = packPlugin(destination);
    repository = createGoRepository();
    // NX_USE_LOCAL: run this nx's init instead of downloading nx@latest to run its init; either way the
    // wrapper installs the latest nx.
    runOk(process.execPath, [join(REPO_ROOT, 'node_modules/nx/dist/bin/nx.js'), 'init', '--interactive=false'], repository, { NX_USE_LOCAL: 'true' });
  });
  after(() => {
    rmSync(destination, { recursive: true, force: true });
    removeRepository(repository);
    removeRepository(clone);
  });

  it('installs into .nx/installation with no node_modules; init, chart and crds work; git sees only what to commit', () => {
    const nxJsonPath = join(repository, 'nx.json');
    const nxJson = JSON.parse(readFileSync(nxJsonPath, 'utf8'));
    nxJson.installation.plugins = { 'nx-helm-crds': `file:${packed.tarball}` };
    writeFileSync(nxJsonPath, JSON.stringify(nxJson, null, 2));
    const init = wrapper(repository, ['g', 'nx-helm-crds:init']);
    assert.equal(init.status, 0, init.output);
    assert.ok(existsSync(join(repository, '.nx/installation/node_modules/nx-helm-crds/package.json')));
    assert.ok(!existsSync(join(repository, 'node_modules')));
    assert.deepEqual(JSON.parse(readFileSync(nxJsonPath, 'utf8')).plugins, [{ plugin: 'nx-helm-crds', options: { charts: {} } }]);

    const chart = wrapper(repository, ['g', 'nx-helm-crds:chart', '--chart', CHART_DIRECTORY, '--kustomization', 'config/crd']);
    assert.equal(chart.status, 0, chart.output);
    const crds = wrapper(repository, ['run', `${PROJECT}:crds`]);
    assert.equal(crds.status, 0, crds.output);
    assert.deepEqual(readdirSync(join(repository, CHART_DIRECTORY, 'crds')).sort(), EXPECTED_CRDS);
    assert.deepEqual(changedFiles(repository), [
      '.gitignore',
      '.nx/nxw.js',
      ...EXPECTED_CRDS.map((file) => `${CHART_DIRECTORY}/crds/${file}`),
      'nx',
      'nx.bat',
      'nx.json',
    ]);
  });

  it('keys every task on the tool and plugin versions, not on paths: a second clone gets every task of crds -c check from the remote cache', async () => {
    commitAll(repository);
    clone = cloneElsewhere(repository, '.nx/installation');
    const nx: NxRunner = (root, args, env) => runAsync(join(root, 'nx'), args, root, env);
    await assertSameToolsKey(nx, repository, clone);
    await assertSecondCloneServedRemotely(nx, repository, clone);
  });
});
