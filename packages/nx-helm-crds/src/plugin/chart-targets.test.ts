import { isDeepStrictEqual } from 'node:util';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chartTargets, generatedFileGlob, type ChartTargetsRequest } from './chart-targets';
import { executorOptionNames, readExecutorSchemas } from './executor-schemas';
import { DEFAULT_TARGET_NAMES, chartOptionExecutors } from './plugin-options';

const request: ChartTargetsRequest = {
  chart: 'charts/kserve',
  projectName: 'kserve',
  config: { kustomization: 'config/crd' },
  kustomizationFiles: ['config/crd/bases/a.yaml', 'config/crd/kustomization.yaml'],
  remoteReferences: [],
  names: DEFAULT_TARGET_NAMES,
  optionExecutors: chartOptionExecutors(executorOptionNames(readExecutorSchemas())),
  remoteResources: 'fail',
  baselineCharts: ['charts/kserve'],
};

describe('chartTargets', () => {
  it('orders kustomize-build → helm-crds → verify → crds, all cached', () => {
    const targets = chartTargets(request);
    assert.deepEqual(Object.keys(targets), ['kustomize-build', 'helm-crds', 'verify', 'crds', 'crds-watch']);
    assert.deepEqual(targets['helm-crds'].dependsOn, ['kustomize-build']);
    assert.deepEqual(targets.verify.dependsOn, ['helm-crds']);
    assert.deepEqual(targets.crds.dependsOn, ['verify']);
    for (const name of ['kustomize-build', 'helm-crds', 'verify', 'crds']) assert.equal(targets[name].cache, true, name);
    assert.equal(targets['crds-watch'].continuous, true);
  });

  it("reads another chart's kustomize-build when it builds the same kustomization, and has none of its own", () => {
    const targets = chartTargets({ ...request, sharedBuildProject: 'first' });
    assert.deepEqual(Object.keys(targets), ['helm-crds', 'verify', 'crds', 'crds-watch']);
    assert.deepEqual(targets['helm-crds'].dependsOn, [{ projects: ['first'], target: 'kustomize-build' }]);
    assert.equal(targets['helm-crds'].options.buildTarget, 'first:kustomize-build');
    assert.equal(targets['crds-watch'].options.buildTarget, 'first:kustomize-build');
    assert.match(String(targets['helm-crds'].metadata?.description), /reads the output of first:kustomize-build/);
    assert.deepEqual(targets['helm-crds'].inputs, chartTargets(request)['helm-crds'].inputs, 'keyed on the same files');
  });

  it('makes the files the kustomization reads the cache key of kustomize-build, and runs no process for it', () => {
    assert.deepEqual(chartTargets(request)['kustomize-build'].inputs, ['{workspaceRoot}/config/crd/bases/a.yaml', '{workspaceRoot}/config/crd/kustomization.yaml']);
    const pinned = chartTargets({ ...request, kustomize: 'tools/bin/my kubectl', helmBinary: 'tools/helm' })['kustomize-build'];
    assert.equal(pinned.options.kustomize, 'tools/bin/my kubectl');
    const runtimeInputs = Object.values(chartTargets(request))
      .flatMap((target) => target.inputs ?? [])
      .filter((input) => typeof input === 'object' && 'runtime' in input);
    assert.deepEqual(runtimeInputs, [{ runtime: 'git ls-tree -z --end-of-options HEAD -- charts/kserve' }], 'only the compatibility baseline is read by a process');
  });

  it('restores only files named like the generated ones from the cache, in write mode only', () => {
    const helmCrds = chartTargets({ ...request, config: { kustomization: 'config/crd', placement: 'templates', directory: 'templates/crd' } })['helm-crds'];
    assert.deepEqual(helmCrds.outputs, [
      '{workspaceRoot}/dist/nx-helm-crds/kserve/helm-crds.json',
      '{options.checkReport ?? {workspaceRoot}/charts/kserve/templates/crd/*.*_*.yaml}',
    ]);
    const named = chartTargets({ ...request, config: { kustomization: 'config/crd', placement: 'templates', fileName: '{name}.yaml' } })['helm-crds'];
    assert.equal(named.outputs?.[1], '{options.checkReport ?? {workspaceRoot}/charts/kserve/templates/*.*.*.yaml}');
    assert.deepEqual(helmCrds.configurations?.check, { check: true, checkReport: 'dist/nx-helm-crds/kserve/helm-crds-check.json' });
    assert.deepEqual(helmCrds.options, { chart: 'charts/kserve', placement: 'templates', directory: 'templates/crd', pipelineTarget: 'crds' });
  });

  it('turns every fileName placeholder into a glob no Helm template name matches', () => {
    assert.equal(generatedFileGlob('{group}_{plural}.yaml'), '*.*_*.yaml');
    assert.equal(generatedFileGlob('{plural}.{group}.yaml'), '*.*.*.yaml');
    assert.equal(generatedFileGlob('crd-{kind}.yml'), 'crd-*.yml');
    assert.equal(generatedFileGlob('{name}.yaml'), '*.*.*.yaml');
  });

  it('passes allowEmpty to helm-crds and the Kustomize safety switches to kustomize-build, and nothing unset', () => {
    const targets = chartTargets({
      ...request,
      config: { kustomization: 'config/crd', include: ['*.optional.io'], allowEmpty: true, args: ['--helm-command', 'tools/helm'], enableHelm: true, enableAlphaPlugins: false, enableExec: false, loadRestrictor: 'none' },
    });
    assert.deepEqual(targets['helm-crds'].options, { chart: 'charts/kserve', include: ['*.optional.io'], allowEmpty: true, pipelineTarget: 'crds' });
    assert.deepEqual(targets['kustomize-build'].options, {
      kustomization: 'config/crd',
      args: ['--helm-command', 'tools/helm'],
      enableHelm: true,
      enableAlphaPlugins: false,
      enableExec: false,
      loadRestrictor: 'none',
    });
    assert.deepEqual(chartTargets(request)['kustomize-build'].options, { kustomization: 'config/crd' });
  });

  it('keys every step on the files the kustomization reads and the chart as the command found it, so Nx hashes them all up front', () => {
    const targets = chartTargets(request);
    const kustomization = ['{workspaceRoot}/config/crd/bases/a.yaml', '{workspaceRoot}/config/crd/kustomization.yaml'];
    assert.deepEqual(targets['helm-crds'].inputs?.slice(0, 3), [...kustomization, '{projectRoot}/**/*']);
    assert.deepEqual(targets.verify.inputs?.slice(0, 3), [...kustomization, '{projectRoot}/**/*']);
    assert.deepEqual(targets.crds.inputs, [...kustomization, '{projectRoot}/**/*']);
    const outputInputs = Object.values(targets).flatMap((target) => target.inputs ?? []).filter((input) => typeof input === 'object' && 'dependentTasksOutputFiles' in input);
    assert.deepEqual(outputInputs, []);
  });

  it("keys the later steps on Kustomize's output when remote resources make it unknowable from files", () => {
    const targets = chartTargets({ ...request, remoteReferences: ['https://example.com/crd.yaml'], remoteResources: 'uncached' });
    for (const name of ['helm-crds', 'verify', 'crds']) {
      assert.deepEqual(targets[name].inputs?.slice(0, 2), [{ dependentTasksOutputFiles: '**/*.yaml', transitive: true }, '{projectRoot}/**/*'], name);
    }
  });

  it("keys verify on the git trees at previousRevision of the charts with that baseline, in one command, unless the guard is off", () => {
    const verify = chartTargets({ ...request, config: { ...request.config, previousRevision: 'origin/main~1' }, baselineCharts: ['charts/kserve', 'charts/my odd chart'] });
    assert.deepEqual(verify.verify.inputs?.at(-1), { runtime: "git ls-tree -z --end-of-options 'origin/main~1' -- charts/kserve 'charts/my odd chart'" });
    assert.equal(verify['helm-crds'].options.previousRevision, 'origin/main~1');
    const off = chartTargets({ ...request, config: { ...request.config, verify: { compatibility: { enabled: false } } } }).verify;
    assert.deepEqual(off.inputs?.filter((input) => typeof input === 'object' && 'runtime' in input && input.runtime.startsWith('git ')), []);
    assert.deepEqual(off.options.compatibility, { enabled: false });
  });

  it('makes values files and the reference overlay inputs of verify, and passes its options on', () => {
    const verify = chartTargets({
      ...request,
      helmBinary: 'tools/helm',
      referenceOverlayFiles: ['config/default/kustomization.yaml'],
      config: { ...request.config, verify: { values: ['ci/values.yaml'], referenceOverlay: 'config/default', format: 'github' } },
    }).verify;
    assert.deepEqual(verify.inputs?.slice(3), [
      '{workspaceRoot}/ci/values.yaml',
      '{workspaceRoot}/config/default/kustomization.yaml',
      { env: 'GITHUB_ACTIONS' },
      { runtime: 'git ls-tree -z --end-of-options HEAD -- charts/kserve' },
    ]);
    assert.deepEqual(verify.options, { values: ['ci/values.yaml'], referenceOverlay: 'config/default', format: 'github', helmBinary: 'tools/helm' });
  });

  it('never caches a kustomization with remote resources when told to build it uncached', () => {
    const remote = { ...request, remoteReferences: ['https://github.com/x/y//config?ref=v1'] };
    assert.equal(chartTargets(remote)['kustomize-build'].cache, true, 'fail policy: the executor refuses, so nothing is cached');
    assert.equal(chartTargets(remote)['kustomize-build'].options.allowRemoteResources, undefined);
    const uncached = chartTargets({ ...remote, remoteResources: 'uncached' })['kustomize-build'];
    assert.equal(uncached.cache, false);
    assert.equal(uncached.options.allowRemoteResources, true);
    assert.match(String(uncached.metadata?.description), /never cached: it references remote resources https:\/\/github\.com\/x\/y/);
  });

  it('a kustomization whose inputs cannot be read fails to build unless told to build it uncached, and says why', () => {
    const unreadable = { ...request, kustomizationFiles: ['config/crd/**/*'], graphProblem: 'config/crd/kustomization.yaml: resources[0] "../../../base" points outside the workspace' };
    const failing = chartTargets(unreadable)['kustomize-build'];
    assert.equal(failing.options.allowUnreadableInputs, undefined);
    assert.match(String(failing.metadata?.description), /\(fails until fixed: its input files could not be read: config\/crd\/kustomization\.yaml: resources\[0\] "\.\.\/\.\.\/\.\.\/base" points outside/);
    const targets = chartTargets({ ...unreadable, unreadableInputs: 'uncached' });
    assert.equal(targets['kustomize-build'].cache, false);
    assert.equal(targets['kustomize-build'].options.allowUnreadableInputs, true);
    assert.equal(targets['kustomize-build'].options.allowRemoteResources, undefined);
    assert.match(String(targets['kustomize-build'].metadata?.description), /\(never cached: its input files could not be read: /);
    for (const name of ['helm-crds', 'verify', 'crds']) assert.deepEqual(targets[name].inputs?.[0], { dependentTasksOutputFiles: '**/*.yaml', transitive: true }, name);
    assert.equal(chartTargets({ ...request, unreadableInputs: 'uncached' })['kustomize-build'].cache, true, 'a readable kustomization stays cached');
  });

  it('uses configured target names throughout', () => {
    const names = { ...DEFAULT_TARGET_NAMES, kustomizeBuild: 'render', crds: 'sync-crds' };
    const targets = chartTargets({ ...request, names });
    assert.deepEqual(targets['helm-crds'].dependsOn, ['render']);
    assert.deepEqual(targets['sync-crds'].dependsOn, ['verify']);
    assert.equal(targets['crds-watch'].options.target, 'sync-crds');
    assert.equal(targets['helm-crds'].options.pipelineTarget, 'sync-crds', 'headers and advice name the target users run');
  });

  it('describes every target for nx show project: each its own, naming the kustomization, the chart and the target it runs', () => {
    const targets = chartTargets({ ...request, names: { ...DEFAULT_TARGET_NAMES, crds: 'sync-crds' } });
    const described = Object.entries(targets).map(([name, target]) => [name, String(target.metadata?.description ?? '')] as const);
    for (const [name, description] of described) assert.ok(description.includes('config/crd'), `${name}: ${description}`);
    for (const name of ['helm-crds', 'verify', 'sync-crds']) assert.ok(targets[name].metadata?.description?.includes('charts/kserve'), name);
    assert.equal(new Set(described.map(([, description]) => description)).size, described.length, 'no two targets described alike');
    assert.ok(targets['kustomize-build'].metadata?.description?.includes(' 2 files '), 'the number of files the build is keyed on');
    assert.ok(targets['crds-watch'].metadata?.description?.includes('sync-crds'), 'the target the watch re-runs');
  });

  it('generate: false: helm-crds writes nothing and restores nothing; verify and crds keep their inputs', () => {
    const targets = chartTargets({ ...request, config: { kustomization: 'config/crd', generate: false, verify: { requireDependencies: true } } });
    assert.equal(targets['helm-crds'].options.generate, false);
    assert.deepEqual(targets['helm-crds'].outputs, []);
    assert.match(String(targets['helm-crds'].metadata?.description), /another tool/);
    assert.equal(targets.verify.options.requireDependencies, true);
    assert.deepEqual(targets.crds.inputs, chartTargets(request).crds.inputs, 'nx affected reaches it the same way');
  });

  it("keys verify on GITHUB_ACTIONS, which switches its output to annotations that a cache hit replays", () => {
    assert.ok(chartTargets(request).verify.inputs?.some((input) => isDeepStrictEqual(input, { env: 'GITHUB_ACTIONS' })));
    assert.equal(chartTargets(request)['helm-crds'].inputs?.some((input) => typeof input === 'object' && 'env' in input), false);
  });
});
