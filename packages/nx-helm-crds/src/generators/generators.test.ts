import assert from 'node:assert/strict';
import { readNxJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, it } from 'node:test';
import { executorOptionNames, readExecutorSchemas } from '../plugin/executor-schemas';
import { pluginOptionsSchema } from '../plugin/options-validation';
import { chartGenerator } from './chart/generator';
import { initGenerator } from './init/generator';

function pluginEntries(tree: Tree) {
  return (readNxJson(tree)?.plugins ?? []).filter((entry) => (typeof entry === 'string' ? entry : entry.plugin) === 'nx-helm-crds');
}

describe('init generator', () => {
  it('registers the plugin once', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await initGenerator(tree, { skipFormat: true });
    await initGenerator(tree, { skipFormat: true });
    assert.deepEqual(pluginEntries(tree), [{ plugin: 'nx-helm-crds', options: { charts: {} } }]);
  });

  it('keeps existing options and other plugins', async () => {
    const tree = createTreeWithEmptyWorkspace();
    const nxJson = readNxJson(tree)!;
    nxJson.plugins = ['@nx/js', { plugin: 'nx-helm-crds', options: { charts: { c: { kustomization: 'k' } } } }];
    tree.write('nx.json', JSON.stringify(nxJson));
    await initGenerator(tree, { skipFormat: true });
    assert.deepEqual(readNxJson(tree)!.plugins, ['@nx/js', { plugin: 'nx-helm-crds', options: { charts: { c: { kustomization: 'k' } } } }]);
  });
});

describe('chart generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    tree.write('charts/kserve/Chart.yaml', 'apiVersion: v2\nname: kserve\nversion: 0.1.0\n');
    tree.write('config/crd/kustomization.yaml', 'resources: []\n');
  });

  it('adds the chart to the plugin options, registering the plugin if needed', async () => {
    await chartGenerator(tree, { chart: './charts/kserve/', kustomization: 'config/crd', placement: 'templates', directory: 'templates/crd', skipFormat: true });
    assert.deepEqual(pluginEntries(tree), [
      { plugin: 'nx-helm-crds', options: { charts: { 'charts/kserve': { kustomization: 'config/crd', placement: 'templates', directory: 'templates/crd' } } } },
    ]);
  });

  it('wires a chart another tool generates: generate: false', async () => {
    await chartGenerator(tree, { chart: 'charts/kserve', kustomization: 'config/crd', generate: false, skipFormat: true });
    assert.deepEqual(pluginEntries(tree)[0], { plugin: 'nx-helm-crds', options: { charts: { 'charts/kserve': { kustomization: 'config/crd', generate: false } } } });
  });

  it('replaces the entry of a chart wired before and keeps the others', async () => {
    tree.write('charts/other/Chart.yaml', 'apiVersion: v2\nname: other\nversion: 0.1.0\n');
    await chartGenerator(tree, { chart: 'charts/other', kustomization: 'config/crd', skipFormat: true });
    await chartGenerator(tree, { chart: 'charts/kserve', kustomization: 'config/crd', skipFormat: true });
    await chartGenerator(tree, { chart: 'charts/kserve', kustomization: 'config/crd', include: ['*.serving.kserve.io'], skipFormat: true });
    assert.deepEqual(pluginEntries(tree)[0], {
      plugin: 'nx-helm-crds',
      options: { charts: { 'charts/other': { kustomization: 'config/crd' }, 'charts/kserve': { kustomization: 'config/crd', include: ['*.serving.kserve.io'] } } },
    });
  });

  it('refuses a folder without Chart.yaml or without a kustomization, saying what the option must be', async () => {
    await assert.rejects(chartGenerator(tree, { chart: 'charts/nope', kustomization: 'config/crd' }), /charts\/nope\/Chart\.yaml does not exist: --chart must be the folder/);
    await assert.rejects(chartGenerator(tree, { chart: 'charts/kserve', kustomization: 'config' }), /config has no kustomization\.yaml/);
    await assert.rejects(chartGenerator(tree, { chart: 'charts/kserve', kustomization: 'config/crd', placement: 'crds', directory: 'templates/crd' }), /not inside the chart's crds\/ folder/);
    assert.deepEqual(pluginEntries(tree), []);
  });
});

describe('chart generator schema', () => {
  it('offers only chart options, each with the type the executor schema gives it', () => {
    const generator = JSON.parse(readFileSync(join(__dirname, '..', '..', 'src', 'generators', 'chart', 'schema.json'), 'utf8')) as { properties: Record<string, Record<string, unknown>> };
    const schemas = readExecutorSchemas();
    const chart = (pluginOptionsSchema(schemas).properties!.charts.additionalProperties as { properties: Record<string, Record<string, unknown>> }).properties;
    assert.ok(executorOptionNames(schemas)['kustomize-build'].includes('kustomization'));
    for (const [key, property] of Object.entries(generator.properties)) {
      if (key === 'chart' || key === 'skipFormat') continue;
      assert.ok(chart[key], `generator option ${key} is not a chart option`);
      const shape = ({ type, enum: values, items }: Record<string, unknown>) => ({ type, enum: values, items });
      assert.deepEqual(shape(property), shape(chart[key]), key);
    }
  });
});
