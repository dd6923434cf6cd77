import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CHART_CRDS, PINNED_KUBECTL, REPO_ROOT, cachedTasks, createWorkspace, type TestWorkspace } from './workspace';

const { validateAgainstSchema } = require(join(REPO_ROOT, 'packages/nx-helm-crds/dist/testing/json-schema-subset.js')) as {
  validateAgainstSchema: (value: unknown, schema: unknown) => string[];
};
const REPORT_SCHEMA = JSON.parse(readFileSync(join(REPO_ROOT, 'packages/nx-helm-crds/schemas/verify-report.schema.json'), 'utf8'));
const TRAINED_MODELS = `${CHART_CRDS}/serving.example.io_trainedmodels.yaml`;
/** The README's CI command, with the pull request's base branch. */
const CI_COMMAND = ['affected', '-t', 'crds', '-c', 'check', '--base=main', '--head=HEAD'];

function git(workspace: TestWorkspace, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', ...args], { cwd: workspace.root, stdio: 'ignore' });
}

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((line) => line.includes(needle)) + 1;

describe('the README CI command in GitHub Actions delivers the full report on drift', () => {
  let workspace: TestWorkspace;
  let scratch: string;
  let summaryFile: string;
  let github: NodeJS.ProcessEnv;
  before(() => {
    workspace = createWorkspace({ keepGeneratedCrds: true });
    workspace.write('.gitignore', 'node_modules\ndist\n.nx\n');
    git(workspace, 'init', '-q', '-b', 'main');
    git(workspace, 'add', '-A');
    git(workspace, 'commit', '-q', '-m', 'charts in sync');
    git(workspace, 'checkout', '-q', '-b', 'pr');
    workspace.write(TRAINED_MODELS, workspace.read(TRAINED_MODELS).replace('strategy: Webhook', 'strategy: None'));
    git(workspace, 'commit', '-q', '-am', 'a hand edit drops the conversion webhook');
    scratch = mkdtempSync(join(tmpdir(), 'nx-helm-crds-ci-'));
    summaryFile = join(scratch, 'step_summary');
    writeFileSync(summaryFile, '');
    github = { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summaryFile };
    // A report an earlier local run left behind must not stand for the CI run.
    workspace.write('dist/nx-helm-crds/chart/verify.json', '{ "result": "in-sync" }\n');
  });
  after(() => {
    workspace.remove();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('fails in verify with annotations at the differing line, a step summary and the JSON report', () => {
    const result = workspace.nx(CI_COMMAND, github);
    // Nx 24.0 exits 130, not 1, when a failed task (verify) has dependents it skips (crds); both fail the step.
    assert.equal(result.status, 130, result.output);
    const line = lineOf(workspace.read(TRAINED_MODELS), 'strategy: None');
    assert.ok(line > 1);
    assert.match(
      result.output,
      new RegExp(
        `^::error file=examples/operator/chart/crds/serving\\.example\\.io_trainedmodels\\.yaml,line=${line},title=CRD drift%3A trainedmodels\\.serving\\.example\\.io differs::` +
          'trainedmodels\\.serving\\.example\\.io: differs from Kustomize \\(kustomize build examples/operator/config/crd\\)%0Aspec\\.conversion\\.strategy: "Webhook" in Kustomize, "None" in chart',
        'm',
      ),
    );
    assert.equal((result.output.match(/^::error /gm) ?? []).length, 1, 'one annotation per differing file');
    assert.match(result.output, /- chart:verify:check/, 'verify is the failed task');

    const summary = readFileSync(summaryFile, 'utf8');
    assert.match(summary, /^### ❌ examples\/operator\/chart: drift$/m);
    assert.match(summary, /\| `trainedmodels\.serving\.example\.io` \| differs from Kustomize \| `crds\/serving\.example\.io_trainedmodels\.yaml` \| `spec\.conversion\.strategy` \|/);
    assert.match(summary, /\| `inferenceservices\.serving\.example\.io` \| in sync \|/);

    const report = JSON.parse(workspace.read('dist/nx-helm-crds/chart/verify.json'));
    assert.deepEqual(validateAgainstSchema(report, REPORT_SCHEMA), []);
    assert.equal(report.result, 'drift');
    assert.deepEqual(report.files, [{ path: 'crds/serving.example.io_trainedmodels.yaml', crds: ['trainedmodels.serving.example.io'], change: 'update', textOnly: false }]);
    const check = JSON.parse(workspace.read('dist/nx-helm-crds/chart/helm-crds-check.json'));
    assert.deepEqual(validateAgainstSchema(check, REPORT_SCHEMA), []);
    assert.equal(check.step, 'helm-crds');
    assert.equal(check.result, 'drift');
    assert.equal(check.written, false);
  });

  it('a second run fails again: the failing verify is never served from the cache, so the summary is written again', () => {
    const result = workspace.nx(CI_COMMAND, github);
    assert.equal(result.status, 130, result.output);
    assert.ok(cachedTasks(result.output).includes('chart:helm-crds:check'), result.output);
    assert.ok(!cachedTasks(result.output).includes('chart:verify:check'), result.output);
    assert.match(result.output, /^::group::❌ > nx run chart:verify:check$/m, 'verify ran');
    assert.match(result.output, /^::error file=examples\/operator\/chart\/crds\/serving\.example\.io_trainedmodels\.yaml,line=/m);
    // (Nx adds its own run report to the summary too, under other headings.)
    assert.equal((readFileSync(summaryFile, 'utf8').match(/^### ❌ examples\/operator\/chart: drift$/gm) ?? []).length, 2);
  });

  it('outside GitHub Actions the same run prints text and no annotations', () => {
    const result = workspace.nx(CI_COMMAND);
    assert.equal(result.status, 130, result.output);
    assert.match(result.output, /✖ trainedmodels\.serving\.example\.io: differs from Kustomize/);
    assert.doesNotMatch(result.output, /::error/);
  });

  it('helm-crds in check mode records the drift in its report and warns, without failing or writing: verify, next, fails with the report', () => {
    const CHECK_REPORT = 'dist/nx-helm-crds/chart/helm-crds-check.json';
    rmSync(join(workspace.root, CHECK_REPORT), { force: true });
    const drifted = workspace.read(TRAINED_MODELS);
    const result = workspace.nx(['run', 'chart:helm-crds', '-c', 'check', '--skip-nx-cache']);
    assert.equal(result.status, 0, result.output);
    assert.match(result.output, /would update examples\/operator\/chart\/crds\/serving\.example\.io_trainedmodels\.yaml/);
    assert.match(result.output, /is out of date with examples\/operator\/config\/crd: 1 file\(s\) would change; verify reports every difference and fails/);
    const check = JSON.parse(workspace.read(CHECK_REPORT));
    assert.deepEqual({ step: check.step, result: check.result, written: check.written }, { step: 'helm-crds', result: 'drift', written: false });
    assert.equal(workspace.read(TRAINED_MODELS), drifted, 'check mode writes nothing');
    const verify = workspace.nx(['run', 'chart:verify', '-c', 'check', '--excludeTaskDependencies', '--skip-nx-cache']);
    assert.equal(verify.status, 1, verify.output);
    assert.equal(JSON.parse(workspace.read('dist/nx-helm-crds/chart/verify.json')).result, 'drift');
  });

  it('a generated file whose text alone differs is text-drift: it fails, annotated at line 1', () => {
    const drifted = workspace.read(TRAINED_MODELS);
    workspace.write(TRAINED_MODELS, `${drifted.replace('strategy: None', 'strategy: Webhook')}# a note by hand\n`);
    try {
      const result = workspace.nx(['run', 'chart:crds', '-c', 'check'], github);
      assert.equal(result.status, 130, result.output);
      assert.match(result.output, /3 in sync, 0 differ/);
      assert.match(result.output, /::error file=examples\/operator\/chart\/crds\/serving\.example\.io_trainedmodels\.yaml,line=1,.*same data as Kustomize, but the text differs/);
      assert.match(result.output, /installs what Kustomize renders, but 1 generated file\(s\) differ in text/);
      assert.equal(JSON.parse(workspace.read('dist/nx-helm-crds/chart/verify.json')).result, 'text-drift');
    } finally {
      workspace.write(TRAINED_MODELS, drifted);
    }
  });

  it('once the chart is regenerated the command exits 0 and the summary says in sync', () => {
    const fix = workspace.nx(['run', 'chart:crds']);
    assert.equal(fix.status, 0, fix.output);
    const result = workspace.nx(CI_COMMAND, github);
    assert.equal(result.status, 0, result.output);
    assert.doesNotMatch(result.output, /::error/);
    assert.match(readFileSync(summaryFile, 'utf8'), /^### ✅ examples\/operator\/chart: in-sync$/m);
  });
});

describe('progress of a slow tool', () => {
  let workspace: TestWorkspace;
  let bin: string;
  before(() => {
    workspace = createWorkspace();
    bin = mkdtempSync(join(tmpdir(), 'nx-helm-crds-slow-'));
    // A real process that is slow: it sleeps, then runs the real kubectl.
    writeFileSync(join(bin, 'kubectl'), `#!/bin/sh\nsleep 2\nexec ${PINNED_KUBECTL} "$@"\n`);
    chmodSync(join(bin, 'kubectl'), 0o755);
  });
  after(() => {
    workspace.remove();
    rmSync(bin, { recursive: true, force: true });
  });

  it('says what is running and for how long while kustomize runs', () => {
    const result = workspace.nx(['run', 'chart:kustomize-build', '--skip-nx-cache'], { NX_HELM_CRDS_KUSTOMIZE: join(bin, 'kubectl'), NX_HELM_CRDS_PROGRESS_MS: '300' });
    assert.equal(result.status, 0, result.output);
    assert.match(result.output, /^kustomize build examples\/operator\/config\/crd still running \(\d+ s\)$/m);
  });

  it('prints no progress line for a run shorter than the delay', () => {
    const result = workspace.nx(['run', 'chart:kustomize-build', '--skip-nx-cache']);
    assert.equal(result.status, 0, result.output);
    assert.doesNotMatch(result.output, /still running/);
  });
});
