import assert from 'node:assert/strict';
import { readJson, type Tree } from '@nx/devkit';
import { createTree } from '@nx/devkit/testing';
import { describe, it } from 'node:test';
import { chartGenerator } from '../chart/generator';
import { initGenerator } from './generator';

const PLUGIN = { plugin: 'nx-helm-crds', options: { charts: {} } };

/** A Go operator repository before Nx: go.mod, a kustomization, a chart, kubebuilder's committed dist/. */
function goRepository(files: Record<string, string> = {}): Tree {
  const tree = createTree();
  tree.write('go.mod', 'module example.com/operator\n');
  tree.write('.gitignore', 'bin/\n');
  tree.write('dist/install.yaml', 'kind: List\n');
  tree.write('config/crd/kustomization.yaml', 'resources: []\n');
  tree.write('charts/operator/Chart.yaml', 'apiVersion: v2\nname: operator\nversion: 0.1.0\n');
  for (const [path, content] of Object.entries(files)) tree.write(path, content);
  return tree;
}

describe('init generator in a repository without nx.json', () => {
  it('creates nx.json with the cache in the repository and the plugin, and ignores what runs leave behind (npm)', async () => {
    const tree = goRepository({ 'package.json': '{ "name": "operator" }', 'node_modules/nx/schemas/nx-schema.json': '{}' });
    await initGenerator(tree, { skipFormat: true });
    assert.deepEqual(readJson(tree, 'nx.json'), { $schema: './node_modules/nx/schemas/nx-schema.json', cacheDirectory: '.nx/cache', plugins: [PLUGIN] });
    assert.equal(
      tree.read('.gitignore', 'utf-8'),
      'bin/\n\n# Nx and nx-helm-crds: caches and build outputs, never committed\n/dist/nx-helm-crds/\n/.nx/cache/\n/.nx/workspace-data/\n/node_modules/\n',
    );
  });

  it('lets the chart generator run first: it registers the plugin the same way instead of failing on a missing nx.json', async () => {
    const tree = goRepository({ 'package.json': '{ "name": "operator" }' });
    await chartGenerator(tree, { chart: 'charts/operator', kustomization: 'config/crd', skipFormat: true });
    assert.deepEqual(readJson(tree, 'nx.json'), {
      cacheDirectory: '.nx/cache',
      plugins: [{ plugin: 'nx-helm-crds', options: { charts: { 'charts/operator': { kustomization: 'config/crd' } } } }],
    });
    assert.match(tree.read('.gitignore', 'utf-8')!, /^\/dist\/nx-helm-crds\/$/m);
  });
});

describe('init generator in an Nx wrapper repository (nx.json with installation, no package.json)', () => {
  it('keeps nx.json, adds the plugin, and ignores the wrapper installation but no node_modules', async () => {
    const nxJson = { installation: { version: '24.0.6', plugins: { 'nx-helm-crds': '0.1.0' } } };
    const tree = goRepository({ 'nx.json': JSON.stringify(nxJson), '.gitignore': '.nx/installation\n.nx/cache\n.nx/workspace-data\n' });
    await initGenerator(tree, { skipFormat: true });
    await initGenerator(tree, { skipFormat: true });
    assert.deepEqual(readJson(tree, 'nx.json'), { ...nxJson, plugins: [PLUGIN] });
    assert.equal(
      tree.read('.gitignore', 'utf-8'),
      '.nx/installation\n.nx/cache\n.nx/workspace-data\n\n# Nx and nx-helm-crds: caches and build outputs, never committed\n/dist/nx-helm-crds/\n',
    );
  });
});
