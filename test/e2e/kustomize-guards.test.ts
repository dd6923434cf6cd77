/**
 * The kustomize-build guards, end to end with real nx and kustomize: other spellings of the guarded flags are
 * refused, a kustomization whose input files cannot be read is not built (unless allowed, and then never
 * cached), and the inferred inputs follow a generator or transformer config that starts naming a new file.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CHART, EXAMPLE, PINNED_KUBECTL, cachedTasks, createWorkspace, executedTasks, type NxResult, type TestWorkspace } from './workspace';

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.io
spec:
  group: example.io
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object}}
`;

const plugin = (charts: Record<string, Record<string, unknown>>, options: Record<string, unknown> = {}) =>
  JSON.stringify({ cacheDirectory: '.nx/cache', plugins: [{ plugin: 'nx-helm-crds', options: { charts, ...options } }] }, null, 2);

/** The lines of Nx's output for one task, up to the next task (run-many prints them one task after another). */
function taskOutput(output: string, task: string): string {
  const lines = output.split('\n');
  const start = lines.findIndex((line) => line.trimEnd() === `> nx run ${task}`);
  if (start === -1) return '';
  const end = lines.findIndex((line, index) => index > start && (/^(>|✔|✖)\s+nx run /.test(line) || /^\s+(Run duration|Successfully ran|Ran target)/.test(line)));
  return lines.slice(start + 1, end === -1 ? undefined : end).join('\n');
}

describe('kustomize-build guards', () => {
  let workspace: TestWorkspace;
  let outside: string;
  let result: NxResult;
  const marker = () => join(workspace.root, 'helm-ran');

  before(() => {
    workspace = createWorkspace();
    outside = mkdtempSync(join(tmpdir(), 'nx-helm-crds-outside-base-'));
    writeFileSync(join(outside, 'kustomization.yaml'), 'resources:\n- crd.yaml\n');
    writeFileSync(join(outside, 'crd.yaml'), CRD);
    // A kustomization Helm would inflate: without the guard, the helm command below runs.
    workspace.write('kustomizations/helm/kustomization.yaml', 'resources:\n- crd.yaml\nhelmCharts:\n- name: demo\n');
    workspace.write('kustomizations/helm/crd.yaml', CRD);
    workspace.write('kustomizations/helm/charts/demo/Chart.yaml', 'apiVersion: v2\nname: demo\nversion: 0.1.0\n');
    workspace.write('fake/helm.sh', `#!/bin/sh\necho "$@" >> ${marker()}\necho v3.99.0\n`);
    chmodSync(workspace.path('fake/helm.sh'), 0o755);
    workspace.write('kustomizations/outside/kustomization.yaml', `resources:\n- ${relative(workspace.path('kustomizations/outside'), outside)}\n`);
    const charts: Record<string, Record<string, unknown>> = {
      'cases/enable-helm-underscore': { kustomization: 'kustomizations/helm', args: ['--enable_helm', '--helm_command=fake/helm.sh'] },
      'cases/load-restrictor-underscore': { kustomization: `${EXAMPLE}/config/crd`, args: ['--load_restrictor=LoadRestrictionsNone'] },
      'cases/env-shorthand': { kustomization: `${EXAMPLE}/config/crd`, args: ['-eSECRET=1'] },
      'cases/kubectl-flag': { kustomization: `${EXAMPLE}/config/crd`, args: ['--profile=cpu', '--profile-output=profile.out'] },
      'cases/outside-base': { kustomization: 'kustomizations/outside' },
    };
    for (const chart of Object.keys(charts)) workspace.write(`${chart}/Chart.yaml`, `apiVersion: v2\nname: ${chart.split('/')[1]}\nversion: 0.1.0\n`);
    workspace.write('nx.json', plugin(charts));
    result = workspace.nx(['run-many', '-t', 'kustomize-build', '-p', Object.keys(charts).map((chart) => chart.split('/')[1]).join(','), '--skip-nx-cache']);
  });
  after(() => {
    workspace.remove();
    rmSync(outside, { recursive: true, force: true });
  });

  const refused: [string, RegExp][] = [
    ['enable-helm-underscore', /args \["--enable_helm","--helm_command=fake\/helm\.sh"\] contain --enable_helm, which switches off a Kustomize safety default\. Remove it from args and set the kustomize-build option `enableHelm: true`/],
    ['load-restrictor-underscore', /contain --load_restrictor=LoadRestrictionsNone, which switches off a Kustomize safety default\. Remove it from args and set the kustomize-build option `loadRestrictor: "none"`/],
    ['env-shorthand', /contain -eSECRET=1, which switches off a Kustomize safety default\. Remove it from args and set the kustomize-build option `enableAlphaPlugins: true`/],
    ['kubectl-flag', /contain --profile=cpu, which nx-helm-crds does not pass to Kustomize\. Accepted in args: --reorder, /],
  ];
  for (const [project, message] of refused) {
    it(`${project}: refused before kustomize runs, naming what to do`, () => {
      assert.notEqual(result.status, 0);
      assert.match(taskOutput(result.output, `${project}:kustomize-build`), message, result.output);
      assert.ok(!existsSync(workspace.path(`dist/nx-helm-crds/${project}/kustomize.yaml`)));
    });
  }

  it('the helm command passed with underscore flags never ran, and no profile was written', () => {
    assert.equal(existsSync(marker()), false);
    assert.equal(existsSync(workspace.path('profile.out')), false);
  });

  it('a base outside the workspace fails the build with the graph error, naming the opt-in', () => {
    const output = taskOutput(result.output, 'outside-base:kustomize-build');
    assert.match(output, /The kustomization kustomizations\/outside is not built: its input files could not be read: kustomizations\/outside\/kustomization\.yaml: resources\[0\] "[^"]+" points outside the workspace/);
    assert.match(output, /set the plugin option `unreadableInputs: "uncached"` \(or the executor option `allowUnreadableInputs: true` with `cache: false` on the target\)/);
    assert.doesNotMatch(output, /kustomize build kustomizations\/outside \(/, 'kustomize was not started');
    assert.ok(!existsSync(workspace.path('dist/nx-helm-crds/outside-base/kustomize.yaml')));
  });

  it('with unreadableInputs: "uncached", it builds, is never served from the cache, and sees edits outside the workspace', () => {
    workspace.write('nx.json', plugin({ 'cases/outside-base': { kustomization: 'kustomizations/outside' } }, { unreadableInputs: 'uncached' }));
    const shown = JSON.parse(workspace.nx(['show', 'project', 'outside-base', '--json']).output) as { targets: Record<string, { cache?: boolean; metadata?: { description?: string } }> };
    assert.equal(shown.targets['kustomize-build'].cache, false);
    assert.match(String(shown.targets['kustomize-build'].metadata?.description), /never cached: its input files could not be read/);
    const first = workspace.nx(['run', 'outside-base:kustomize-build']);
    assert.equal(first.status, 0, first.output);
    assert.match(first.output, /The input files of kustomizations\/outside could not be read \(.*points outside the workspace.*\)\. Building it anyway/);
    assert.match(workspace.read('dist/nx-helm-crds/outside-base/kustomize.yaml'), /name: widgets\.example\.io/);
    writeFileSync(join(outside, 'crd.yaml'), CRD.replace('name: widgets.example.io', 'name: widgets.example.io\n  labels: {edited: outside}'));
    const second = workspace.nx(['run', 'outside-base:kustomize-build']);
    assert.equal(second.status, 0, second.output);
    assert.deepEqual(cachedTasks(second.output), []);
    assert.deepEqual(executedTasks(second.output), ['outside-base:kustomize-build']);
    assert.match(workspace.read('dist/nx-helm-crds/outside-base/kustomize.yaml'), /edited: outside/);
  });

  it('verify refuses a reference overlay it cannot vouch for (outside the workspace, or remote), before kustomize fetches anything', () => {
    workspace.write('kustomizations/remote-overlay/kustomization.yaml', 'resources:\n- ../../examples/operator/config/crd\n- https://github.com/example/operator//config/webhook?ref=v1.0.0\n');
    const charts = {
      'cases/overlay-outside': { kustomization: `${EXAMPLE}/config/crd`, verify: { referenceOverlay: 'kustomizations/outside' } },
      'cases/overlay-remote': { kustomization: `${EXAMPLE}/config/crd`, verify: { referenceOverlay: 'kustomizations/remote-overlay' } },
    };
    for (const chart of Object.keys(charts)) workspace.write(`${chart}/Chart.yaml`, `apiVersion: v2\nname: ${chart.split('/')[1]}\nversion: 0.1.0\n`);
    workspace.write('nx.json', plugin(charts));
    // A kubectl (kustomize through it) that records what it is asked to build, then builds it: the overlays must never reach it.
    const calls = workspace.path('kustomize-calls');
    workspace.write('fake/kubectl', `#!/bin/sh\necho "$@" >> ${calls}\nexec ${PINNED_KUBECTL} "$@"\n`);
    chmodSync(workspace.path('fake/kubectl'), 0o755);
    const run = workspace.nx(['run-many', '-t', 'verify', '-p', 'overlay-outside,overlay-remote'], { NX_HELM_CRDS_KUSTOMIZE: workspace.path('fake/kubectl') });
    assert.notEqual(run.status, 0, run.output);
    assert.match(
      taskOutput(run.output, 'overlay-outside:verify'),
      /The reference overlay kustomizations\/outside is not built: its input files could not be read: .*points outside the workspace[\s\S]*Point referenceOverlay at a kustomization whose files are all in the workspace/,
    );
    assert.match(
      taskOutput(run.output, 'overlay-remote:verify'),
      /The reference overlay kustomizations\/remote-overlay references remote resources[\s\S]*https:\/\/github\.com\/example\/operator\/\/config\/webhook\?ref=v1\.0\.0[\s\S]*a reference overlay is part of verify's cache key/,
    );
    const built = readFileSync(calls, 'utf8');
    assert.match(built, /examples\/operator\/config\/crd/, 'the own kustomization of the charts was built through the recording kustomize');
    assert.doesNotMatch(built, /outside|remote-overlay/, 'kustomize never started on either overlay');
  });
});

/**
 * The example chart built from a kustomization whose generator config and transformer config each name a file:
 * when a config switches to another file, the inferred inputs follow without deleting .nx/workspace-data, so an
 * edit of the newly named file is not served stale from the cache.
 */
describe('inferred inputs follow generator and transformer configs', () => {
  let workspace: TestWorkspace;
  const KUSTOMIZATION = 'kustomizations/switching';
  const generator = (file: string) =>
    `apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata: {name: settings}\noptions: {disableNameSuffixHash: true}\nfiles: [note=${file}]\n`;
  const transformer = (file: string) => `apiVersion: builtin\nkind: PatchTransformer\nmetadata: {name: label}\npath: ${file}\ntarget: {kind: CustomResourceDefinition}\n`;
  const labelPatch = (value: string) => `- op: add\n  path: /metadata/labels\n  value: {patched: ${value}}\n`;
  const chartCrd = () => workspace.read(`${CHART}/crds/example.io_widgets.yaml`);
  const buildInputs = (env?: NodeJS.ProcessEnv): string[] => {
    const shown = workspace.nx(['show', 'project', 'chart', '--json'], env);
    return (JSON.parse(shown.output) as { targets: Record<string, { inputs: unknown[] }> }).targets['kustomize-build'].inputs.filter((input): input is string => typeof input === 'string');
  };
  /** Runs helm-crds (and so kustomize-build) and returns whether kustomize-build was served from the cache. */
  const build = (): boolean => {
    const result = workspace.nx(['run', 'chart:helm-crds']);
    assert.equal(result.status, 0, result.output);
    return cachedTasks(result.output).includes('chart:kustomize-build');
  };

  before(() => {
    // Inputs inferred anew across commands, as Nx loads the plugin by default and in the daemon's workers.
    workspace = createWorkspace({ isolatedPlugins: true });
    workspace.write(
      `${KUSTOMIZATION}/kustomization.yaml`,
      'resources:\n- crd.yaml\ngenerators:\n- generator.yaml\ntransformers:\n- transformer.yaml\nreplacements:\n' +
        '- source: {kind: ConfigMap, name: settings, fieldPath: data.note}\n  targets:\n  - select: {kind: CustomResourceDefinition}\n' +
        '    fieldPaths: [metadata.annotations.note]\n    options: {create: true}\n',
    );
    workspace.write(`${KUSTOMIZATION}/crd.yaml`, CRD);
    workspace.write(`${KUSTOMIZATION}/generator.yaml`, generator('note-a.txt'));
    workspace.write(`${KUSTOMIZATION}/note-a.txt`, 'from-a');
    workspace.write(`${KUSTOMIZATION}/note-b.txt`, 'from-b');
    workspace.write(`${KUSTOMIZATION}/transformer.yaml`, transformer('patch-a.yaml'));
    workspace.write(`${KUSTOMIZATION}/patch-a.yaml`, labelPatch('a'));
    workspace.write(`${KUSTOMIZATION}/patch-b.yaml`, labelPatch('b'));
    workspace.write(`${KUSTOMIZATION}/patch-c.yaml`, labelPatch('c'));
    workspace.write('nx.json', plugin({ [CHART]: { kustomization: KUSTOMIZATION } }));
    assert.equal(build(), false);
    assert.match(chartCrd(), /note: from-a/);
    assert.match(chartCrd(), /patched: a/);
  });
  after(() => {
    workspace.nx(['daemon', '--stop'], { NX_DAEMON: 'true' });
    workspace.remove();
  });

  it('a generator config switching to a new file: the file becomes an input, and its edit rebuilds the chart', () => {
    workspace.write(`${KUSTOMIZATION}/generator.yaml`, generator('note-b.txt'));
    const inputs = buildInputs();
    assert.ok(inputs.includes(`{workspaceRoot}/${KUSTOMIZATION}/note-b.txt`), inputs.join('\n'));
    assert.ok(!inputs.includes(`{workspaceRoot}/${KUSTOMIZATION}/note-a.txt`), inputs.join('\n'));
    assert.equal(build(), false);
    assert.match(chartCrd(), /note: from-b/);
    workspace.write(`${KUSTOMIZATION}/note-b.txt`, 'from-b-edited');
    assert.equal(build(), false, 'the edit of the newly named file is not a cache hit');
    assert.match(chartCrd(), /note: from-b-edited/);
  });

  it('a transformer config switching to a new file: the file becomes an input, and its edit rebuilds the chart', () => {
    workspace.write(`${KUSTOMIZATION}/transformer.yaml`, transformer('patch-b.yaml'));
    assert.equal(build(), false);
    assert.match(chartCrd(), /patched: b/);
    assert.ok(buildInputs().includes(`{workspaceRoot}/${KUSTOMIZATION}/patch-b.yaml`));
    workspace.write(`${KUSTOMIZATION}/patch-b.yaml`, labelPatch('b-edited'));
    assert.equal(build(), false, 'the edit of the newly named file is not a cache hit');
    assert.match(chartCrd(), /patched: b-edited/);
    assert.equal(build(), true, 'and with nothing changed, the build is served from the cache');
  });

  it('with the Nx daemon too: the inputs follow a config that switches to a new file', () => {
    const daemon = { NX_DAEMON: 'true' };
    assert.ok(buildInputs(daemon).includes(`{workspaceRoot}/${KUSTOMIZATION}/patch-b.yaml`));
    workspace.write(`${KUSTOMIZATION}/transformer.yaml`, transformer('patch-c.yaml'));
    const inputs = buildInputs(daemon);
    assert.ok(inputs.includes(`{workspaceRoot}/${KUSTOMIZATION}/patch-c.yaml`), inputs.join('\n'));
    assert.ok(!inputs.includes(`{workspaceRoot}/${KUSTOMIZATION}/patch-b.yaml`), inputs.join('\n'));
  });
});
