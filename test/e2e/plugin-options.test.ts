/**
 * Plugin options and the safety options around them, end to end with real nx: invalid nx.json options stop
 * every Nx command with a message naming the nx.json path (and the closest known key or chart directory),
 * clashing target names are refused, report and build outputs never land in a chart, and the data-loss guard
 * never skips silently.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { CHART, CHART_CRDS, EXAMPLE, createWorkspace, type TestWorkspace } from './workspace';

const KUSTOMIZATION = `${EXAMPLE}/config/crd`;
const TRAINED_MODELS = `${CHART_CRDS}/serving.example.io_trainedmodels.yaml`;

/** Replaces the workspace's plugin entry with one holding `options`. */
function usePluginOptions(workspace: TestWorkspace, options: Record<string, unknown>): void {
  const nxJson = JSON.parse(workspace.read('nx.json'));
  nxJson.plugins = [{ plugin: 'nx-helm-crds', options }];
  workspace.write('nx.json', JSON.stringify(nxJson, null, 2));
}

function git(workspace: TestWorkspace, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', ...args], { cwd: workspace.root, stdio: 'ignore' });
}

describe('invalid plugin options stop Nx with the nx.json path of each problem', () => {
  let workspace: TestWorkspace;
  before(() => {
    // The errors cross from Nx's plugin worker to the command's output, as users see them.
    workspace = createWorkspace({ keepGeneratedCrds: true, isolatedPlugins: true });
  });
  after(() => workspace.remove());

  it('a misspelt key, at the top or in a chart, names its path and the closest known key', () => {
    usePluginOptions(workspace, { kustomise: 'kustomize', charts: { [CHART]: { kustomization: KUSTOMIZATION, placment: 'templates' } } });
    const result = workspace.nx(['show', 'projects']);
    assert.notEqual(result.status, 0, result.output);
    assert.match(result.output, /Invalid nx-helm-crds plugin options in nx\.json/);
    assert.match(result.output, /nx\.json › plugins\[0\]\.options\.kustomise: unknown key; did you mean "kustomize"\?/);
    assert.match(result.output, /nx\.json › plugins\[0\]\.options\.charts\["examples\/operator\/chart"\]\.placment: unknown key; did you mean "placement"\?/);
  });

  it('a wrong type is named instead of crashing (kustomization: 42, a chart entry as a string)', () => {
    usePluginOptions(workspace, { charts: { [CHART]: { kustomization: 42 }, [`${EXAMPLE}/other`]: KUSTOMIZATION } });
    const result = workspace.nx(['run', 'chart:crds']);
    assert.notEqual(result.status, 0, result.output);
    assert.doesNotMatch(result.output, /is not a function/);
    assert.match(result.output, /plugins\[0\]\.options\.charts\["examples\/operator\/chart"\]\.kustomization: expected string, got 42/);
    assert.match(result.output, /plugins\[0\]\.options\.charts\["examples\/operator\/other"\]: expected object, got "examples\/operator\/config\/crd"/);
  });

  it('a mistyped chart directory names the entry, what is missing, and the closest chart directory', () => {
    usePluginOptions(workspace, { charts: { [`${EXAMPLE}/chrt`]: { kustomization: KUSTOMIZATION } } });
    const result = workspace.nx(['show', 'projects']);
    assert.notEqual(result.status, 0, result.output);
    assert.match(
      result.output,
      /plugins\[0\]\.options\.charts\["examples\/operator\/chrt"\]: the chart directory examples\/operator\/chrt does not exist, so no project is created for it\. Did you mean "examples\/operator\/chart"\?/,
    );
  });

  it('a chart directory without Chart.yaml is an error, not a missing project', () => {
    usePluginOptions(workspace, { charts: { [`${CHART}/templates`]: { kustomization: KUSTOMIZATION } } });
    const result = workspace.nx(['show', 'projects']);
    assert.notEqual(result.status, 0, result.output);
    assert.match(result.output, /charts\["examples\/operator\/chart\/templates"\]: examples\/operator\/chart\/templates has no Chart\.yaml, so it is not a Helm chart/);
  });

  it('clashing target names are refused: no target silently replaces another', () => {
    usePluginOptions(workspace, { charts: { [CHART]: { kustomization: KUSTOMIZATION } }, targetNames: { helmCrds: 'crds', verify: 'crds' } });
    const result = workspace.nx(['run', 'chart:crds', '-c', 'check']);
    assert.notEqual(result.status, 0, result.output);
    assert.match(result.output, /plugins\[0\]\.options\.targetNames\.helmCrds: "crds" is also the name of the verify target \(targetNames\.verify\)/);
    assert.match(result.output, /plugins\[0\]\.options\.targetNames\.verify: "crds" is also the name of the helmCrds target/);
  });

  it('valid options (renamed targets included) still infer the project', () => {
    usePluginOptions(workspace, { charts: { [CHART]: { kustomization: KUSTOMIZATION } }, targetNames: { crds: 'sync-crds' } });
    // The chart is a project without the plugin too (its project.json): what the plugin adds are the targets.
    const result = workspace.nx(['show', 'project', 'chart', '--json']);
    assert.equal(result.status, 0, result.output);
    const { targets } = JSON.parse(result.output.slice(result.output.indexOf('{')));
    assert.deepEqual(targets['sync-crds']?.dependsOn, ['verify'], result.output);
    assert.equal(targets['crds-watch']?.options?.target, 'sync-crds');
    assert.equal(targets.crds, undefined, 'the renamed target replaces crds');
  });
});

describe('reports and build output never land in a chart', () => {
  let workspace: TestWorkspace;
  before(() => {
    workspace = createWorkspace({ keepGeneratedCrds: true });
  });
  after(() => workspace.remove());

  const cases = [
    { option: 'verify report', target: 'verify', args: [], verify: { report: TRAINED_MODELS }, message: /report "examples\/operator\/chart\/crds\/serving\.example\.io_trainedmodels\.yaml" is inside the Helm chart examples\/operator\/chart/ },
    { option: 'checkReport', target: 'helm-crds', args: ['-c', 'check', `--checkReport=${TRAINED_MODELS}`], message: /checkReport "examples\/operator\/chart\/crds\/serving\.example\.io_trainedmodels\.yaml" is inside the Helm chart examples\/operator\/chart/ },
    { option: 'outputFile', target: 'kustomize-build', args: [`--outputFile=${CHART}/crds/all.yaml`], message: /outputFile "examples\/operator\/chart\/crds\/all\.yaml" is inside the Helm chart examples\/operator\/chart/ },
  ];
  for (const { option, target, args, verify, message } of cases) {
    it(`${option} pointing at a chart CRD file is refused, and the file is untouched`, () => {
      usePluginOptions(workspace, { charts: { [CHART]: { kustomization: KUSTOMIZATION, ...(verify ? { verify } : {}) } } });
      const before = workspace.read(TRAINED_MODELS);
      const result = workspace.nx(['run', `chart:${target}`, ...args, '--skip-nx-cache']);
      assert.notEqual(result.status, 0, result.output);
      assert.match(result.output, message);
      assert.match(result.output, /nx-helm-crds never writes reports or build output into a chart/);
      assert.equal(workspace.read(TRAINED_MODELS), before);
      assert.ok(!existsSync(workspace.path(`${CHART}/crds/all.yaml`)));
    });
  }
});

describe('the data-loss guard never skips silently', () => {
  let workspace: TestWorkspace;
  const TEMPLATED = `${CHART}/templates/serving.example.io_trainedmodels.yaml`;
  const templates = (extra: Record<string, unknown> = {}) =>
    usePluginOptions(workspace, { charts: { [CHART]: { kustomization: KUSTOMIZATION, placement: 'templates', ...extra } } });
  before(() => {
    workspace = createWorkspace();
    workspace.write('.gitignore', 'node_modules\ndist\n.nx\n');
  });
  after(() => workspace.remove());

  it('outside a git repository it runs without the guard and says so', () => {
    templates();
    const result = workspace.nx(['run', 'chart:helm-crds']);
    assert.equal(result.status, 0, result.output);
    assert.match(result.output, /warning: data-loss guard skipped: the workspace is not in a git repository, so there is no chart committed at HEAD to compare with/);
    assert.ok(existsSync(workspace.path(TEMPLATED)));
  });

  it('a previousRevision that does not exist fails naming it and the skip option, and the templated CRD stays', () => {
    git(workspace, 'init', '-q');
    git(workspace, 'add', '-A');
    git(workspace, 'commit', '-q', '-m', 'chart renders its CRDs from templates/');
    templates({ exclude: ['trainedmodels.*'], previousRevision: 'origin/main' });
    const result = workspace.nx(['run', 'chart:helm-crds']);
    assert.notEqual(result.status, 0, result.output);
    assert.match(result.output, /previousRevision "origin\/main" does not exist in this git repository/);
    assert.match(result.output, /skipDataLossGuard: true/);
    assert.ok(existsSync(workspace.path(TEMPLATED)), 'the templated CRD Helm would delete is still in the chart');
  });

  it('skipping the guard is explicit, and said', () => {
    templates({ exclude: ['trainedmodels.*'], previousRevision: 'origin/main', skipDataLossGuard: true });
    const result = workspace.nx(['run', 'chart:helm-crds']);
    assert.equal(result.status, 0, result.output);
    assert.match(result.output, /warning: data-loss guard skipped: skipDataLossGuard is set/);
    assert.ok(!existsSync(workspace.path(TEMPLATED)));
  });
});
