import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chartTargets } from './chart-targets';
import { executorOptionNames, readExecutorSchemas } from './executor-schemas';
import { DEFAULT_TARGET_NAMES, chartOptionExecutors, type ChartCrdsConfig } from './plugin-options';
import { withKeyVersions } from './target-key-versions';

const targetsOf = (config: ChartCrdsConfig) => chartTargets({
  chart: 'charts/kserve',
  projectName: 'kserve',
  config,
  kustomizationFiles: ['config/crd/kustomization.yaml'],
  remoteReferences: [],
  names: DEFAULT_TARGET_NAMES,
  optionExecutors: chartOptionExecutors(executorOptionNames(readExecutorSchemas())),
  remoteResources: 'fail',
  baselineCharts: ['charts/kserve'],
  helmBinary: 'tools/helm',
});
const targets = targetsOf({ kustomization: 'config/crd' });

describe('withKeyVersions', () => {
  const versions = { plugin: '0.1.0 0123abcd', kustomize: 'v5.6.0', helm: 'v4.1.4' };
  const keyed = withKeyVersions(targets, versions, false);

  it('puts into each target the versions its result depends on: a helm upgrade leaves kustomize-build and helm-crds cached', () => {
    assert.deepEqual(keyed['kustomize-build'].options.toolVersions, { plugin: '0.1.0 0123abcd', kustomize: 'v5.6.0' });
    assert.deepEqual(keyed['helm-crds'].options.toolVersions, { plugin: '0.1.0 0123abcd', kustomize: 'v5.6.0' });
    assert.deepEqual(keyed.verify.options.toolVersions, versions);
  });

  it('adds helm to every step when Kustomize inflates Helm charts, and leaves it out of a verify that never renders', () => {
    const inflating = withKeyVersions(targetsOf({ kustomization: 'config/crd', enableHelm: true }), versions, true);
    for (const name of ['kustomize-build', 'helm-crds', 'verify']) assert.deepEqual(inflating[name].options.toolVersions, versions, name);
    const unrendered = withKeyVersions(targetsOf({ kustomization: 'config/crd', verify: { helm: 'never' } }), versions, false);
    assert.deepEqual(unrendered.verify.options.toolVersions, { plugin: '0.1.0 0123abcd', kustomize: 'v5.6.0' });
  });

  it('keeps every other option, and leaves the targets that run no tool (crds, crds-watch) alone', () => {
    assert.equal(keyed.verify.options.helmBinary, 'tools/helm');
    assert.equal(keyed['helm-crds'].options.chart, 'charts/kserve');
    assert.deepEqual(keyed.crds, targets.crds);
    assert.deepEqual(keyed['crds-watch'], targets['crds-watch']);
    assert.equal(targets.verify.options.toolVersions, undefined, 'the targets it was given are not changed');
  });

  it('each version is an option Nx validates against the executor schema', () => {
    for (const [executor, target] of [['kustomize-build', keyed['kustomize-build']], ['helm-crds', keyed['helm-crds']], ['verify', keyed.verify]] as const) {
      const schema = readExecutorSchemas()[executor] as { properties: Record<string, { properties?: Record<string, unknown> }> };
      assert.deepEqual(Object.keys(target.options.toolVersions).filter((key) => !(key in (schema.properties.toolVersions.properties ?? {}))), [], executor);
    }
  });
});
