import type { ExecutorContext, TargetConfiguration } from '@nx/devkit';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EXECUTORS } from '../../constants';
import type { HelmCrdsExecutorSchema } from '../helm-crds/schema';
import type { KustomizeBuildExecutorSchema } from '../kustomize-build/schema';
import type { VerifyExecutorSchema } from '../verify/schema';
import { buildKustomizationRequest, siblingTargetOptions, verifyChartRequest, verifyReportPath, writeChartCrdsRequest } from './requests';

// readTargetOptions resolves `nx-helm-crds:<executor>` from context.root, so the repository root (five levels
// above dist/executors/shared, where node_modules/nx-helm-crds links this package) is the workspace: sibling
// targets are read with the real schemas' defaults and validation. The functions only compute paths.
const workspaceRoot = join(__dirname, '..', '..', '..', '..', '..');

/** Project name → target name → target, as project.json files declare them. */
type Workspace = Record<string, Record<string, TargetConfiguration>>;

function kustomizeBuild(options: Partial<KustomizeBuildExecutorSchema>, configurations?: Record<string, Partial<KustomizeBuildExecutorSchema>>): TargetConfiguration {
  return { executor: EXECUTORS.kustomizeBuild, options, configurations };
}

function helmCrds(options: Partial<HelmCrdsExecutorSchema>): TargetConfiguration {
  return { executor: EXECUTORS.helmCrds, options };
}

function verify(options: Partial<VerifyExecutorSchema> = {}): TargetConfiguration {
  return { executor: EXECUTORS.verify, options };
}

/** The context Nx gives the task `project:target[:configuration]` in a workspace of these projects' targets. */
function contextFor(task: string, projects: Workspace): ExecutorContext {
  const [projectName, targetName, configurationName] = task.split(':');
  return {
    root: workspaceRoot,
    cwd: workspaceRoot,
    projectName,
    targetName,
    configurationName,
    isVerbose: false,
    projectsConfigurations: { version: 2, projects: Object.fromEntries(Object.entries(projects).map(([name, targets]) => [name, { root: name, targets }])) },
    nxJsonConfiguration: {},
    // Nothing here reads the graph: targets come from projectsConfigurations.
    projectGraph: { nodes: {}, dependencies: {} },
  };
}

/** The running target's options as project.json writes them: without schema defaults, so the functions' own fallbacks show. */
function ownOptions<T>(context: ExecutorContext): T {
  return context.projectsConfigurations.projects[context.projectName!].targets![context.targetName!].options as T;
}

function helmCrdsRequest(task: string, projects: Workspace) {
  const context = contextFor(task, projects);
  return writeChartCrdsRequest(ownOptions<HelmCrdsExecutorSchema>(context), context);
}

function verifyRequest(task: string, projects: Workspace) {
  const context = contextFor(task, projects);
  return verifyChartRequest(ownOptions<VerifyExecutorSchema>(context), context, '/reports/verify.json');
}

describe('siblingTargetOptions', () => {
  const read = (task: string, projects: Workspace, explicitTarget?: string) =>
    siblingTargetOptions<KustomizeBuildExecutorSchema>(contextFor(task, projects), EXECUTORS.kustomizeBuild, explicitTarget);

  it("finds this project's one target with the executor when none is named", () => {
    const found = read('app:crds', {
      app: { crds: helmCrds({ chart: 'charts/app' }), build: kustomizeBuild({ kustomization: 'config/crd' }), lint: { executor: 'nx:run-commands', options: { command: 'true' } } },
      other: { build: kustomizeBuild({ kustomization: 'other/config' }) },
    });
    assert.deepEqual([found.project, found.target, found.options.kustomization], ['app', 'build', 'config/crd']);
  });

  it('reads a named target of this project, or project:target of another project', () => {
    const projects = {
      app: { crds: helmCrds({ chart: 'charts/app' }), build: kustomizeBuild({ kustomization: 'config/crd' }), 'build-alt': kustomizeBuild({ kustomization: 'config/alt' }) },
      operator: { build: kustomizeBuild({ kustomization: 'operator/config' }) },
    };
    const named = read('app:crds', projects, 'build-alt');
    assert.deepEqual([named.project, named.target, named.options.kustomization], ['app', 'build-alt', 'config/alt']);
    const shared = read('app:crds', projects, 'operator:build');
    assert.deepEqual([shared.project, shared.target, shared.options.kustomization], ['operator', 'build', 'operator/config']);
  });

  it('refuses a named target with an empty project or target part instead of looking one up', () => {
    const projects = { app: { crds: helmCrds({ chart: 'charts/app' }), build: kustomizeBuild({ kustomization: 'config/crd' }) }, operator: { build: kustomizeBuild({ kustomization: 'o' }) } };
    for (const explicit of ['operator:', ':build', '']) {
      assert.throws(() => read('app:crds', projects, explicit), { name: 'UserError', message: `The crds target's options name the target "${explicit}": give "target" (this project) or "project:target".` }, explicit);
    }
  });

  it("applies the schema's defaults and the running configuration over the target's options, as Nx does", () => {
    const projects = {
      app: {
        crds: helmCrds({ chart: 'charts/app' }),
        build: kustomizeBuild({ kustomization: 'config/crd', timeout: 1000, args: ['--stack-trace'] }, { check: { timeout: 5, enableHelm: true } }),
      },
    };
    const checked = read('app:crds:check', projects).options;
    assert.deepEqual([checked.timeout, checked.enableHelm, checked.args], [5, true, ['--stack-trace']]);
    assert.deepEqual([checked.loadRestrictor, checked.allowRemoteResources], ['rootOnly', false]);
    const plain = read('app:crds', projects).options;
    assert.deepEqual([plain.timeout, plain.enableHelm], [1000, false]);
  });

  it('says which project has no or several candidates, and which option names the one to use', () => {
    assert.throws(() => read('app:crds', { app: { crds: helmCrds({ chart: 'charts/app' }) } }), {
      name: 'UserError',
      message: /^Project app needs exactly one target with executor nx-helm-crds:kustomize-build for crds to read; found none\. .*buildTarget/,
    });
    const twoBuilds = { app: { crds: helmCrds({ chart: 'charts/app' }), build: kustomizeBuild({ kustomization: 'a' }), 'build-alt': kustomizeBuild({ kustomization: 'b' }) } };
    assert.throws(() => read('app:crds', twoBuilds), { name: 'UserError', message: /^Project app needs exactly one target .*; found build, build-alt\. .*buildTarget/ });
  });

  it('says which named target does not exist, in which project, and whose option named it', () => {
    const projects = { app: { crds: helmCrds({ chart: 'charts/app' }), build: kustomizeBuild({ kustomization: 'a' }) }, operator: { build: kustomizeBuild({ kustomization: 'b' }) } };
    assert.throws(() => read('app:crds', projects, 'operator:missing'), {
      name: 'UserError',
      message: `Project operator has no target "missing" (named by the crds target's options as "operator:missing").`,
    });
    assert.throws(() => read('app:crds', projects, 'missing'), { name: 'UserError', message: /^Project app has no target "missing"/ });
  });
});

describe('buildKustomizationRequest', () => {
  // Each switch differs from its neighbours and from its default, so a swapped or dropped field shows.
  const options: KustomizeBuildExecutorSchema = {
    kustomization: 'config/crd',
    kustomize: 'tools/kustomize',
    args: ['--stack-trace'],
    timeout: 1000,
    enableHelm: true,
    enableAlphaPlugins: false,
    enableExec: true,
    loadRestrictor: 'none',
    allowUnreadableInputs: true,
    allowRemoteResources: false,
  };

  it('writes to dist/nx-helm-crds/<project>/kustomize.yaml and carries the run options, safety switches and allowances', () => {
    assert.deepEqual(buildKustomizationRequest(options, contextFor('app:build', { app: { build: kustomizeBuild(options) } })), {
      workspaceRoot,
      kustomization: 'config/crd',
      outputFile: 'dist/nx-helm-crds/app/kustomize.yaml',
      run: { kustomize: 'tools/kustomize', args: ['--stack-trace'], timeout: 1000, safety: { enableHelm: true, enableAlphaPlugins: false, enableExec: true, loadRestrictor: 'none' } },
      allowances: { allowUnreadableInputs: true, allowRemoteResources: false },
    });
  });

  it('writes to outputFile when one is set', () => {
    const explicit = { ...options, outputFile: 'out/crds.yaml' };
    assert.equal(buildKustomizationRequest(explicit, contextFor('app:build', { app: { build: kustomizeBuild(explicit) } })).outputFile, 'out/crds.yaml');
  });
});

describe('writeChartCrdsRequest', () => {
  const build = kustomizeBuild({ kustomization: 'config/crd' });

  it("fills what the options leave out with the schema's defaults and reads this project's kustomize-build", () => {
    const request = helmCrdsRequest('app:crds', { app: { crds: helmCrds({ chart: 'charts/app' }), build } });
    assert.equal(request.workspaceRoot, workspaceRoot);
    assert.equal(request.chart, 'charts/app');
    assert.deepEqual(request.kustomizeOutput, { file: 'dist/nx-helm-crds/app/kustomize.yaml', kustomization: 'config/crd' });
    assert.deepEqual([request.layout.placement, request.layout.fileName, request.layout.directory], ['crds', '{group}_{plural}.yaml', undefined]);
    assert.deepEqual(
      { previousRevision: request.previousRevision, generate: request.generate, allowEmpty: request.allowEmpty, dryRun: request.dryRun },
      { previousRevision: 'HEAD', generate: true, allowEmpty: false, dryRun: false },
    );
    assert.deepEqual([request.allowCrdRemoval, request.skipDataLossGuard], [false, false]);
    assert.equal(request.regenerate, 'nx run app:crds');
    assert.deepEqual(request.otherKustomizations, []);
  });

  it('carries the layout and the guards over as set', () => {
    const layout: Partial<HelmCrdsExecutorSchema> = {
      placement: 'templates',
      directory: 'templates/crd',
      fileName: '{plural}.{group}.yaml',
      include: ['*.example.io'],
      exclude: ['old.example.io'],
      unmanaged: ['shared.example.io'],
      namespaceTemplate: true,
      installValue: 'crds.install',
      keep: true,
      sharedGuard: false,
    };
    const request = helmCrdsRequest('app:crds', {
      app: {
        crds: helmCrds({ chart: 'charts/app', ...layout, generate: false, allowEmpty: true, previousRevision: 'origin/main', allowCrdRemoval: true, skipDataLossGuard: true }),
        build,
      },
    });
    assert.deepEqual(request.layout, layout);
    assert.deepEqual([request.generate, request.allowEmpty, request.previousRevision, request.allowCrdRemoval, request.skipDataLossGuard], [false, true, 'origin/main', true, true]);
  });

  it('names the pipeline target, not this inner step, in the regenerate command when pipelineTarget is set', () => {
    const request = helmCrdsRequest('app:helm-crds', { app: { 'helm-crds': helmCrds({ chart: 'charts/app', pipelineTarget: 'crds' }), build } });
    assert.equal(request.regenerate, 'nx run app:crds');
  });

  it("always writes a real run's report to dist/nx-helm-crds/<project>/<target>.json, a check run's only where checkReport says", () => {
    const report = (options: Partial<HelmCrdsExecutorSchema>) => helmCrdsRequest('app:crds', { app: { crds: helmCrds({ chart: 'charts/app', ...options }), build } });
    assert.equal(report({}).reportPath, join(workspaceRoot, 'dist/nx-helm-crds/app/crds.json'));
    assert.equal(report({ checkReport: 'reports/check.json' }).reportPath, join(workspaceRoot, 'dist/nx-helm-crds/app/crds.json'));
    const checkWithout = report({ check: true });
    assert.deepEqual([checkWithout.dryRun, checkWithout.reportPath], [true, undefined]);
    const checkWith = report({ check: true, checkReport: 'reports/check.json' });
    assert.deepEqual([checkWith.dryRun, checkWith.reportPath], [true, join(workspaceRoot, 'reports/check.json')]);
  });

  it('refuses a checkReport inside a chart or outside the workspace', () => {
    const check = (checkReport: string) => () => helmCrdsRequest('app:crds', { app: { crds: helmCrds({ chart: 'charts/app', check: true, checkReport }), build } });
    // The repository's example chart is a real folder with Chart.yaml, which is what the refusal looks for.
    assert.throws(check('examples/operator/chart/check.json'), { name: 'UserError', message: /^checkReport "examples\/operator\/chart\/check\.json" is inside the Helm chart examples\/operator\/chart:/ });
    assert.throws(check('../check.json'), { name: 'UserError', message: /^checkReport "\.\.\/check\.json" is outside the workspace/ });
  });

  it("reads the output file of a buildTarget in another project as that project's", () => {
    const kustomizeOutput = (operatorBuild: TargetConfiguration) =>
      helmCrdsRequest('app:crds', {
        app: { crds: helmCrds({ chart: 'charts/app', buildTarget: 'operator:kustomize-build' }), build },
        operator: { 'kustomize-build': operatorBuild },
      }).kustomizeOutput;
    assert.deepEqual(kustomizeOutput(kustomizeBuild({ kustomization: 'operator/config' })), { file: 'dist/nx-helm-crds/operator/kustomize.yaml', kustomization: 'operator/config' });
    assert.deepEqual(kustomizeOutput(kustomizeBuild({ kustomization: 'operator/config', outputFile: 'out/operator.yaml' })), { file: 'out/operator.yaml', kustomization: 'operator/config' });
  });

  it('lists the kustomizations of the other helm-crds targets writing into the same chart, skipping unreadable ones', () => {
    const request = helmCrdsRequest('app:crds', {
      app: {
        crds: helmCrds({ chart: 'charts/shared', buildTarget: 'build' }),
        build,
        'crds-extra': helmCrds({ chart: 'charts/shared', buildTarget: 'build-extra' }),
        'build-extra': kustomizeBuild({ kustomization: 'config/extra' }),
      },
      // The same chart written another way is the same chart.
      other: { crds: helmCrds({ chart: './charts/shared/' }), build: kustomizeBuild({ kustomization: 'other/config' }) },
      elsewhere: { crds: helmCrds({ chart: 'charts/elsewhere' }), build: kustomizeBuild({ kustomization: 'elsewhere/config' }) },
      // A misspelt option the schema refuses, and a project without kustomize-build: each fails on its own
      // run, and must not fail this one.
      misspelt: { crds: { executor: EXECUTORS.helmCrds, options: { chart: 'charts/shared', buildTaget: 'build' } }, build: kustomizeBuild({ kustomization: 'misspelt/config' }) },
      unbuilt: { crds: helmCrds({ chart: 'charts/shared' }) },
    });
    assert.deepEqual([...request.otherKustomizations].sort(), ['config/extra', 'other/config']);
  });
});

describe('verifyReportPath', () => {
  const context = contextFor('app:verify', { app: { verify: verify() } });

  it('defaults to dist/nx-helm-crds/<project>/<target>.json and takes report when set', () => {
    assert.equal(verifyReportPath({}, context), join(workspaceRoot, 'dist/nx-helm-crds/app/verify.json'));
    assert.equal(verifyReportPath({ report: 'reports/verify.json' }, context), join(workspaceRoot, 'reports/verify.json'));
  });
});

describe('verifyChartRequest', () => {
  it("verifies this project's helm-crds target with helm 'auto', the project as release name and no values, sets or ignores", () => {
    const request = verifyRequest('app:verify', { app: { crds: helmCrds({ chart: 'charts/app' }), build: kustomizeBuild({ kustomization: 'config/crd' }), verify: verify() } });
    assert.equal(request.reportPath, '/reports/verify.json');
    assert.deepEqual([request.target.chart, request.target.regenerate, request.target.kustomizeOutput.kustomization], ['charts/app', 'nx run app:crds', 'config/crd']);
    assert.deepEqual([request.helmMode, request.releaseName, request.valuesFiles, request.set, request.ignore, request.referenceOverlay], ['auto', 'app', [], [], [], undefined]);
  });

  it('carries the rendering options over as set', () => {
    const options: VerifyExecutorSchema = {
      helm: 'never',
      helmBinary: 'tools/helm',
      releaseName: 'release',
      namespace: 'system',
      values: ['charts/app/ci-values.yaml'],
      set: ['image.tag=dev'],
      ignore: ['metadata.annotations'],
      requireDependencies: true,
      compatibility: { enabled: false },
    };
    const request = verifyRequest('app:verify', { app: { crds: helmCrds({ chart: 'charts/app' }), build: kustomizeBuild({ kustomization: 'config/crd' }), verify: verify(options) } });
    const { helmMode, helmBinary, releaseName, namespace, valuesFiles, set, ignore, requireDependencies, compatibility } = request;
    assert.deepEqual({ helm: helmMode, helmBinary, releaseName, namespace, values: valuesFiles, set, ignore, requireDependencies, compatibility }, options);
  });

  it("resolves another project's helm-crds target's buildTarget in that project, not in verify's", () => {
    // Both projects have a target named build: only the operator's is the verified chart's.
    const request = verifyRequest('app:verify', {
      app: { build: kustomizeBuild({ kustomization: 'config/app' }), verify: verify({ helmCrdsTarget: 'operator:crds' }) },
      operator: { crds: helmCrds({ chart: 'charts/operator', buildTarget: 'build' }), build: kustomizeBuild({ kustomization: 'operator/config' }) },
    });
    assert.deepEqual(request.target.kustomizeOutput, { file: 'dist/nx-helm-crds/operator/kustomize.yaml', kustomization: 'operator/config' });
    assert.equal(request.target.regenerate, 'nx run operator:crds');
  });

  it("counts every helm-crds target but the verified one among the chart's other kustomizations", () => {
    const request = verifyRequest('app:verify', {
      app: { crds: helmCrds({ chart: 'charts/shared' }), build: kustomizeBuild({ kustomization: 'config/app' }), verify: verify() },
      other: { crds: helmCrds({ chart: 'charts/shared' }), build: kustomizeBuild({ kustomization: 'config/other' }) },
    });
    assert.deepEqual(request.target.otherKustomizations, ['config/other']);
  });

  it("builds the reference overlay the way the chart's kustomize-build target runs kustomize", () => {
    const request = verifyRequest('app:verify:check', {
      app: {
        crds: helmCrds({ chart: 'charts/app' }),
        build: kustomizeBuild({ kustomization: 'config/crd', kustomize: 'tools/kustomize', args: ['--stack-trace'], enableHelm: true }, { check: { timeout: 5, loadRestrictor: 'none' } }),
        verify: verify({ referenceOverlay: 'config/default' }),
      },
    });
    assert.deepEqual(request.referenceOverlay, {
      kustomization: 'config/default',
      run: { kustomize: 'tools/kustomize', args: ['--stack-trace'], timeout: 5, safety: { enableHelm: true, enableAlphaPlugins: false, enableExec: false, loadRestrictor: 'none' } },
    });
  });

  it('names the helm-crds target whose buildTarget does not exist, not verify', () => {
    assert.throws(() => verifyRequest('app:verify', { app: { crds: helmCrds({ chart: 'charts/app', buildTarget: 'missing' }), verify: verify() } }), {
      name: 'UserError',
      message: /named by the crds target's options/,
    });
  });
});
