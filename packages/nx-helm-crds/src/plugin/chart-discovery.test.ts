import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UserError } from '../core/shared/errors';
import { chartProjectName, discoverCharts, kustomizeBuildOptions, type ChartWorkspace } from './chart-discovery';
import { executorOptionNames, readExecutorSchemas } from './executor-schemas';
import { chartOptionExecutors, type NxHelmCrdsPluginOptions } from './plugin-options';

const optionExecutors = chartOptionExecutors(executorOptionNames(readExecutorSchemas()));

/** A workspace of Chart.yaml names and project.json files, as discovery reads them. */
function workspace(chartNames: Record<string, unknown>, projectJsons: Record<string, { name?: unknown; targets?: Record<string, unknown> }> = {}): ChartWorkspace {
  return { chartName: (chartFile) => chartNames[chartFile], projectJson: (chart) => projectJsons[chart] };
}

describe('discoverCharts', () => {
  it('makes a project of each chart the options name, sorted by path, and of no other', () => {
    const options: NxHelmCrdsPluginOptions = { charts: { 'charts/b': { kustomization: 'config/b' }, './charts/a/': { kustomization: 'config/a' } } };
    const charts = discoverCharts(['charts/b/Chart.yaml', 'charts/unlisted/Chart.yaml', 'charts/a/Chart.yaml'], options, optionExecutors, workspace({ 'charts/a/Chart.yaml': 'alpha', 'charts/b/Chart.yaml': 'beta' }));
    assert.deepEqual(
      charts.map(({ chartFile, chart, projectName, config }) => ({ chartFile, chart, projectName, kustomization: config.kustomization })),
      [
        { chartFile: 'charts/a/Chart.yaml', chart: 'charts/a', projectName: 'alpha', kustomization: 'config/a' },
        { chartFile: 'charts/b/Chart.yaml', chart: 'charts/b', projectName: 'beta', kustomization: 'config/b' },
      ],
    );
  });

  it("names the project after project.json's name, else Chart.yaml's, else the chart directory", () => {
    const options: NxHelmCrdsPluginOptions = { charts: { 'charts/a': { kustomization: 'k' }, 'charts/b': { kustomization: 'k2' }, 'deploy/c': { kustomization: 'k3' } } };
    const charts = discoverCharts(['charts/a/Chart.yaml', 'charts/b/Chart.yaml', 'deploy/c/Chart.yaml'], options, optionExecutors, workspace({ 'charts/a/Chart.yaml': 'from-chart', 'charts/b/Chart.yaml': 'from-chart-b' }, { 'charts/a': { name: 'from-project-json' } }));
    assert.deepEqual(charts.map((chart) => chart.projectName), ['from-project-json', 'from-chart-b', 'deploy-c']);
  });

  it('builds a kustomization once for the charts that build it with equal options; the first chart by path builds it', () => {
    const options: NxHelmCrdsPluginOptions = {
      charts: { 'charts/a': { kustomization: 'config/crd' }, 'charts/b': { kustomization: './config/crd/', include: ['*.x.io'] }, 'charts/c': { kustomization: 'config/crd', enableHelm: true } },
    };
    const charts = discoverCharts(['charts/c/Chart.yaml', 'charts/b/Chart.yaml', 'charts/a/Chart.yaml'], options, optionExecutors, workspace({ 'charts/a/Chart.yaml': 'a', 'charts/b/Chart.yaml': 'b', 'charts/c/Chart.yaml': 'c' }));
    assert.deepEqual(charts.map((chart) => [chart.projectName, chart.sharedBuildProject]), [['a', undefined], ['b', 'a'], ['c', undefined]]);
  });

  it('leaves a chart whose project.json declares its own kustomize-build target out of sharing, both ways', () => {
    const options: NxHelmCrdsPluginOptions = { charts: { 'charts/a': { kustomization: 'config/crd' }, 'charts/b': { kustomization: 'config/crd' }, 'charts/c': { kustomization: 'config/crd' } } };
    const charts = discoverCharts(['charts/a/Chart.yaml', 'charts/b/Chart.yaml', 'charts/c/Chart.yaml'], options, optionExecutors, workspace({}, { 'charts/a': { name: 'a', targets: { 'kustomize-build': {} } }, 'charts/b': { name: 'b' }, 'charts/c': { name: 'c' } }));
    assert.deepEqual(charts.map((chart) => [chart.projectName, chart.sharedBuildProject]), [['a', undefined], ['b', undefined], ['c', 'b']]);
  });

  it('groups the charts by the baseline of their compatibility guard, leaving out those with the guard off', () => {
    const options: NxHelmCrdsPluginOptions = {
      charts: {
        'charts/d': { kustomization: 'k' },
        'charts/a-b': { kustomization: 'k' },
        'charts/a': { kustomization: 'k', previousRevision: 'HEAD' },
        'charts/b': { kustomization: 'k', previousRevision: 'origin/main' },
        'charts/c': { kustomization: 'k', verify: { compatibility: { enabled: false } } },
      },
    };
    // Sorted by chart path, not by Chart.yaml path (which puts charts/a-b/ before charts/a/).
    const charts = discoverCharts(['charts/d/Chart.yaml', 'charts/c/Chart.yaml', 'charts/b/Chart.yaml', 'charts/a-b/Chart.yaml', 'charts/a/Chart.yaml'], options, optionExecutors, workspace({}));
    const head = ['charts/a', 'charts/a-b', 'charts/d'];
    assert.deepEqual(Object.fromEntries(charts.map((chart) => [chart.chart, chart.baselineCharts])), {
      'charts/a': head,
      'charts/a-b': head,
      'charts/b': ['charts/b'],
      'charts/c': head,
      'charts/d': head,
    });
  });
});

describe('chartProjectName', () => {
  it('refuses a Chart.yaml name that cannot be one folder name, naming the file', () => {
    assert.throws(() => chartProjectName('charts/evil/Chart.yaml', '../x'), (error: unknown) => error instanceof UserError && /^charts\/evil\/Chart\.yaml: the chart name "\.\.\/x"/.test(error.message));
    assert.equal(chartProjectName('charts/ok/Chart.yaml', 'my-operator_1.2'), 'my-operator_1.2');
    assert.equal(chartProjectName('charts/ok/Chart.yaml', 42), 'charts-ok');
  });
});

describe('kustomizeBuildOptions', () => {
  it('takes the kustomize-build options of the chart (timeout included), the plugin-wide kustomize, and nothing of other executors', () => {
    assert.deepEqual(kustomizeBuildOptions({ kustomization: 'config/crd', timeout: 60000, placement: 'templates', args: ['--reorder', 'none'] }, 'tools/kubectl', false, optionExecutors), {
      kustomization: 'config/crd',
      args: ['--reorder', 'none'],
      timeout: 60000,
      kustomize: 'tools/kubectl',
    });
    assert.equal(kustomizeBuildOptions({ kustomization: 'k' }, undefined, true, optionExecutors).allowRemoteResources, true);
  });
});
