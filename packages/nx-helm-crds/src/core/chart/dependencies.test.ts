import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { copyWithoutDependencies, missingDependencies } from './dependencies';

const CHART_YAML = `apiVersion: v2
name: operator
version: 0.1.0
dependencies:
  # vendored
  - name: local
    version: 1.0.0
    repository: file://../local
  - name: common
    version: 2.x.x
    repository: oci://registry-1.docker.io/bitnamicharts
    condition: common.enabled, global.common.enabled
  - name: redis
    alias: cache
    version: 1.x.x
    repository: https://charts.example.com
`;

describe('missingDependencies', () => {
  it("reads the names from helm's error, and nothing from other errors", () => {
    const error =
      'helm template of the chart charts/op failed (helm template …):\nError: an error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: common, redis\nFix the chart';
    assert.deepEqual(missingDependencies(error), ['common', 'redis']);
    assert.equal(missingDependencies('Error: parse error at (op/templates/x.yaml:3)'), undefined);
  });
});

describe('copyWithoutDependencies', () => {
  it('copies the chart without the missing dependencies, their conditions off, and never touches the chart', () => {
    const root = mkdtempSync(join(tmpdir(), 'deps-test-'));
    try {
      const chart = join(root, 'op');
      mkdirSync(join(chart, 'templates'), { recursive: true });
      writeFileSync(join(chart, 'Chart.yaml'), CHART_YAML);
      writeFileSync(join(chart, 'Chart.lock'), 'dependencies: []\n');
      writeFileSync(join(chart, 'templates', 'a.yaml'), 'kind: ConfigMap\n');
      const copy = copyWithoutDependencies(chart, ['common', 'redis']);
      assert.equal(basename(copy.directory), 'op');
      assert.deepEqual(copy.conditionsOff, ['common.enabled=false', 'global.common.enabled=false']);
      const copied = readFileSync(join(copy.directory, 'Chart.yaml'), 'utf8');
      assert.match(copied, /name: local/);
      assert.doesNotMatch(copied, /common|redis/);
      assert.equal(existsSync(join(copy.directory, 'Chart.lock')), false);
      assert.equal(readFileSync(join(copy.directory, 'templates', 'a.yaml'), 'utf8'), 'kind: ConfigMap\n');
      assert.equal(readFileSync(join(chart, 'Chart.yaml'), 'utf8'), CHART_YAML, 'the chart is untouched');
      assert.ok(existsSync(join(chart, 'Chart.lock')));
      copy.remove();
      assert.equal(existsSync(copy.directory), false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('writes the copy a Chart.yaml of its own when the chart has a linked one, leaving the link target alone', () => {
    const root = mkdtempSync(join(tmpdir(), 'deps-test-'));
    try {
      const chart = join(root, 'op');
      mkdirSync(chart, { recursive: true });
      writeFileSync(join(root, 'elsewhere.yaml'), CHART_YAML);
      symlinkSync(join(root, 'elsewhere.yaml'), join(chart, 'Chart.yaml'));
      const copy = copyWithoutDependencies(chart, ['common', 'redis']);
      assert.doesNotMatch(readFileSync(join(copy.directory, 'Chart.yaml'), 'utf8'), /common|redis/);
      assert.equal(readFileSync(join(root, 'elsewhere.yaml'), 'utf8'), CHART_YAML, 'the link target is untouched');
      copy.remove();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
