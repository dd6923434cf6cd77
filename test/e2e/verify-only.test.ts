import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EXAMPLE, PINNED_KUBECTL, REPO_ROOT, cachedTasks, createWorkspace, type TestWorkspace } from './workspace';

const { validateAgainstSchema } = require(join(REPO_ROOT, 'packages/nx-helm-crds/dist/testing/json-schema-subset.js')) as {
  validateAgainstSchema: (value: unknown, schema: unknown) => string[];
};
const { escapeHelmBraces } = require(join(REPO_ROOT, 'packages/nx-helm-crds/dist/core/chart/generated-file.js')) as { escapeHelmBraces: (text: string) => string };
const REPORT_SCHEMA = JSON.parse(readFileSync(join(REPO_ROOT, 'packages/nx-helm-crds/schemas/verify-report.schema.json'), 'utf8'));

const CHART = 'charts/operator';
const KUSTOMIZATION = `${EXAMPLE}/config/default`;
/** The labels kubebuilder's chart adds to every resource; Kustomize has only app.kubernetes.io/part-of. */
const CHART_LABELS = ['helm.sh/chart', 'app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/managed-by'];

/**
 * A chart shaped like kubebuilder's Helm plugin makes it: templates/crd/<plural>.<group>.yaml, each CRD under
 * `{{- if .Values.crd.enable }}`, with the chart's labels, the keep policy behind `crd.keep`, and the webhook
 * namespace templated. Another tool generates it: nx-helm-crds must only verify it.
 */
function writeKubebuilderChart(workspace: TestWorkspace): string[] {
  workspace.write(`${CHART}/Chart.yaml`, 'apiVersion: v2\nname: operator\ndescription: kubebuilder-style chart\ntype: application\nversion: 0.1.0\nappVersion: "0.1.0"\n');
  workspace.write(`${CHART}/values.yaml`, 'crd:\n  enable: true\n  keep: true\n');
  workspace.write(
    `${CHART}/templates/_helpers.tpl`,
    [
      '{{- define "chart.labels" -}}',
      'helm.sh/chart: {{ .Chart.Version | quote }}',
      'app.kubernetes.io/name: {{ .Chart.Name }}',
      'app.kubernetes.io/instance: {{ .Release.Name }}',
      'app.kubernetes.io/managed-by: {{ .Release.Service }}',
      '{{- end }}',
      '',
    ].join('\n'),
  );
  const stream = execFileSync(PINNED_KUBECTL, ['kustomize', workspace.path(KUSTOMIZATION)], { encoding: 'utf8' });
  const files: string[] = [];
  for (const document of stream.split(/^---\n/m).filter((text) => text.includes('kind: CustomResourceDefinition'))) {
    const name = /^ {2}name: (\S+)$/m.exec(document)![1];
    const templated = escapeHelmBraces(document)
      .replace('  labels:\n', '  labels:\n    {{- include "chart.labels" . | nindent 4 }}\n')
      .replace('  annotations:\n', '  annotations:\n    {{- if .Values.crd.keep }}\n    "helm.sh/resource-policy": keep\n    {{- end }}\n')
      .replace(/example-system\/example-serving-cert/g, '{{ .Release.Namespace }}/example-serving-cert')
      .replace(/namespace: example-system\n/g, 'namespace: {{ .Release.Namespace }}\n');
    const file = `${CHART}/templates/crd/${name}.yaml`;
    workspace.write(file, `{{- if .Values.crd.enable }}\n---\n${templated}{{- end -}}\n`);
    files.push(file);
  }
  return files;
}

function configure(workspace: TestWorkspace, verify: Record<string, unknown> = {}): void {
  const nxJson = JSON.parse(workspace.read('nx.json'));
  nxJson.plugins = [
    {
      plugin: 'nx-helm-crds',
      options: {
        charts: {
          [CHART]: {
            kustomization: KUSTOMIZATION,
            generate: false,
            verify: { releaseName: 'operator', namespace: 'example-system', ignore: CHART_LABELS.map((label) => `metadata.labels["${label}"]`), ...verify },
          },
        },
      },
    },
  ];
  workspace.write('nx.json', JSON.stringify(nxJson, null, 2));
}

const snapshot = (workspace: TestWorkspace) =>
  Object.fromEntries(readdirSync(workspace.path(CHART), { recursive: true, encoding: 'utf8' }).sort().map((file) => [file, existsSync(workspace.path(`${CHART}/${file}`)) && !file.endsWith('crd') && !file.endsWith('templates') ? workspace.read(`${CHART}/${file}`) : '']));

describe('verify-only: a chart kubebuilder\'s Helm plugin generates (generate: false)', () => {
  let workspace: TestWorkspace;
  let files: string[];
  before(() => {
    workspace = createWorkspace();
    files = writeKubebuilderChart(workspace);
    configure(workspace);
  });
  after(() => workspace.remove());

  it('proves through helm that the chart installs what Kustomize renders, writing nothing to the chart; a second run is all cache', () => {
    const before = snapshot(workspace);
    const result = workspace.nx(['run', 'operator:crds']);
    assert.equal(result.status, 0, result.output);
    assert.match(result.output, /generate: false: charts\/operator's CRD files come from another tool; nothing written/);
    assert.match(result.output, /verify charts\/operator \(rendered with helm template --namespace example-system\)/);
    assert.match(result.output, /3 in sync, 0 differ, 0 missing, 0 unmanaged/);
    // The keep annotation kubebuilder adds by default is ignored without being configured.
    assert.match(result.output, /ignored paths: .*metadata\.annotations\["helm\.sh\/resource-policy"\]/);
    assert.deepEqual(snapshot(workspace), before, 'the chart is untouched');
    const report = JSON.parse(workspace.read('dist/nx-helm-crds/operator/verify.json'));
    assert.deepEqual(validateAgainstSchema(report, REPORT_SCHEMA), []);
    assert.equal(report.result, 'in-sync');
    assert.equal(report.generated, false);
    assert.deepEqual(report.files, []);
    assert.deepEqual(report.crds.map((crd: { files: string[] }) => crd.files[0]), files.map((file) => file.slice(CHART.length + 1)).sort());

    const again = workspace.nx(['run', 'operator:crds', '-c', 'check']);
    assert.equal(again.status, 0, again.output);
    const warm = workspace.nx(['run', 'operator:crds', '-c', 'check']);
    assert.equal(warm.status, 0, warm.output);
    assert.deepEqual(cachedTasks(warm.output).sort(), ['operator:crds:check', 'operator:helm-crds:check', 'operator:kustomize-build', 'operator:verify:check']);
  });

  it('fails when the generated chart drifts from Kustomize, naming the path, and still writes nothing', () => {
    const file = files.find((candidate) => candidate.includes('trainedmodels'))!;
    const original = workspace.read(file);
    workspace.write(file, original.replace('strategy: Webhook', 'strategy: None'));
    try {
      const result = workspace.nx(['run', 'operator:crds', '-c', 'check']);
      // Nx 24.0 exits 130, not 1, when a failed task (verify) has dependents it skips (crds).
      assert.equal(result.status, 130, result.output);
      assert.match(result.output, /✖ trainedmodels\.serving\.example\.io: differs from Kustomize \[templates\/crd\/trainedmodels\.serving\.example\.io\.yaml\]/);
      assert.match(result.output, /spec\.conversion\.strategy: "Webhook" in Kustomize, "None" in chart/);
      assert.match(result.output, /Regenerate the chart with the tool that generates it/);
      assert.match(workspace.read(file), /strategy: None/);
    } finally {
      workspace.write(file, original);
    }
  });

  it('without the ignore list, the labels the chart adds are reported, each by path', () => {
    configure(workspace, { ignore: [] });
    try {
      const result = workspace.nx(['run', 'operator:verify', '--exclude-task-dependencies']);
      assert.equal(result.status, 1, result.output);
      assert.match(result.output, /metadata\.labels\["helm\.sh\/chart"\]: absent in Kustomize, "0\.1\.0" in chart/);
    } finally {
      configure(workspace);
    }
  });
});

describe('a chart whose dependencies are not vendored (offline CI)', () => {
  let workspace: TestWorkspace;
  before(() => {
    workspace = createWorkspace();
    writeKubebuilderChart(workspace);
    configure(workspace);
    // An OCI subchart that is not in charts/: helm template alone fails ("missing in charts/ directory").
    workspace.write(
      `${CHART}/Chart.yaml`,
      `${workspace.read(`${CHART}/Chart.yaml`)}dependencies:\n  - name: common\n    version: 2.x.x\n    repository: oci://registry-1.docker.io/bitnamicharts\n    condition: common.enabled\n`,
    );
    workspace.write(`${CHART}/values.yaml`, `${workspace.read(`${CHART}/values.yaml`)}common:\n  enabled: true\n`);
    // A parent template that needs the subchart when its condition is on.
    workspace.write(`${CHART}/templates/uses-common.yaml`, '{{- if .Values.common.enabled }}\n{{ include "common.names.fullname" . }}\n{{- end }}\n');
  });
  after(() => workspace.remove());

  it("renders the chart's own templates without the dependency and says so; the chart is not touched", () => {
    const chartYaml = workspace.read(`${CHART}/Chart.yaml`);
    const result = workspace.nx(['run', 'operator:crds', '-c', 'check']);
    assert.equal(result.status, 0, result.output);
    assert.match(result.output, /rendered without the dependencies common: they are not in charts\/operator\/charts\/ \(run `helm dependency build charts\/operator`/);
    assert.match(result.output, /3 in sync, 0 differ/);
    const report = JSON.parse(workspace.read('dist/nx-helm-crds/operator/verify.json'));
    assert.deepEqual(validateAgainstSchema(report, REPORT_SCHEMA), []);
    assert.deepEqual(report.missingDependencies, ['common']);
    assert.equal(report.rendered, true);
    assert.equal(workspace.read(`${CHART}/Chart.yaml`), chartYaml);
    assert.equal(existsSync(workspace.path(`${CHART}/charts`)), false);
  });

  it('requireDependencies: true fails, saying to build the dependencies first', () => {
    configure(workspace, { requireDependencies: true });
    try {
      const result = workspace.nx(['run', 'operator:verify', '--exclude-task-dependencies']);
      assert.equal(result.status, 1, result.output);
      assert.match(result.output, /missing in charts\/ directory: common/);
      assert.match(result.output, /requireDependencies is set: run `helm dependency build charts\/operator` before verify/);
    } finally {
      configure(workspace);
    }
  });
});
