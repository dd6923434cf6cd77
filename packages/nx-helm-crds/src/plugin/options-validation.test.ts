import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatSchemaPath } from '../core/shared/json-schema';
import { UserError } from '../core/shared/errors';
import { executorOptionNames, readExecutorSchemas } from './executor-schemas';
import { pluginEntryIndex, pluginOptionsProblems, pluginOptionsSchema, validatePluginOptions, type WorkspaceView } from './options-validation';
import { chartOptionExecutors, chartOptionsFor } from './plugin-options';

const schemas = readExecutorSchemas();
const optionExecutors = chartOptionExecutors(executorOptionNames(schemas));

/** A workspace with two charts (and a folder without Chart.yaml). */
const workspace: WorkspaceView = {
  kind: (path) =>
    ['charts/operator', 'charts/operator-full', 'charts/empty', 'config/crd'].includes(path)
      ? 'directory'
      : ['charts/operator/Chart.yaml', 'charts/operator-full/Chart.yaml', 'charts/ignored/Chart.yaml', 'README.md'].includes(path)
        ? 'file'
        : path === 'charts/ignored'
          ? 'directory'
          : 'missing',
  chartDirectories: ['charts/operator', 'charts/operator-full'],
};

const problems = (options: unknown) => pluginOptionsProblems(options, schemas, workspace).map((problem) => `${formatSchemaPath('options', problem.path)}: ${problem.message}`);

describe('plugin options schema', () => {
  it('every chart option is declared by the schema.json of the executor it belongs to', () => {
    for (const [key, executor] of Object.entries(optionExecutors)) {
      if (key === 'verify') continue;
      assert.ok(schemas[executor].properties?.[key], `chart option ${key} has no property in src/executors/${executor}/schema.json`);
    }
  });

  it('takes each chart option type from that schema, so they are declared once', () => {
    const chart = pluginOptionsSchema(schemas).properties!.charts.additionalProperties as { properties: Record<string, unknown>; required: string[] };
    assert.deepEqual(chart.properties.placement, schemas['helm-crds'].properties!.placement);
    assert.deepEqual(chart.properties.loadRestrictor, schemas['kustomize-build'].properties!.loadRestrictor);
    assert.deepEqual(chart.required, ['kustomization']);
    assert.deepEqual(Object.keys((chart.properties.verify as { properties: object }).properties).sort(), ['compatibility', 'format', 'helm', 'ignore', 'namespace', 'referenceOverlay', 'releaseName', 'report', 'requireDependencies', 'set', 'values']);
  });

  it('makes every kustomize-build and helm-crds option a chart option, except those the plugin sets', () => {
    assert.equal(optionExecutors.timeout, 'kustomize-build');
    assert.equal(optionExecutors.previousRevision, 'helm-crds');
    for (const pluginSet of ['outputFile', 'kustomize', 'allowRemoteResources', 'allowUnreadableInputs', 'chart', 'check', 'checkReport', 'pipelineTarget', 'buildTarget']) {
      assert.equal(optionExecutors[pluginSet], undefined, pluginSet);
    }
    assert.deepEqual(problems({ charts: { 'charts/operator': { kustomization: 'config/crd', timeout: 60000, previousRevision: 'origin/main' } } }), []);
  });

  it('refuses an option name two executors declare, which a chart entry could not tell apart', () => {
    const names = executorOptionNames(schemas);
    assert.throws(() => chartOptionExecutors({ ...names, 'helm-crds': [...names['helm-crds'], 'timeout'] }), /option timeout is declared by both the kustomize-build and the helm-crds executor's schema\.json/);
  });

  it('fails loudly when a plugin-wide option loses its schema property', () => {
    const { helmBinary: _helmBinary, ...rest } = schemas.verify.properties!;
    assert.throws(() => pluginOptionsSchema({ ...schemas, verify: { ...schemas.verify, properties: rest } }), /plugin option helmBinary has no property in the verify executor's schema\.json/);
  });

  it('passes each chart option to its own executor only', () => {
    const config = { kustomization: 'config/crd', placement: 'templates', keep: true, enableHelm: true, previousRevision: 'origin/main', verify: { format: 'json' } } as const;
    assert.deepEqual(chartOptionsFor(config, 'kustomize-build', optionExecutors), { kustomization: 'config/crd', enableHelm: true });
    assert.deepEqual(chartOptionsFor(config, 'helm-crds', optionExecutors), { placement: 'templates', keep: true, previousRevision: 'origin/main' });
  });
});

describe('pluginOptionsProblems', () => {
  it('accepts valid options, and none at all', () => {
    assert.deepEqual(problems(undefined), []);
    assert.deepEqual(
      problems({
        charts: { 'charts/operator': { kustomization: 'config/crd' }, './charts/operator-full/': { kustomization: 'config/crd', placement: 'templates', verify: { format: 'github' } } },
        targetNames: { crds: 'sync-crds' },
        kustomize: 'kustomize',
        helmBinary: 'helm',
        remoteResources: 'uncached',
      }),
      [],
    );
  });

  it('names wrong types, unknown keys (with the closest known key) and bad values by their path', () => {
    assert.deepEqual(problems({ charts: { 'charts/operator': { kustomization: 42, placment: 'crds', verify: { format: 'yaml' } } }, kustomise: 'x', remoteResources: 'maybe' }), [
      'options.charts["charts/operator"].kustomization: expected string, got 42',
      'options.charts["charts/operator"].placment: unknown key; did you mean "placement"?',
      'options.charts["charts/operator"].verify.format: "yaml" is not one of "text", "json", "github"',
      'options.kustomise: unknown key; did you mean "kustomize"?',
      'options.remoteResources: "maybe" is not one of "fail", "uncached"',
    ]);
  });

  it('names the executor option a renamed plugin option became', () => {
    assert.deepEqual(problems({ helm: 'tools/helm' }), ['options.helm: unknown key; did you mean "helmBinary"?']);
    assert.deepEqual(problems({ helmBinary: 'tools/helm', kustomize: 'tools/kubectl' }), []);
  });

  it('refuses charts as an array, and a chart entry that is a string or empty', () => {
    assert.deepEqual(problems({ charts: ['charts/operator'] }), ['options.charts: expected object, got an array']);
    assert.deepEqual(problems({ charts: { 'charts/operator': 'config/crd', 'charts/operator-full': {} } }), [
      'options.charts["charts/operator"]: expected object, got "config/crd"',
      'options.charts["charts/operator-full"].kustomization: required',
    ]);
  });

  it('refuses options the plugin sets itself inside a chart', () => {
    assert.deepEqual(problems({ charts: { 'charts/operator': { kustomization: 'k', chart: 'x', kustomize: 'k', verify: { helmBinary: 'h' } } } }), [
      'options.charts["charts/operator"].chart: unknown key',
      'options.charts["charts/operator"].kustomize: unknown key',
      'options.charts["charts/operator"].verify.helmBinary: unknown key',
    ]);
  });

  it('names a chart directory that is missing, a file, has no Chart.yaml or is invisible to Nx, with the closest chart', () => {
    const entry = { kustomization: 'config/crd' };
    assert.deepEqual(problems({ charts: { 'charts/operater': entry, 'README.md': entry, 'charts/empty': entry, 'charts/ignored': entry } }), [
      'options.charts["charts/operater"]: the chart directory charts/operater does not exist, so no project is created for it. Did you mean "charts/operator"? (the closest directory with a Chart.yaml)',
      'options.charts["README.md"]: README.md is a file, not a chart directory. Did you mean "charts/operator"? (the closest directory with a Chart.yaml)',
      'options.charts["charts/empty"]: charts/empty has no Chart.yaml, so it is not a Helm chart and no project is created for it. Did you mean "charts/operator"? (the closest directory with a Chart.yaml)',
      'options.charts["charts/ignored"]: Nx does not see charts/ignored/Chart.yaml (ignored by .gitignore or .nxignore, or left out by this plugin entry\'s include/exclude), so no project is created for it.',
    ]);
  });

  it('refuses a key naming Chart.yaml, the same chart twice, and paths outside the workspace', () => {
    const entry = { kustomization: 'config/crd' };
    assert.deepEqual(problems({ charts: { 'charts/operator/Chart.yaml': entry, 'charts/operator': entry, './charts/operator/': entry, '../elsewhere': entry, '/abs/chart': entry } }), [
      'options.charts["charts/operator/Chart.yaml"]: names the chart\'s Chart.yaml file; the key is the chart directory: "charts/operator".',
      'options.charts["./charts/operator/"]: is the same chart directory as charts["charts/operator"]; give each chart one entry.',
      'options.charts["../elsewhere"]: a chart directory must be relative to the workspace root and inside it, e.g. "charts/my-operator".',
      'options.charts["/abs/chart"]: a chart directory must be relative to the workspace root and inside it, e.g. "charts/my-operator".',
    ]);
  });

  it('refuses target names that clash (with each other or a default), are empty or contain ":"', () => {
    assert.deepEqual(problems({ targetNames: { helmCrds: 'crds' } }), [
      'options.targetNames.helmCrds: "crds" is also the name of the crds target (its default); two targets cannot share a name (one would replace the other), so give each its own.',
    ]);
    assert.deepEqual(problems({ targetNames: { helmCrds: 'x', verify: 'x', watch: ' ', crds: 'a:b', kustomizeBuild: 3 } }), [
      'options.targetNames.kustomizeBuild: expected string, got 3',
      'options.targetNames.helmCrds: "x" is also the name of the verify target (targetNames.verify); two targets cannot share a name (one would replace the other), so give each its own.',
      'options.targetNames.verify: "x" is also the name of the helmCrds target (targetNames.helmCrds); two targets cannot share a name (one would replace the other), so give each its own.',
      'options.targetNames.crds: "a:b": \':\' separates project, target and configuration in Nx; choose a name without it.',
      'options.targetNames.watch: a target name cannot be empty.',
    ]);
    assert.deepEqual(problems({ targetNames: { crds: 'verify', verify: 'check' } }), []);
  });
});

describe('validatePluginOptions', () => {
  it('throws one UserError listing every problem by its nx.json path', () => {
    const plugins = ['@nx/js', { plugin: 'nx-helm-crds', options: { charts: {} } }, { plugin: 'nx-helm-crds', options: { kustomise: 'k' } }];
    const options = { kustomise: 'k' };
    assert.equal(pluginEntryIndex(plugins, options), 2);
    assert.equal(pluginEntryIndex(['./tools/local-plugin.js', { plugin: './dist/index.js', options }], options), 1);
    assert.equal(pluginEntryIndex(undefined, options), undefined);
    assert.throws(
      () => validatePluginOptions(options, schemas, workspace, 2),
      (error: unknown) =>
        error instanceof UserError &&
        error.message.includes('Invalid nx-helm-crds plugin options in nx.json') &&
        error.message.includes('\n  - nx.json › plugins[2].options.kustomise: unknown key; did you mean "kustomize"?'),
    );
    assert.doesNotThrow(() => validatePluginOptions({ charts: {} }, schemas, workspace, 1));
  });
});
