import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
  npm,
  packPlugin,
  removeRepository,
  supportedNxVersions,
  type PackedPlugin,
} from './adoption';
import { REPO_ROOT, runNx, runNxAsync } from './workspace';

let destination: string;
let packed: PackedPlugin;
let versions: { lowest: string; latest: string };

before(() => {
  destination = mkdtempSync(join(tmpdir(), 'nx-helm-crds-pack-'));
  packed = packPlugin(destination);
  versions = supportedNxVersions(packed.manifest.peerDependencies.nx);
});
after(() => rmSync(destination, { recursive: true, force: true }));

describe('the packed tarball', () => {
  let unpacked: string;
  before(() => {
    execFileSync('tar', ['xzf', packed.tarball, '-C', destination]);
    unpacked = join(destination, 'package');
  });

  it('ships README, LICENSE, the report schema, compiled JavaScript and manifests; no tests, TypeScript sources or source maps', () => {
    for (const file of ['README.md', 'LICENSE', 'schemas/verify-report.schema.json', 'executors.json', 'generators.json', 'dist/index.js']) {
      assert.ok(packed.files.includes(file), `${file} is in the tarball`);
    }
    assert.match(readFileSync(join(unpacked, 'LICENSE'), 'utf8'), /^MIT License/);
    const unwanted = packed.files.filter((file) => /\.test\.|\.map$|^dist\/testing\//.test(file) || (file.endsWith('.ts') && !file.endsWith('.d.ts')));
    assert.deepEqual(unwanted, []);
    const mapped = packed.files.filter((file) => file.endsWith('.js') && readFileSync(join(unpacked, file), 'utf8').includes('sourceMappingURL'));
    assert.deepEqual(mapped, [], 'no compiled file points at a source map');
  });

  it('declares the Nx range it is tested with, repository links, and exports only the public API and the manifests', () => {
    const manifest = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8'));
    assert.equal(manifest.peerDependencies.nx, '>=24.0.0 <25.0.0');
    assert.equal(manifest.dependencies['@nx/devkit'], manifest.peerDependencies.nx, '@nx/devkit follows the same range as nx');
    assert.equal(versions.lowest, '24.0.0');
    for (const field of ['repository', 'homepage', 'bugs']) assert.ok(manifest[field], field);
    assert.deepEqual(Object.keys(manifest.exports).sort(), ['.', './executors.json', './generators.json', './package.json', './schemas/verify-report.schema.json']);
  });

  it('has every executor and generator file the manifests name (Nx resolves them by path from package.json)', () => {
    const manifests = ['executors.json', 'generators.json'].map((file) => JSON.parse(readFileSync(join(unpacked, file), 'utf8')));
    const entries = [...Object.values(manifests[0].executors), ...Object.values(manifests[1].generators)] as Record<string, string>[];
    const paths = entries.flatMap((entry) => [entry.implementation ?? entry.factory, entry.batchImplementation, entry.schema]).filter(Boolean);
    for (const path of paths) {
      const file = path.split('#')[0];
      assert.ok(existsSync(join(unpacked, file)) || existsSync(join(unpacked, `${file}.js`)), `${path} exists in the tarball`);
    }
  });
});

/**
 * The README's npm path, from nothing: a Go repository gets a package.json, nx from the registry and the
 * plugin. With the latest nx through `nx add nx-helm-crds` (the tarball stands in for the registry: `nx add`
 * installs it with plain `npm add -D`, then runs `nx g nx-helm-crds:init`, as for a published package); with
 * the lowest, one plain `npm add -D nx@… <tarball>` and that same init command (one install less).
 */
for (const which of ['lowest', 'latest'] as const) {
  describe(`a Go repository adopts the packed plugin with npm and the ${which} supported nx`, () => {
    let repository: string;
    let clone: string | undefined;
    before(() => {
      repository = createGoRepository();
      npm(repository, 'init', '-y');
      npm(repository, 'add', '-D', `nx@${versions[which]}`, ...(which === 'lowest' ? [packed.tarball] : []));
    });
    after(() => {
      removeRepository(repository);
      removeRepository(clone);
    });

    it('installs without peer conflicts and init creates nx.json; chart and crds write the chart; git sees only what to commit', () => {
      const add = runNx(repository, which === 'latest' ? ['add', `nx-helm-crds@file:${packed.tarball}`] : ['g', 'nx-helm-crds:init']);
      assert.equal(add.status, 0, add.output);
      const installedNx = JSON.parse(readFileSync(join(repository, 'node_modules/nx/package.json'), 'utf8')).version;
      assert.equal(installedNx, versions[which]);
      const nxJson = JSON.parse(readFileSync(join(repository, 'nx.json'), 'utf8'));
      assert.equal(nxJson.cacheDirectory, '.nx/cache');
      assert.deepEqual(nxJson.plugins, [{ plugin: 'nx-helm-crds', options: { charts: {} } }]);

      const chart = runNx(repository, ['g', 'nx-helm-crds:chart', '--chart', CHART_DIRECTORY, '--kustomization', 'config/crd']);
      assert.equal(chart.status, 0, chart.output);
      const crds = runNx(repository, ['run', `${PROJECT}:crds`]);
      assert.equal(crds.status, 0, crds.output);
      assert.deepEqual(readdirSync(join(repository, CHART_DIRECTORY, 'crds')).sort(), EXPECTED_CRDS);
      assert.ok(existsSync(join(repository, `dist/nx-helm-crds/${PROJECT}/verify.json`)), 'the outputs are where the ignore entry says');
      assert.deepEqual(changedFiles(repository), [
        '.gitignore',
        ...EXPECTED_CRDS.map((file) => `${CHART_DIRECTORY}/crds/${file}`),
        'nx.json',
        'package-lock.json',
        'package.json',
      ]);
    });

    if (which === 'latest') {
      it('a second clone at another path gets every task of crds -c check from the self-hosted remote cache', async () => {
        commitAll(repository);
        clone = cloneElsewhere(repository, 'node_modules');
        await assertSameToolsKey(runNxAsync, repository, clone);
        await assertSecondCloneServedRemotely(runNxAsync, repository, clone);
      });
    }
  });
}

describe('this repository pins nx and @nx/devkit to the lowest supported version', () => {
  it('uses one version for both, the lowest the plugin declares', () => {
    const { devDependencies } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
    assert.equal(devDependencies.nx, devDependencies['@nx/devkit']);
    assert.equal(devDependencies.nx, versions.lowest);
  });
});
