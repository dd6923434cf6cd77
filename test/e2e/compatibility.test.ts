/**
 * The compatibility guard end to end: the example operator in a git repository, one commit per rule class on top
 * of a base commit, `nx run chart:crds` comparing with previousRevision HEAD~1, real kustomize and helm.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CHART, EXAMPLE, REPO_ROOT, cachedTasks, createWorkspace, type NxResult, type TestWorkspace } from './workspace';

const { validateAgainstSchema } = require(join(REPO_ROOT, 'packages/nx-helm-crds/dist/testing/json-schema-subset.js')) as {
  validateAgainstSchema: (value: unknown, schema: unknown) => string[];
};
const REPORT_SCHEMA = JSON.parse(readFileSync(join(REPO_ROOT, 'packages/nx-helm-crds/schemas/verify-report.schema.json'), 'utf8'));

const BASES = `${EXAMPLE}/config/crd/bases`;
const TRAINED_MODELS = `${BASES}/serving.example.io_trainedmodels.yaml`;
const SERVING_RUNTIMES = `${BASES}/serving.example.io_servingruntimes.yaml`;
const CHART_TRAINED_MODELS = `${CHART}/crds/serving.example.io_trainedmodels.yaml`;
const V1ALPHA1_SPEC = 'spec.versions[name=v1alpha1].schema.openAPIV3Schema.properties.spec';
const V1BETA1_SPEC = 'spec.versions[name=v1beta1].schema.openAPIV3Schema.properties.spec';
const REPORT = 'dist/nx-helm-crds/chart/verify.json';
/** A property of v1beta1 only (its modelFormat). */
const MODEL_FORMAT_VERSION = '                      version:\n                        description: Version of the model format.\n                        type: string\n';

type Edit = (text: string) => string;

/** Replaces the first occurrence, and fails when the text is not there (the example changed). */
const replaceOnce = (from: string, to: string): Edit => (text) => {
  assert.ok(text.includes(from), `fixture text not found: ${from}`);
  return text.replace(from, to);
};

describe('compatibility guard: each rule class caught, on real git history', () => {
  let workspace: TestWorkspace;
  let base: string;
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', ...args], { cwd: workspace.root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

  /** nx.json's chart entry: previousRevision HEAD~1, GitHub output (text and annotations in one run), no helm rendering (the guard compares Kustomize's CRDs, not the rendered chart). */
  function configure(chart: Record<string, unknown> = {}): void {
    const nxJson = JSON.parse(workspace.read('nx.json'));
    const options = { kustomization: `${EXAMPLE}/config/crd`, previousRevision: 'HEAD~1', ...chart, verify: { format: 'github', helm: 'never', ...(chart.verify as object) } };
    workspace.write('nx.json', JSON.stringify({ ...nxJson, plugins: [{ plugin: 'nx-helm-crds', options: { charts: { [CHART]: options } } }] }, null, 2));
  }

  /** A commit on top of the base with the edits, then the pipeline compared with the base (HEAD~1). */
  function commitAndRun(message: string, edits: Record<string, Edit>, chart?: Record<string, unknown>): NxResult {
    git('checkout', '-qf', base);
    for (const [file, edit] of Object.entries(edits)) workspace.write(file, edit(workspace.read(file)));
    git('commit', '-qam', message);
    if (chart) configure(chart);
    return workspace.nx(['run', 'chart:crds']);
  }

  const report = () => JSON.parse(workspace.read(REPORT));
  /** The findings of the verify report: which CRD, which rule, where, how severe (and why accepted). */
  const findings = () =>
    (report().compatibility.findings as Array<Record<string, unknown>>).map(({ crd, class: severity, rule, path, accepted }) => ({ crd, class: severity, rule, path, ...(accepted ? { accepted } : {}) }));

  before(() => {
    workspace = createWorkspace({ keepGeneratedCrds: true });
    workspace.write('.gitignore', 'node_modules\ndist\n.nx\n');
    configure();
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-qm', 'base: the example with its generated chart');
    base = git('rev-parse', 'HEAD');
  });
  after(() => workspace.remove());

  it('CRD identity: a scope change is breaking, reported with its path and an annotation at its line', () => {
    const result = commitAndRun('servingruntimes becomes cluster-scoped', { [SERVING_RUNTIMES]: replaceOnce('  scope: Namespaced\n', '  scope: Cluster\n') });
    assert.notEqual(result.status, 0, result.output);
    assert.match(result.output, /✖ servingruntimes\.serving\.example\.io: breaking\n {4}breaking spec\.scope: scope changed from Namespaced to Cluster/);
    assert.match(result.output, /^::error file=examples\/operator\/chart\/crds\/serving\.example\.io_servingruntimes\.yaml,line=\d+,title=CRD breaking change%3A servingruntimes/m);
    assert.match(result.output, /matches Kustomize, but the change would break custom resources stored by the chart at HEAD~1 \(compatibility findings above\)/);
    assert.deepEqual(findings(), [{ crd: 'servingruntimes.serving.example.io', class: 'breaking', rule: 'scope-changed', path: 'spec.scope' }]);
    assert.deepEqual(annotations(result.output), [
      { level: 'error', file: 'examples/operator/chart/crds/serving.example.io_servingruntimes.yaml', crd: 'servingruntimes.serving.example.io', path: 'spec.scope' },
    ]);
    const json = report();
    assert.equal(json.result, 'invalid');
    assert.equal(json.compatibility.result, 'incompatible');
    assert.deepEqual(validateAgainstSchema(json, REPORT_SCHEMA), []);
  });

  it('versions: a served version no longer served is breaking', () => {
    const result = commitAndRun('v1beta1 no longer served', { [TRAINED_MODELS]: replaceOnce('    served: true\n    storage: false\n', '    served: false\n    storage: false\n') });
    assert.notEqual(result.status, 0, result.output);
    assert.match(result.output, /breaking spec\.versions\[name=v1beta1\]\.served: version v1beta1 is no longer served/);
    assert.deepEqual(findings(), [{ crd: 'trainedmodels.serving.example.io', class: 'breaking', rule: 'version-unserved', path: 'spec.versions[name=v1beta1].served' }]);
    assert.deepEqual(annotations(result.output).map(({ level, path }) => ({ level, path })), [{ level: 'error', path: 'spec.versions[name=v1beta1].served' }]);
  });

  it('schema: a lowered bound and a removed property are breaking; the annotation points at the changed line', () => {
    const result = commitAndRun('narrower schema', {
      [TRAINED_MODELS]: (text) => replaceOnce(MODEL_FORMAT_VERSION, '')(replaceOnce('                maxLength: 63\n', '                maxLength: 30\n')(text)),
    });
    assert.notEqual(result.status, 0, result.output);
    assert.match(result.output, new RegExp(`breaking ${escape(V1ALPHA1_SPEC)}\\.properties\\.inferenceService\\.maxLength: maxLength lowered from 63 to 30`));
    assert.match(result.output, new RegExp(`breaking ${escape(V1BETA1_SPEC)}\\.properties\\.model\\.properties\\.modelFormat\\.properties\\.version: property version was removed`));
    assert.deepEqual(findings(), [
      { crd: 'trainedmodels.serving.example.io', class: 'breaking', rule: 'bound-tightened', path: `${V1ALPHA1_SPEC}.properties.inferenceService.maxLength` },
      { crd: 'trainedmodels.serving.example.io', class: 'breaking', rule: 'property-removed', path: `${V1BETA1_SPEC}.properties.model.properties.modelFormat.properties.version` },
    ]);
    const line = Number(/^::error file=examples\/operator\/chart\/crds\/serving\.example\.io_trainedmodels\.yaml,line=(\d+),[^\n]*maxLength/m.exec(result.output)?.[1]);
    assert.equal(workspace.read(CHART_TRAINED_MODELS).split('\n')[line - 1], '                maxLength: 30');
  });

  it('conversion: dropping the webhook while two versions are served is breaking', () => {
    const result = commitAndRun('no conversion webhook', { [`${EXAMPLE}/config/crd/kustomization.yaml`]: replaceOnce('- path: patches/webhook_in_trainedmodels.yaml\n', '') });
    assert.notEqual(result.status, 0, result.output);
    assert.match(result.output, /breaking spec\.conversion\.strategy: the conversion strategy changed from Webhook to None while v1alpha1, v1beta1 are served/);
    assert.deepEqual(findings(), [{ crd: 'trainedmodels.serving.example.io', class: 'breaking', rule: 'conversion-webhook-removed', path: 'spec.conversion.strategy' }]);
  });

  const newRule = replaceOnce(
    '            description: TrainedModelSpec defines the TrainedModel spec\n',
    '            description: TrainedModelSpec defines the TrainedModel spec\n            x-kubernetes-validations:\n            - message: inferenceService is immutable\n              rule: self.inferenceService == oldSelf.inferenceService\n',
  );

  it('warnings: a new CEL rule passes with a warning that explains ratcheting, and fails with failOnWarnings', () => {
    const passing = commitAndRun('a CEL rule', { [TRAINED_MODELS]: newRule });
    assert.equal(passing.status, 0, passing.output);
    assert.match(passing.output, /⚠ trainedmodels\.serving\.example\.io: warning\n {4}warning spec\.versions\[name=v1alpha1\][^\n]*x-kubernetes-validations\[0\]: new validation rule [^\n]*ratcheting/);
    const celFinding = { crd: 'trainedmodels.serving.example.io', class: 'warning', rule: 'validation-rule-added', path: `${V1ALPHA1_SPEC}.x-kubernetes-validations[0]` };
    assert.deepEqual(findings(), [celFinding]);
    assert.deepEqual(annotations(passing.output).map(({ level, path }) => ({ level, path })), [{ level: 'warning', path: celFinding.path }]);
    const failing = commitAndRun('a CEL rule, strict', { [TRAINED_MODELS]: newRule }, { verify: { compatibility: { failOnWarnings: true } } });
    assert.notEqual(failing.status, 0, failing.output);
    assert.match(failing.output, /compatibility: 0 breaking, 1 warning \(failOnWarnings\)/);
    assert.deepEqual(findings(), [celFinding]);
    assert.deepEqual(annotations(failing.output).map(({ level, path }) => ({ level, path })), [{ level: 'error', path: celFinding.path }], 'failOnWarnings makes the warning an error');
  });

  it('additive: a new optional property and a new enum value pass as compatible', () => {
    const result = commitAndRun('additive', {
      [TRAINED_MODELS]: (text) =>
        replaceOnce('              inferenceService:\n', '              paused:\n                type: boolean\n              inferenceService:\n')(text).replace(/( {22}- Unknown\n)/g, '$1                      - Pending\n'),
    });
    assert.equal(result.status, 0, result.output);
    assert.match(result.output, /✔ trainedmodels\.serving\.example\.io: compatible \(\d+ compatible changes\)/);
    assert.match(result.output, /compatibility: 0 breaking, 0 warnings, 0 accepted, \d+ compatible changes/);
    assert.equal(report().compatibility.result, 'compatible');
    assert.deepEqual(findings(), []);
    const changes = (report().compatibility.compatibleChanges as Array<{ crd: string; path: string }>).map(({ crd, path }) => `${crd} ${path}`);
    assert.ok(changes.includes(`trainedmodels.serving.example.io ${V1ALPHA1_SPEC}.properties.paused`), changes.join('\n'));
  });

  it('allow-listed: an accepted breaking change passes and prints its reason', () => {
    const reason = 'no InferenceService name is longer than 30 characters in any cluster';
    const result = commitAndRun('accepted narrowing', { [TRAINED_MODELS]: replaceOnce('                maxLength: 63\n', '                maxLength: 30\n') }, {
      verify: { compatibility: { allow: [{ crd: 'trainedmodels.serving.example.io', path: `${V1ALPHA1_SPEC}.properties.inferenceService.maxLength`, reason }] } },
    });
    assert.equal(result.status, 0, result.output);
    assert.match(result.output, new RegExp(`accepted breaking ${escape(V1ALPHA1_SPEC)}[^\\n]*maxLength[^\\n]*\\n {8}reason: ${reason}`));
    assert.match(result.output, /^::notice file=[^\n]*accepted: no InferenceService name/m);
    const path = `${V1ALPHA1_SPEC}.properties.inferenceService.maxLength`;
    assert.deepEqual(findings(), [{ crd: 'trainedmodels.serving.example.io', class: 'breaking', rule: 'bound-tightened', path, accepted: reason }]);
    assert.deepEqual(annotations(result.output).map(({ level, path }) => ({ level, path })), [{ level: 'notice', path }]);
  });

  it('is keyed on the chart at previousRevision: moving HEAD alone re-runs verify, with the new baseline', () => {
    git('checkout', '-qf', base);
    configure({ previousRevision: 'HEAD' });
    workspace.write(TRAINED_MODELS, replaceOnce('                maxLength: 63\n', '                maxLength: 30\n')(workspace.read(TRAINED_MODELS)));
    assert.notEqual(workspace.nx(['run', 'chart:verify']).status, 0, 'breaking against HEAD');
    git('add', '-A', '--', EXAMPLE);
    git('commit', '-qm', 'the narrowing, with its regenerated chart');
    const committed = workspace.nx(['run', 'chart:verify']);
    assert.equal(committed.status, 0, committed.output);
    assert.equal(workspace.nx(['run', 'chart:verify']).status, 0);
    // Same files, but HEAD is the base again: the cached pass must not be replayed.
    git('reset', '-q', '--soft', 'HEAD~1');
    const moved = workspace.nx(['run', 'chart:verify']);
    assert.notEqual(moved.status, 0, moved.output);
    assert.ok(!cachedTasks(moved.output).includes('chart:verify'), moved.output);
  });

  it('a previousRevision that does not exist is an error', () => {
    git('checkout', '-qf', base);
    configure({ previousRevision: 'no-such-revision' });
    const result = workspace.nx(['run', 'chart:verify']);
    assert.notEqual(result.status, 0, result.output);
    assert.match(result.output, /previousRevision "no-such-revision" does not exist in this git repository/);
  });
});

/** The GitHub annotations of a run's findings: level, the chart file, the CRD (from the title) and the finding's path. */
function annotations(output: string): Array<{ level: string; file: string; crd: string; path: string }> {
  return [...output.matchAll(/^::(error|warning|notice) file=([^,]*)(?:,line=\d+)?,title=CRD (?:accepted )?\w+ change%3A ([^:]+)::([^:\s]+): /gm)].map(([, level, file, crd, path]) => ({
    level,
    file,
    crd,
    path,
  }));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
