import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
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
});
