import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { chartFingerprint, pluginCodeFingerprint } from './fingerprints';
import { renderGeneratedFile } from './generated-file';

const generatedText = (body: string): string => renderGeneratedFile(body, { kustomization: 'config/crd', regenerate: 'nx run chart:crds' }, false);

describe('fingerprints', () => {
  const directories: string[] = [];
  afterEach(() => {
    for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
  });
  const tree = (files: Record<string, string>): string => {
    const root = mkdtempSync(join(tmpdir(), 'nx-helm-crds-fingerprint-'));
    directories.push(root);
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    }
    return root;
  };
  const chart = {
    'Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n',
    'templates/deployment.yaml': 'kind: Deployment\n',
    'crds/example.io_widgets.yaml': generatedText('kind: CustomResourceDefinition\n'),
  };

  describe('chartFingerprint', () => {
    it('is a 32-character hex digest that does not depend on where the chart is', () => {
      const first = chartFingerprint(tree(chart));
      assert.match(first, /^[0-9a-f]{32}$/);
      assert.equal(chartFingerprint(tree(chart)), first);
      assert.equal(chartFingerprint(tree(chart), { includeGenerated: true }), chartFingerprint(tree(chart), { includeGenerated: true }));
    });

    it('ignores generated files unless includeGenerated', () => {
      const withGenerated = tree(chart);
      const { ['crds/example.io_widgets.yaml']: _generated, ...handMade } = chart;
      const without = tree(handMade);
      const changed = tree({ ...chart, 'crds/example.io_widgets.yaml': generatedText('kind: CustomResourceDefinition\nchanged: true\n') });
      assert.equal(chartFingerprint(withGenerated), chartFingerprint(without));
      assert.equal(chartFingerprint(changed), chartFingerprint(without));
      assert.notEqual(chartFingerprint(withGenerated, { includeGenerated: true }), chartFingerprint(without, { includeGenerated: true }));
      assert.notEqual(chartFingerprint(withGenerated, { includeGenerated: true }), chartFingerprint(changed, { includeGenerated: true }));
      assert.notEqual(chartFingerprint(withGenerated, { includeGenerated: true }), chartFingerprint(withGenerated));
    });

    it('changes when a hand-made file changes, is added, or is renamed', () => {
      const base = chartFingerprint(tree(chart));
      assert.notEqual(chartFingerprint(tree({ ...chart, 'templates/deployment.yaml': 'kind: Deployment\nx: 1\n' })), base);
      assert.notEqual(chartFingerprint(tree({ ...chart, 'crds/hand.yaml': 'kind: CustomResourceDefinition\n' })), base);
      const { ['templates/deployment.yaml']: content, ...rest } = chart;
      assert.notEqual(chartFingerprint(tree({ ...rest, 'templates/moved.yaml': content })), base);
    });

    it('counts a file whose header is not at the very start as hand-made', () => {
      const indented = tree({ ...chart, 'crds/example.io_widgets.yaml': `\n${chart['crds/example.io_widgets.yaml']}` });
      assert.notEqual(chartFingerprint(indented), chartFingerprint(tree(chart)));
    });

    it('hashes a symbolic link by its target, without following it', () => {
      const linked = tree(chart);
      symlinkSync('../templates/deployment.yaml', join(linked, 'crds/link.yaml'));
      const relinked = tree(chart);
      symlinkSync('../Chart.yaml', join(relinked, 'crds/link.yaml'));
      assert.notEqual(chartFingerprint(linked), chartFingerprint(tree(chart)));
      assert.notEqual(chartFingerprint(linked), chartFingerprint(relinked));
    });
  });

  describe('pluginCodeFingerprint', () => {
    it('hashes compiled .js files other than tests', () => {
      const files = { 'dist/index.js': 'module.exports = 1;\n', 'dist/core/a.js': 'a\n', 'src/index.ts': 'x\n' };
      const base = pluginCodeFingerprint(tree(files));
      assert.equal(pluginCodeFingerprint(tree({ ...files, 'dist/core/a.test.js': 'test\n', 'dist/core/a.d.ts': 'd\n', 'src/index.ts': 'y\n' })), base);
      assert.notEqual(pluginCodeFingerprint(tree({ ...files, 'dist/core/a.js': 'b\n' })), base);
    });
  });
});
