import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { resolveOutputPath } from './output-paths';

describe('resolveOutputPath', () => {
  const root = mkdtempSync(join(tmpdir(), 'nx-helm-crds-outputs-'));
  mkdirSync(join(root, 'charts/op/crds'), { recursive: true });
  writeFileSync(join(root, 'charts/op/Chart.yaml'), 'apiVersion: v2\nname: op\nversion: 0.1.0\n');
  mkdirSync(join(root, 'dist'));
  symlinkSync(join(root, 'charts/op/crds'), join(root, 'dist/linked'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const check = (path: string) => resolveOutputPath(root, path, 'report');

  it('accepts paths outside every chart, existing or not', () => {
    assert.doesNotThrow(() => check('dist/nx-helm-crds/op/verify.json'));
    assert.doesNotThrow(() => check('reports/new/verify.json'));
    assert.doesNotThrow(() => check('charts/verify.json'));
    assert.equal(check('reports/verify.json'), join(root, 'reports/verify.json'));
    assert.throws(() => check('../verify.json'), /report "\.\.\/verify\.json" is outside the workspace/);
  });

  it('refuses a path in a chart or its placement folder, existing or not, and through a link', () => {
    assert.throws(() => check('charts/op/crds/example.io_widgets.yaml'), /report "charts\/op\/crds\/example\.io_widgets\.yaml" is inside the Helm chart charts\/op: nx-helm-crds never writes reports or build output into a chart/);
    assert.throws(() => check('charts/op/Chart.yaml'), /inside the Helm chart charts\/op/);
    assert.throws(() => check('charts/op/reports/new/verify.json'), /inside the Helm chart charts\/op/);
    assert.throws(() => check('dist/linked/verify.json'), /report "dist\/linked\/verify\.json" is inside the Helm chart charts\/op/);
  });

  it('leaves a workspace that is itself one chart alone', () => {
    writeFileSync(join(root, 'Chart.yaml'), 'apiVersion: v2\nname: root\nversion: 0.1.0\n');
    assert.doesNotThrow(() => check('dist/nx-helm-crds/op/verify.json'));
    rmSync(join(root, 'Chart.yaml'));
  });
});
