import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { workspaceDataDirectory } from 'nx/src/utils/cache-directory';
import { UserError } from '../core/shared/errors';
import { ALIAS_BOMB } from '../testing/yaml-fixtures';
import { createNodes } from './create-nodes';
import type { NxHelmCrdsPluginOptions } from './plugin-options';

describe('createNodes', () => {
  const root = mkdtempSync(join(tmpdir(), 'nx-helm-crds-create-nodes-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };

  it('refuses a Chart.yaml that is an alias bomb with a UserError naming the file', async () => {
    write('charts/demo/Chart.yaml', `apiVersion: v2\nversion: 0.1.0\n${ALIAS_BOMB}\n`);
    write('config/crd/kustomization.yaml', 'resources: []\n');
    const options: NxHelmCrdsPluginOptions = { charts: { 'charts/demo': { kustomization: 'config/crd' } } };
    const [, infer] = createNodes;
    await assert.rejects(
      async () => infer(['charts/demo/Chart.yaml'], options, { workspaceRoot: root, nxJsonConfiguration: { plugins: [{ plugin: 'nx-helm-crds', options }] } }),
      (error: unknown) => error instanceof UserError && /^charts\/demo\/Chart\.yaml is refused: the YAML aliases/.test(error.message),
    );
  });

  it('refuses a chart name that would lead its report folder out of dist/nx-helm-crds, naming Chart.yaml', async () => {
    write('charts/evil/Chart.yaml', 'apiVersion: v2\nname: ../../.github/workflows\nversion: 0.1.0\n');
    write('config/crd/kustomization.yaml', 'resources: []\n');
    const options: NxHelmCrdsPluginOptions = { charts: { 'charts/evil': { kustomization: 'config/crd' } } };
    const [, infer] = createNodes;
    await assert.rejects(
      async () => infer(['charts/evil/Chart.yaml'], options, { workspaceRoot: root, nxJsonConfiguration: { plugins: [{ plugin: 'nx-helm-crds', options }] } }),
      (error: unknown) => error instanceof UserError && /^charts\/evil\/Chart\.yaml: the chart name "\.\.\/\.\.\/\.github\/workflows" cannot name its nx-helm-crds project/.test(error.message),
    );
  });

  it('answers from its cache while the files the kustomization reads are unchanged, and infers again when one changes', async () => {
    write('charts/cached/Chart.yaml', 'apiVersion: v2\nname: cached\nversion: 0.1.0\n');
    write('cfg/cached/kustomization.yaml', 'resources: [a.yaml]\n');
    write('cfg/cached/a.yaml', 'kind: CustomResourceDefinition\n');
    const options: NxHelmCrdsPluginOptions = { charts: { 'charts/cached': { kustomization: 'cfg/cached' } }, targetNames: { crds: `crds-${process.pid}` } };
    const [, infer] = createNodes;
    const context = { workspaceRoot: root, nxJsonConfiguration: { plugins: [{ plugin: 'nx-helm-crds', options }] } };
    const build = async () => {
      const [[, result]] = await infer(['charts/cached/Chart.yaml'], options, context);
      return result.projects?.['charts/cached']?.targets?.['kustomize-build'];
    };
    const cacheFiles = () => new Set(readdirSync(workspaceDataDirectory).filter((name) => name.startsWith('nx-helm-crds-')));
    const before = cacheFiles();
    assert.deepEqual((await build())?.inputs?.slice(0, 2), ['{workspaceRoot}/cfg/cached/a.yaml', '{workspaceRoot}/cfg/cached/kustomization.yaml']);
    const [cacheFile] = [...cacheFiles()].filter((name) => !before.has(name)).map((name) => join(workspaceDataDirectory, name));
    assert.ok(cacheFile, 'the inference is cached in the workspace data directory');
    after(() => rmSync(cacheFile, { force: true }));
    // Mark the cached project: an answer from the cache carries the mark.
    const cache = JSON.parse(readFileSync(cacheFile, 'utf8')) as {
      entries: Record<string, { project?: { projects: Record<string, { targets: Record<string, { metadata: { description: string }; options: Record<string, unknown> }> }> } }>;
    };
    const [entry] = Object.values(cache.entries).filter((value) => value.project);
    // The tool versions are not cached with the project: a tool upgrade keeps the inference cached.
    assert.equal(entry.project!.projects['charts/cached'].targets['kustomize-build'].options.toolVersions, undefined);
    entry.project!.projects['charts/cached'].targets['kustomize-build'].metadata.description = 'from the cache';
    writeFileSync(cacheFile, JSON.stringify(cache));
    const fromCache = await build();
    assert.equal(fromCache?.metadata?.description, 'from the cache');
    assert.match(String((fromCache?.options as { toolVersions?: { plugin?: string } }).toolVersions?.plugin), /^0\.1\.0 [0-9a-f]{32}$/, 'an answer from the cache names the tool versions too');
    write('cfg/cached/b.yaml', 'kind: CustomResourceDefinition\n');
    write('cfg/cached/kustomization.yaml', 'resources: [a.yaml, b.yaml]\n');
    const changed = await build();
    assert.notEqual(changed?.metadata?.description, 'from the cache');
    assert.deepEqual(changed?.inputs?.slice(0, 3), ['{workspaceRoot}/cfg/cached/a.yaml', '{workspaceRoot}/cfg/cached/b.yaml', '{workspaceRoot}/cfg/cached/kustomization.yaml']);
  });
});
