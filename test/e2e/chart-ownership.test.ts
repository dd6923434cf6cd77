/**
 * Which chart files are ours, and where CRD files may go, end to end with real nx, kustomize and helm:
 * CRD fields that would walk out of the chart, templates that only look like they define a CRD, templated
 * files at our target path that really do, a kustomization that moved, and Helm syntax in a folder name.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CHART, CHART_CRDS, EXAMPLE, REPO_ROOT, createWorkspace, type TestWorkspace } from './workspace';

const EXAMPLE_KUSTOMIZATION = `${EXAMPLE}/config/crd`;
const TRAINED_MODELS = 'trainedmodels.serving.example.io';

/** The example's trainedmodels CRD exactly as Kustomize renders it (the committed chart file without its header). */
const trainedModelsText = (): string =>
  readFileSync(join(REPO_ROOT, CHART_CRDS, 'serving.example.io_trainedmodels.yaml'), 'utf8').replace(/^(?:#.*\n)+/, '');

/** A copy of the example chart as project `name` under cases/, taking its CRDs as `config` says. */
function addChart(workspace: TestWorkspace, name: string, config: Record<string, unknown>): string {
  const chart = `cases/${name}`;
  cpSync(workspace.path(CHART), workspace.path(chart), { recursive: true });
  workspace.write(`${chart}/project.json`, JSON.stringify({ name }, null, 2));
  const nxJson = JSON.parse(workspace.read('nx.json'));
  nxJson.plugins[0].options.charts[chart] = { kustomization: EXAMPLE_KUSTOMIZATION, ...config };
  workspace.write('nx.json', JSON.stringify(nxJson, null, 2));
  return chart;
}

/** Every file under a folder of the workspace, workspace-relative, with its content. */
function files(workspace: TestWorkspace, folder: string): Record<string, string> {
  if (!existsSync(workspace.path(folder))) return {};
  return Object.fromEntries(
    readdirSync(workspace.path(folder), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const path = join(entry.parentPath ?? entry.path, entry.name).slice(workspace.root.length + 1);
        return [path, workspace.read(path)];
      }),
  );
}

const crdWithGroup = (name: string, group: string) =>
  `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: ${name}\nspec:\n  group: ${group}\n  names:\n    kind: Widget\n    plural: widgets\n` +
  '  scope: Namespaced\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n        type: object\n';

describe('chart ownership and file names, with real nx, kustomize and helm', () => {
  let workspace: TestWorkspace;
  before(() => {
    workspace = createWorkspace();
    // The example chart itself is not under test here.
    const nxJson = JSON.parse(workspace.read('nx.json'));
    nxJson.plugins[0].options.charts = {};
    workspace.write('nx.json', JSON.stringify(nxJson, null, 2));
  });
  after(() => workspace.remove());

  it('refuses a CRD whose group or name would lead out of the chart, and creates nothing anywhere', () => {
    for (const [name, crd] of [
      ['traversal-group', crdWithGroup('widgets.example.io', '../../../.github/workflows/ci')],
      ['traversal-name', crdWithGroup('../../../escape-name', 'example.io')],
    ] as const) {
      workspace.write(`kustomizations/${name}/kustomization.yaml`, 'resources:\n- crd.yaml\n');
      workspace.write(`kustomizations/${name}/crd.yaml`, crd);
    }
    const group = addChart(workspace, 'traversal-group', { kustomization: 'kustomizations/traversal-group' });
    const name = addChart(workspace, 'traversal-name', { kustomization: 'kustomizations/traversal-name', fileName: '{name}.yaml' });
    const before = { ...files(workspace, group), ...files(workspace, name) };

    const result = workspace.nx(['run-many', '-t', 'crds', '-p', 'traversal-group', 'traversal-name']);
    assert.notEqual(result.status, 0, result.output);
    assert.match(
      result.output,
      /The CustomResourceDefinition widgets\.example\.io at line 1 of dist\/nx-helm-crds\/traversal-group\/kustomize\.yaml \(the output of kustomize build kustomizations\/traversal-group\) has `spec\.group` "\.\.\/\.\.\/\.\.\/\.github\/workflows\/ci", which is not a DNS-1123 subdomain .*: the API server rejects it, and nx-helm-crds names chart files after it\. Fix the resource or patch that produces it\./,
    );
    assert.match(result.output, /The CustomResourceDefinition at line 1 of .*kustomizations\/traversal-name\) has `metadata\.name` "\.\.\/\.\.\/\.\.\/escape-name", which is not a DNS-1123 subdomain/);
    assert.doesNotMatch(result.output, /\n\s+at \S+ \(/, 'no stack trace');
    assert.equal(existsSync(workspace.path('.github')), false, 'nothing written outside the chart');
    assert.equal(existsSync(workspace.path('escape-name.yaml')), false, 'nothing written outside the chart');
    assert.deepEqual({ ...files(workspace, group), ...files(workspace, name) }, before);
  });

  it('keeps the real CRD file when a template holds another object named like the CRD and mentions CustomResourceDefinition', () => {
    const chart = addChart(workspace, 'policy', {});
    assert.equal(workspace.nx(['run', 'policy:crds']).status, 0);
    const crdFile = `${chart}/crds/serving.example.io_trainedmodels.yaml`;
    const generated = workspace.read(crdFile);
    workspace.write(
      `${chart}/templates/policy.yaml`,
      '# Rejects changes to the CustomResourceDefinition of trained models.\n{{- if .Values.policy }}\n' +
        `apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata:\n  name: ${TRAINED_MODELS}\n` +
        'spec:\n  failurePolicy: Fail\n  matchConstraints:\n    resourceRules:\n    - apiGroups: ["apiextensions.k8s.io"]\n' +
        '      apiVersions: ["v1"]\n      operations: ["UPDATE"]\n      resources: ["customresourcedefinitions"]\n{{- end }}\n',
    );
    for (let run = 1; run <= 2; run++) {
      const result = workspace.nx(['run', 'policy:crds']);
      assert.equal(result.status, 0, result.output);
      assert.doesNotMatch(result.output, /^\s+removed |is provided by/m, result.output);
      assert.equal(workspace.read(crdFile), generated, `run ${run}`);
    }
  });

  it('takes a Makefile-style wrapper at its templates/ target path as providing the CRD, and verifies it through helm', () => {
    const chart = addChart(workspace, 'wrapper', { placement: 'templates', directory: 'templates/crd', fileName: '{plural}.{group}.yaml' });
    const wrapperPath = `${chart}/templates/crd/${TRAINED_MODELS}.yaml`;
    // The toggle and the conditional, namespace-templated annotation render to exactly Kustomize's CRD.
    const wrapper =
      '{{- if .Values.crds.enabled }}\n' +
      trainedModelsText().replace(
        '    cert-manager.io/inject-ca-from: example-system/example-serving-cert\n',
        '    {{- if .Values.certManager.enabled }}\n    cert-manager.io/inject-ca-from: {{ .Release.Namespace }}/example-serving-cert\n    {{- end }}\n',
      ) +
      '{{- end }}\n';
    assert.notEqual(wrapper, `{{- if .Values.crds.enabled }}\n${trainedModelsText()}{{- end }}\n`);
    workspace.write(wrapperPath, wrapper);
    workspace.write(`${chart}/values.yaml`, `${workspace.read(`${chart}/values.yaml`)}\ncrds:\n  enabled: true\ncertManager:\n  enabled: true\n`);

    const result = workspace.nx(['run', 'wrapper:crds']);
    assert.equal(result.status, 0, result.output);
    assert.match(result.output, new RegExp(`${TRAINED_MODELS.replace(/\./g, '\\.')} is provided by cases/wrapper/templates/crd/${TRAINED_MODELS.replace(/\./g, '\\.')}\\.yaml: no second copy written`));
    assert.match(result.output, /^2 written, 0 unchanged, 0 removed, 1 provided by other files$/m);
    assert.match(result.output, /verify cases\/wrapper \(rendered with helm template --namespace example-system\)/);
    assert.match(result.output, /3 in sync, 0 differ, 0 missing, 0 unmanaged/);
    assert.equal(workspace.read(wrapperPath), wrapper, 'the wrapper is never rewritten');
  });

  it('refuses a templated wrapper at its crds/ target path: Helm would install the template text as it is', () => {
    const chart = addChart(workspace, 'wrapper-crds', {});
    const path = `${chart}/crds/serving.example.io_trainedmodels.yaml`;
    const wrapper = `{{- if .Values.crds.enabled }}\n${trainedModelsText()}{{- end }}\n`;
    workspace.write(path, wrapper);
    const result = workspace.nx(['run', 'wrapper-crds:crds']);
    assert.notEqual(result.status, 0, result.output);
    assert.match(
      result.output,
      /crds\/serving\.example\.io_trainedmodels\.yaml already exists and was not generated by nx-helm-crds \(it holds Helm template syntax, but Helm never renders files outside templates\/ and would install it as it is/,
    );
    assert.equal(workspace.read(path), wrapper);
  });

  it('says that plain copies holding exactly Kustomize\'s data are in sync, and what one crds run changes', () => {
    const chart = addChart(workspace, 'plain-copies', {});
    // Another tool's copies: the same data, its own comment, a document marker, no nx-helm-crds header.
    for (const file of readdirSync(join(REPO_ROOT, CHART_CRDS))) {
      const body = readFileSync(join(REPO_ROOT, CHART_CRDS, file), 'utf8').replace(/^(?:#.*\n)+/, '');
      workspace.write(`${chart}/crds/${file}`, `# Copied by make helm-crds\n---\n${body}`);
    }
    const check = workspace.nx(['run', 'plain-copies:crds', '-c', 'check']);
    assert.notEqual(check.status, 0, check.output);
    assert.match(check.output, /would replace a plain copy cases\/plain-copies\/crds\/serving\.example\.io_trainedmodels\.yaml \(trainedmodels\.serving\.example\.io\)\n\s+in sync: same data as Kustomize, only the text differs/);
    assert.match(
      check.output,
      /cases\/plain-copies holds the same CRD data as examples\/operator\/config\/crd \(in sync\), but 3 file\(s\) differ in text only \(no nx-helm-crds header, comments, formatting\); verify reports them and fails\. Run `nx run plain-copies:crds` once and commit/,
    );
    // helm-crds only records the difference; verify is the step that fails the check, with the full report.
    assert.match(check.output, /cases\/plain-copies installs what Kustomize renders, but 3 generated file\(s\) differ in text from what helm-crds writes\. Run `nx run plain-copies:crds`/);
    assert.match(check.output, /Failed tasks:\s+- plain-copies:verify:check/);
    assert.doesNotMatch(check.output, /out of date|`nx run plain-copies:helm-crds`/);
    const run = workspace.nx(['run', 'plain-copies:crds']);
    assert.equal(run.status, 0, run.output);
    assert.match(workspace.read(`${chart}/crds/serving.example.io_trainedmodels.yaml`), /^# Code generated by nx-helm-crds from the kustomization examples\/operator\/config\/crd\. DO NOT EDIT\.\n# Regenerate with: nx run plain-copies:crds\n/);
    assert.equal(workspace.nx(['run', 'plain-copies:crds', '-c', 'check']).status, 0);
  });

  it('escapes Helm syntax of a kustomization folder name in the header of templates/, so Helm renders the chart', () => {
    const folder = 'kustomizations/k/{{fail "boom"}}';
    workspace.write(`${folder}/kustomization.yaml`, `resources:\n- ../../../${EXAMPLE_KUSTOMIZATION}\n`);
    const chart = addChart(workspace, 'braces', { kustomization: folder, placement: 'templates', directory: 'templates/crd' });
    const result = workspace.nx(['run', 'braces:crds']);
    assert.equal(result.status, 0, result.output);
    const header = workspace.read(`${chart}/templates/crd/serving.example.io_trainedmodels.yaml`).split('\n')[0];
    assert.equal(header, '# Code generated by nx-helm-crds from the kustomization kustomizations/k/{{ "{{" }}fail "boom"{{ "}}" }}. DO NOT EDIT.');
    assert.match(result.output, /verify cases\/braces \(rendered with helm template/);
    assert.match(result.output, /3 in sync, 0 differ, 0 missing, 0 unmanaged/);
    const again = workspace.nx(['run', 'braces:helm-crds', '--skip-nx-cache', '--exclude-task-dependencies']);
    assert.match(again.output, /0 written, 3 unchanged, 0 removed/, 'its own files are recognised after the round trip');
  });
});

describe('a kustomization that moved, next to another helm-crds target feeding the same chart', () => {
  let workspace: TestWorkspace;
  const moved = `${EXAMPLE}/config/crd-for-chart`;
  before(() => {
    workspace = createWorkspace({ keepGeneratedCrds: true });
    // Another project's helm-crds target writes the trainedmodels CRD into the same chart from its own kustomization.
    workspace.write('kustomizations/extra/kustomization.yaml', 'resources:\n- crd.yaml\n');
    workspace.write('kustomizations/extra/crd.yaml', trainedModelsText());
    workspace.write(
      'extra/project.json',
      JSON.stringify(
        {
          name: 'extra',
          targets: {
            'kustomize-extra': { executor: 'nx-helm-crds:kustomize-build', options: { kustomization: 'kustomizations/extra', outputFile: 'dist/extra.yaml' } },
            'helm-crds-extra': {
              executor: 'nx-helm-crds:helm-crds',
              dependsOn: ['kustomize-extra'],
              options: { chart: CHART, buildTarget: 'kustomize-extra', fileName: '{name}.yaml' },
            },
          },
        },
        null,
        2,
      ),
    );
  });
  after(() => workspace.remove());

  it("takes over its own files after the kustomization is wrapped in another folder, reporting the move, and leaves the other target's file alone", () => {
    const ownCopy = `${CHART_CRDS}/serving.example.io_trainedmodels.yaml`;
    const extraFile = `${CHART_CRDS}/${TRAINED_MODELS}.yaml`;
    rmSync(workspace.path(ownCopy));
    const extra = workspace.nx(['run', 'extra:helm-crds-extra']);
    assert.equal(extra.status, 0, extra.output);
    const extraText = workspace.read(extraFile);
    assert.match(extraText, /^# Code generated by nx-helm-crds from the kustomization kustomizations\/extra\. DO NOT EDIT\.\n/);
    workspace.write(ownCopy, readFileSync(join(REPO_ROOT, ownCopy), 'utf8'));

    // The chart's kustomization is wrapped: its files now come from another folder.
    workspace.write(`${moved}/kustomization.yaml`, 'resources:\n- ../crd\n');
    const nxJson = JSON.parse(workspace.read('nx.json'));
    nxJson.plugins[0].options.charts[CHART].kustomization = moved;
    workspace.write('nx.json', JSON.stringify(nxJson, null, 2));

    const result = workspace.nx(['run', 'chart:crds']);
    assert.equal(result.status, 0, result.output);
    const was = 'it was generated from the kustomization examples/operator/config/crd, which no helm-crds target uses any more'.replace(/[/.]/g, '\\$&');
    assert.match(result.output, new RegExp(`took over examples/operator/chart/crds/serving\\.example\\.io_inferenceservices\\.yaml \\(inferenceservices\\.serving\\.example\\.io; ${was}\\)`));
    assert.match(result.output, /removed examples\/operator\/chart\/crds\/serving\.example\.io_trainedmodels\.yaml \(its CRD is no longer rendered or is provided by another file, taken over from the kustomization examples\/operator\/config\/crd/);
    assert.match(result.output, /trainedmodels\.serving\.example\.io is provided by examples\/operator\/chart\/crds\/trainedmodels\.serving\.example\.io\.yaml: no second copy written/);
    assert.match(result.output, /2 written, 0 unchanged, 1 removed, 1 provided by other files/);
    assert.match(result.output, /3 in sync, 0 differ, 0 missing, 0 unmanaged/);
    for (const file of ['serving.example.io_inferenceservices.yaml', 'serving.example.io_servingruntimes.yaml']) {
      assert.match(workspace.read(`${CHART_CRDS}/${file}`), new RegExp(`^# Code generated by nx-helm-crds from the kustomization ${moved.replace(/[/.]/g, '\\$&')}\\. DO NOT EDIT\\.\\n# Regenerate with: nx run chart:crds\\n`));
    }
    assert.equal(workspace.read(extraFile), extraText, "the other target's file is neither taken over nor removed");
    assert.equal(existsSync(workspace.path(ownCopy)), false);
  });
});
