import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { cachedTasks, createWorkspace, executedTasks, type TestWorkspace } from './workspace';

function crd(plural: string, group: string): string {
  const kind = plural[0].toUpperCase() + plural.slice(1, -1);
  return (
    `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: ${plural}.${group}\n` +
    `spec:\n  group: ${group}\n  names:\n    kind: ${kind}\n    listKind: ${kind}List\n    plural: ${plural}\n    singular: ${kind.toLowerCase()}\n` +
    `  scope: Namespaced\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n        type: object\n` +
    `        description: ${kind} is a test resource.\n`
  );
}

/**
 * Three charts over three kustomizations: A and B both include the shared kustomization, C reads only its
 * own files; ops/a/rbac is beside A's CRDs but read by nobody.
 */
const FILES: Record<string, string> = {
  'ops/shared/crd/kustomization.yaml': 'resources:\n- shared.example.io_widgets.yaml\n',
  'ops/shared/crd/shared.example.io_widgets.yaml': crd('widgets', 'shared.example.io'),
  'ops/a/crd/kustomization.yaml': 'resources:\n- a.example.io_alphas.yaml\n- ../../shared/crd\n',
  'ops/a/crd/a.example.io_alphas.yaml': crd('alphas', 'a.example.io'),
  'ops/a/rbac/role.yaml': 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: a\nrules: []\n',
  'ops/b/crd/kustomization.yaml': 'resources:\n- b.example.io_betas.yaml\n- ../../shared/crd\npatches:\n- path: label.yaml\n  target:\n    kind: CustomResourceDefinition\n',
  'ops/b/crd/b.example.io_betas.yaml': crd('betas', 'b.example.io'),
  'ops/b/crd/label.yaml': '- op: add\n  path: /metadata/labels\n  value:\n    team: b\n',
  'ops/c/crd/kustomization.yaml': 'resources:\n- c.example.io_gammas.yaml\n',
  'ops/c/crd/c.example.io_gammas.yaml': crd('gammas', 'c.example.io'),
  'charts/a/Chart.yaml': 'apiVersion: v2\nname: chart-a\nversion: 0.1.0\n',
  'charts/b/Chart.yaml': 'apiVersion: v2\nname: chart-b\nversion: 0.1.0\n',
  'charts/c/Chart.yaml': 'apiVersion: v2\nname: chart-c\nversion: 0.1.0\n',
};

const PLUGIN = {
  plugin: 'nx-helm-crds',
  options: {
    charts: {
      'charts/a': { kustomization: 'ops/a/crd' },
      'charts/b': { kustomization: 'ops/b/crd' },
      'charts/c': { kustomization: 'ops/c/crd' },
    },
  },
};

function git(workspace: TestWorkspace, ...args: string[]): string {
  return execFileSync('git', args, { cwd: workspace.root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Projects with a task in an `nx affected` run, executed or replayed from the cache. */
function projectsRun(output: string): string[] {
  return [...new Set([...executedTasks(output), ...cachedTasks(output)].map((task) => task.split(':')[0]))].sort();
}

function createOperatorsWorkspace(extraCharts: Record<string, { kustomization: string }> = {}): TestWorkspace {
  const workspace = createWorkspace();
  rmSync(workspace.path('examples'), { recursive: true, force: true });
  const nxJson = JSON.parse(workspace.read('nx.json'));
  const plugin = { ...PLUGIN, options: { charts: { ...PLUGIN.options.charts, ...extraCharts } } };
  workspace.write('nx.json', JSON.stringify({ ...nxJson, plugins: [plugin] }, null, 2));
  for (const [path, content] of Object.entries(FILES)) workspace.write(path, content);
  for (const chart of Object.keys(extraCharts)) workspace.write(`${chart}/Chart.yaml`, `apiVersion: v2\nname: ${chart.replace(/\//g, '-')}\nversion: 0.1.0\n`);
  workspace.write('.gitignore', 'node_modules\ndist\n.nx\n');
  return workspace;
}

describe('nx affected -t crds selects exactly the charts whose Kustomize inputs changed', () => {
  let workspace: TestWorkspace;
  before(() => {
    workspace = createOperatorsWorkspace();
    git(workspace, 'init', '-q', '-b', 'main');
    git(workspace, '-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', 'add', '-A');
    const first = workspace.nx(['run-many', '-t', 'crds']);
    assert.equal(first.status, 0, first.output);
    git(workspace, 'add', '-A');
    git(workspace, '-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', 'commit', '-q', '-m', 'charts in sync');
  });
  after(() => workspace.remove());

  function affectedAfterEditing(path: string): string[] {
    const original = workspace.read(path);
    workspace.write(path, original.replace(/\n$/, '\n# edited\n'));
    try {
      const result = workspace.nx(['affected', '-t', 'crds', '--base=HEAD']);
      assert.equal(result.status, 0, result.output);
      return projectsRun(result.output);
    } finally {
      workspace.write(path, original);
    }
  }

  it('a file only chart B reads: only B', () => {
    assert.deepEqual(affectedAfterEditing('ops/b/crd/label.yaml'), ['chart-b']);
  });

  it('a file of the shared kustomization: exactly A and B', () => {
    assert.deepEqual(affectedAfterEditing('ops/shared/crd/shared.example.io_widgets.yaml'), ['chart-a', 'chart-b']);
  });

  it('a file no kustomization reads: no task', () => {
    assert.deepEqual(affectedAfterEditing('ops/a/rbac/role.yaml'), []);
  });

  it('a file only chart C reads: only C, and the check configuration passes', () => {
    assert.deepEqual(affectedAfterEditing('ops/c/crd/c.example.io_gammas.yaml'), ['chart-c']);
    const check = workspace.nx(['affected', '-t', 'crds', '-c', 'check', '--base=HEAD~0']);
    assert.equal(check.status, 0, check.output);
  });
});

describe('charts that take their CRDs from the same kustomization share one kustomize build', () => {
  let workspace: TestWorkspace;
  before(() => {
    workspace = createOperatorsWorkspace({ 'charts/d': { kustomization: 'ops/c/crd' } });
  });
  after(() => workspace.remove());

  it('builds the kustomization once, in the first chart by path, and feeds both charts from it', () => {
    const result = workspace.nx(['run-many', '-t', 'crds']);
    assert.equal(result.status, 0, result.output);
    const builds = executedTasks(result.output).filter((task) => task.endsWith(':kustomize-build')).sort();
    assert.deepEqual(builds, ['chart-a:kustomize-build', 'chart-b:kustomize-build', 'chart-c:kustomize-build']);
    assert.ok(executedTasks(result.output).includes('charts-d:helm-crds'), result.output);
    const withoutHeader = (path: string) => workspace.read(path).replace(/^(?:#.*\n)+/, '');
    assert.equal(withoutHeader('charts/d/crds/c.example.io_gammas.yaml'), withoutHeader('charts/c/crds/c.example.io_gammas.yaml'));
    assert.match(workspace.read('charts/d/crds/c.example.io_gammas.yaml'), /^# Code generated by nx-helm-crds from the kustomization ops\/c\/crd/);
    const project = JSON.parse(workspace.nx(['show', 'project', 'charts-d', '--json']).output.replace(/^[^{]*/, ''));
    assert.equal(project.targets['kustomize-build'], undefined);
    assert.equal(project.targets['helm-crds'].options.buildTarget, 'chart-c:kustomize-build');
    assert.deepEqual(project.targets['helm-crds'].dependsOn, [{ projects: ['chart-c'], target: 'kustomize-build' }]);
  });

  it('a file of the shared kustomization re-runs both charts, with one build', () => {
    workspace.write('ops/c/crd/c.example.io_gammas.yaml', crd('gammas', 'c.example.io').replace('is a test resource', 'is an edited resource'));
    const result = workspace.nx(['run-many', '-t', 'crds']);
    assert.equal(result.status, 0, result.output);
    assert.deepEqual(executedTasks(result.output).filter((task) => /^(chart-c|charts-d):/.test(task)).sort(), [
      'chart-c:helm-crds',
      'chart-c:kustomize-build',
      'chart-c:verify',
      'charts-d:helm-crds',
      'charts-d:verify',
    ]);
    assert.match(workspace.read('charts/d/crds/c.example.io_gammas.yaml'), /is an edited resource/);
  });
});

describe('nx run-many -t crds --batch: one process per executor', () => {
  let batched: TestWorkspace;
  let unbatched: TestWorkspace;
  before(() => {
    batched = createOperatorsWorkspace();
    unbatched = createOperatorsWorkspace();
  });
  after(() => {
    batched.remove();
    unbatched.remove();
  });

  it('runs each step of every chart in one batch and writes the same charts as task-by-task runs', () => {
    const result = batched.nx(['run-many', '-t', 'crds', '--batch']);
    assert.equal(result.status, 0, result.output);
    for (const executor of ['kustomize-build', 'helm-crds', 'verify']) {
      assert.match(result.output, new RegExp(`Running 3 tasks with nx-helm-crds:${executor}`), executor);
    }
    assert.equal(unbatched.nx(['run-many', '-t', 'crds']).status, 0);
    for (const chart of ['a', 'b', 'c']) {
      const files = readdirSync(unbatched.path(`charts/${chart}/crds`)).sort();
      assert.deepEqual(readdirSync(batched.path(`charts/${chart}/crds`)).sort(), files);
      for (const file of files) assert.equal(batched.read(`charts/${chart}/crds/${file}`), unbatched.read(`charts/${chart}/crds/${file}`));
    }
  });

  it('caches each task of a batch on its own: an edit re-runs only the chart that reads it', () => {
    assert.equal(batched.nx(['run-many', '-t', 'crds', '--batch']).status, 0, 'settles after the write');
    batched.write('ops/c/crd/c.example.io_gammas.yaml', crd('gammas', 'c.example.io').replace('is a test resource', 'is an edited resource'));
    const result = batched.nx(['run-many', '-t', 'crds', '--batch']);
    assert.equal(result.status, 0, result.output);
    assert.deepEqual(executedTasks(result.output).sort(), ['chart-c:helm-crds', 'chart-c:kustomize-build', 'chart-c:verify']);
    assert.match(batched.read('charts/c/crds/c.example.io_gammas.yaml'), /is an edited resource/);
  });
});

describe('exact kustomize-build inputs', () => {
  let workspace: TestWorkspace;
  before(() => {
    workspace = createOperatorsWorkspace();
    assert.equal(workspace.nx(['run', 'chart-a:crds']).status, 0);
    // The run after the one that wrote the chart checks the written files once (see pipeline.test.ts).
    assert.equal(workspace.nx(['run', 'chart-a:crds']).status, 0);
  });
  after(() => workspace.remove());

  it('an unreferenced file beside the kustomization is a cache hit', () => {
    workspace.write('ops/a/rbac/role.yaml', `${workspace.read('ops/a/rbac/role.yaml')}# edited\n`);
    const result = workspace.nx(['run', 'chart-a:crds']);
    assert.equal(result.status, 0, result.output);
    assert.deepEqual(executedTasks(result.output), []);
  });

  it('a referenced file of an included kustomization re-runs the build', () => {
    workspace.write('ops/shared/crd/shared.example.io_widgets.yaml', crd('widgets', 'shared.example.io').replace('is a test resource', 'is an edited resource'));
    const result = workspace.nx(['run', 'chart-a:crds']);
    assert.equal(result.status, 0, result.output);
    assert.deepEqual(executedTasks(result.output), ['chart-a:kustomize-build', 'chart-a:helm-crds', 'chart-a:verify']);
    assert.match(workspace.read('charts/a/crds/shared.example.io_widgets.yaml'), /is an edited resource/);
  });

  it('nx show project lists the inferred targets with their descriptions and exact inputs', () => {
    const result = workspace.nx(['show', 'project', 'chart-b', '--json']);
    assert.equal(result.status, 0, result.output);
    const project = JSON.parse(result.output.slice(result.output.indexOf('{')));
    assert.deepEqual(Object.keys(project.targets).sort(), ['crds', 'crds-watch', 'helm-crds', 'kustomize-build', 'verify']);
    assert.deepEqual(project.targets['kustomize-build'].inputs.filter((input: unknown) => typeof input === 'string'), [
      '{workspaceRoot}/ops/b/crd/b.example.io_betas.yaml',
      '{workspaceRoot}/ops/b/crd/kustomization.yaml',
      '{workspaceRoot}/ops/b/crd/label.yaml',
      '{workspaceRoot}/ops/shared/crd/kustomization.yaml',
      '{workspaceRoot}/ops/shared/crd/shared.example.io_widgets.yaml',
    ]);
    for (const target of Object.values(project.targets) as { metadata?: { description?: string } }[]) {
      assert.ok(target.metadata?.description, 'every inferred target has a description');
    }
    const text = workspace.nx(['show', 'project', 'chart-b', '--web=false']);
    assert.match(text.output, /- kustomize-build:\s+nx-helm-crds:kustomize-build/);
    assert.match(text.output, /- helm-crds:\s+nx-helm-crds:helm-crds\s+check/);
  });
});
