import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { crdYaml } from '../../testing/crd-fixtures';
import { PINNED_TOOLS, skipWithoutPinned } from '../../testing/pinned-tools';
import type { ChartCrdsTarget } from '../chart/chart-crds-target';
import { renderGeneratedFile } from '../chart/generated-file';
import { DEFAULT_FILE_NAME_PATTERN } from '../crd/model';
import { UserError } from '../shared/errors';
import type { ToolTime } from '../shared/tool-time';
import { verifyChart, type VerifyChartRequest } from './verify-chart';
import { verifyFormat, verifyLogLines } from './verify-output';

const SOURCE = { kustomization: 'config/crd', regenerate: 'nx run demo:crds' };
const WIDGETS = crdYaml('widgets', 'example.io');
const GADGETS = crdYaml('gadgets', 'example.io');

/** A workspace (outside any git repository) with a chart, charts/demo, and a Kustomize output, dist/kustomize.yaml. */
class Workspace {
  readonly root = mkdtempSync(join(tmpdir(), 'nx-helm-crds-verify-chart-'));

  constructor(kustomizeOutput: string, chartFiles: Record<string, string>) {
    this.write('dist/kustomize.yaml', kustomizeOutput);
    this.write('charts/demo/Chart.yaml', 'apiVersion: v2\nname: demo\nversion: 0.1.0\n');
    for (const [path, text] of Object.entries(chartFiles)) this.write(`charts/demo/${path}`, text);
  }

  write(path: string, text: string): void {
    mkdirSync(dirname(join(this.root, path)), { recursive: true });
    writeFileSync(join(this.root, path), text);
  }

  target(overrides: Partial<ChartCrdsTarget> = {}): ChartCrdsTarget {
    return {
      workspaceRoot: this.root,
      chart: 'charts/demo',
      kustomizeOutput: { file: 'dist/kustomize.yaml', kustomization: SOURCE.kustomization },
      layout: { placement: 'crds', fileName: DEFAULT_FILE_NAME_PATTERN },
      allowEmpty: false,
      generate: true,
      regenerate: SOURCE.regenerate,
      otherKustomizations: [],
      previousRevision: 'HEAD',
      ...overrides,
    };
  }

  request(overrides: Partial<VerifyChartRequest> = {}, target: Partial<ChartCrdsTarget> = {}): VerifyChartRequest {
    return {
      target: this.target(target),
      reportPath: join(this.root, 'dist/verify.json'),
      helmMode: 'never',
      releaseName: 'demo',
      valuesFiles: [],
      set: [],
      ignore: [],
      ...overrides,
    };
  }

  writtenReport(): unknown {
    return JSON.parse(readFileSync(join(this.root, 'dist/verify.json'), 'utf8'));
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

const generated = (crd: string) => renderGeneratedFile(crd, SOURCE, false);
const statuses = (result: Awaited<ReturnType<typeof verifyChart>>) => Object.fromEntries(result.verification.crds.map((verdict) => [verdict.name, verdict.status]));

describe('verifyChart, comparing the chart files (not rendered)', () => {
  it('passes a chart that holds exactly what helm-crds writes, and writes the report it returns', async () => {
    const workspace = new Workspace(`${WIDGETS}---\n${GADGETS}`, { 'crds/example.io_widgets.yaml': generated(WIDGETS), 'crds/example.io_gadgets.yaml': generated(GADGETS) });
    try {
      const result = await verifyChart(workspace.request());
      assert.equal(result.report.result, 'in-sync');
      assert.equal(result.failure, undefined);
      assert.equal(result.rendered, false);
      assert.deepEqual(statuses(result), { 'gadgets.example.io': 'in-sync', 'widgets.example.io': 'in-sync' });
      assert.deepEqual(result.files, []);
      assert.deepEqual(result.findings, []);
      assert.deepEqual(workspace.writtenReport(), JSON.parse(JSON.stringify(result.report)));
      assert.equal(result.report.step, 'verify');
      assert.equal(result.report.written, false);
      assert.equal(result.report.generated, true);
      // Outside git the compatibility guard has nothing to compare with: it says so, and the chart still passes.
      assert.equal(result.compatibility?.result.result, 'skipped');
      assert.equal(result.report.compatibility?.result, 'skipped');
    } finally {
      workspace.remove();
    }
  });

  it('reports a changed and a missing CRD as drift, with the files helm-crds would write', async () => {
    const changed = generated(WIDGETS).replace('scope: Namespaced', 'scope: Cluster');
    const workspace = new Workspace(`${WIDGETS}---\n${GADGETS}`, { 'crds/example.io_widgets.yaml': changed });
    try {
      const result = await verifyChart(workspace.request({ compatibility: { enabled: false } }));
      assert.equal(result.report.result, 'drift');
      assert.deepEqual(statuses(result), { 'gadgets.example.io': 'missing', 'widgets.example.io': 'differs' });
      const widgets = result.verification.crds.find((verdict) => verdict.name === 'widgets.example.io')!;
      assert.deepEqual(widgets.files, ['crds/example.io_widgets.yaml']);
      assert.deepEqual(widgets.differences?.map(({ path, expected, actual }) => ({ path, expected, actual })), [{ path: 'spec.scope', expected: 'Namespaced', actual: 'Cluster' }]);
      assert.deepEqual(result.files, [
        { path: 'crds/example.io_widgets.yaml', crds: ['widgets.example.io'], change: 'update', textOnly: false },
        { path: 'crds/example.io_gadgets.yaml', crds: ['gadgets.example.io'], change: 'create', textOnly: false },
      ]);
      assert.equal(result.compatibility, undefined, 'the guard is off');
      assert.equal(result.report.compatibility, undefined);
      assert.ok(result.failure?.includes(SOURCE.regenerate), 'the failure names the command that fixes it');
    } finally {
      workspace.remove();
    }
  });

  it('calls a hand-written copy with the same data text drift: in sync as data, but not as helm-crds writes it', async () => {
    const workspace = new Workspace(WIDGETS, { 'crds/example.io_widgets.yaml': `# copied by hand\n${WIDGETS}` });
    try {
      const result = await verifyChart(workspace.request({ compatibility: { enabled: false } }));
      assert.equal(result.report.result, 'text-drift');
      assert.deepEqual(statuses(result), { 'widgets.example.io': 'in-sync' });
      assert.deepEqual(result.files, [{ path: 'crds/example.io_widgets.yaml', crds: ['widgets.example.io'], change: 'adopt', textOnly: true }]);
    } finally {
      workspace.remove();
    }
  });

  it('with generate: false compares the files another tool wrote, and plans nothing', async () => {
    const workspace = new Workspace(WIDGETS, { 'crds/widgets.yaml': `# written by another tool\n${WIDGETS}` });
    try {
      const result = await verifyChart(workspace.request({ compatibility: { enabled: false } }, { generate: false }));
      assert.equal(result.report.result, 'in-sync');
      assert.equal(result.report.generated, false);
      assert.deepEqual(result.files, []);
      assert.deepEqual(result.verification.crds.map((verdict) => verdict.files), [['crds/widgets.yaml']]);
    } finally {
      workspace.remove();
    }
  });

  it('finds a Kustomize CRD that breaks a sanity rule invalid although the chart matches it', async () => {
    const twoStorageVersions = `${WIDGETS}  - name: v2\n    served: true\n    storage: true\n`;
    const workspace = new Workspace(twoStorageVersions, { 'crds/example.io_widgets.yaml': generated(twoStorageVersions) });
    try {
      const result = await verifyChart(workspace.request({ compatibility: { enabled: false } }));
      assert.equal(result.report.result, 'invalid');
      assert.deepEqual(statuses(result), { 'widgets.example.io': 'in-sync' });
      assert.deepEqual(result.findings.map(({ level, crd, path }) => ({ level, crd, path })), [{ level: 'error', crd: 'widgets.example.io', path: 'spec.versions' }]);
      assert.deepEqual(result.report.findings, result.findings);
      assert.notEqual(result.failure, undefined);
    } finally {
      workspace.remove();
    }
  });

  it('leaves out the ignored paths and the keep annotation', async () => {
    const labelled = WIDGETS.replace('metadata:\n', 'metadata:\n  labels:\n    team: a\n  annotations:\n    owner: a\n');
    const inChart = WIDGETS.replace('metadata:\n', 'metadata:\n  labels:\n    team: b\n  annotations:\n    owner: a\n    helm.sh/resource-policy: keep\n');
    const workspace = new Workspace(labelled, { 'crds/widgets.yaml': inChart });
    try {
      const result = await verifyChart(workspace.request({ compatibility: { enabled: false }, ignore: ['metadata.labels'] }, { generate: false }));
      assert.deepEqual(statuses(result), { 'widgets.example.io': 'in-sync' });
      assert.deepEqual(result.report.ignoredPaths, ['metadata.labels', 'metadata.annotations["helm.sh/resource-policy"]']);
    } finally {
      workspace.remove();
    }
  });

  it('fails with a UserError, writing no report, when the kustomize-build target has not run', async () => {
    const workspace = new Workspace(WIDGETS, {});
    try {
      rmSync(join(workspace.root, 'dist/kustomize.yaml'));
      await assert.rejects(verifyChart(workspace.request()), (error: unknown) => error instanceof UserError && /dist\/kustomize\.yaml/.test(error.message));
      assert.throws(() => workspace.writtenReport(), { code: 'ENOENT' });
    } finally {
      workspace.remove();
    }
  });
});

describe('verifyChart, rendering the chart with the pinned helm', { skip: skipWithoutPinned('helm') }, () => {
  const template = `{{- if .Values.crds.install }}\n${WIDGETS}{{- end }}\n`;
  let workspace: Workspace;
  before(() => {
    workspace = new Workspace(WIDGETS, { 'values.yaml': 'crds:\n  install: true\n', 'templates/crd/widgets.yaml': template });
  });
  after(() => workspace.remove());

  it('verifies a templated CRD that the chart files alone cannot show', async () => {
    const included: string[] = [];
    const time: ToolTime = { measure: (_tool, work) => work(), include: (tool) => void included.push(tool) };
    const unrendered = await verifyChart(workspace.request({ compatibility: { enabled: false }, time }));
    assert.deepEqual(statuses(unrendered), { 'widgets.example.io': 'not-verifiable' });
    assert.deepEqual(included, []);

    const rendered = await verifyChart(workspace.request({ compatibility: { enabled: false }, helmMode: 'always', helmBinary: PINNED_TOOLS.helm, time }));
    assert.deepEqual(included, ['helm template'], 'the timing line says our time includes helm template');
    assert.equal(rendered.rendered, true);
    assert.equal(rendered.namespace, 'default');
    assert.deepEqual(rendered.missingDependencies, []);
    assert.deepEqual(statuses(rendered), { 'widgets.example.io': 'in-sync' });
    assert.deepEqual(rendered.verification.crds[0].files, ['templates/crd/widgets.yaml']);
    assert.deepEqual(rendered.files, [], 'the template provides the CRD: helm-crds writes no second copy');
    assert.equal(rendered.report.result, 'in-sync');
    assert.equal(rendered.report.rendered, true);
  });

  it('renders with the values it is given: a CRD switched off is missing', async () => {
    workspace.write('values-off.yaml', 'crds:\n  install: false\n');
    const result = await verifyChart(workspace.request({ compatibility: { enabled: false }, helmMode: 'always', helmBinary: PINNED_TOOLS.helm, valuesFiles: ['values-off.yaml'] }));
    assert.deepEqual(statuses(result), { 'widgets.example.io': 'missing' });
    assert.equal(result.report.result, 'drift');
  });

  it('renders into the namespace it is given', async () => {
    const result = await verifyChart(workspace.request({ compatibility: { enabled: false }, helmMode: 'always', helmBinary: PINNED_TOOLS.helm, namespace: 'operators' }));
    assert.equal(result.namespace, 'operators');
    assert.equal(result.report.result, 'in-sync');
  });
});

describe('verifyLogLines', () => {
  it('prints an in-sync chart at info level, and a drifted one at error level ending with what to do', async () => {
    const workspace = new Workspace(`${WIDGETS}---\n${GADGETS}`, { 'crds/example.io_widgets.yaml': generated(WIDGETS) });
    try {
      const drifted = await verifyChart(workspace.request({ compatibility: { enabled: false } }));
      const lines = verifyLogLines(drifted, 'text');
      assert.deepEqual(lines[0], { level: 'info', text: 'verify charts/demo (chart files, not rendered) against kustomize build config/crd' });
      assert.deepEqual(lines.at(-1), { level: 'error', text: drifted.failure });
      assert.ok(lines.some((line) => line.level === 'error' && line.text.includes('charts/demo/crds/example.io_gadgets.yaml')), 'the file to create is listed as an error');

      workspace.write('charts/demo/crds/example.io_gadgets.yaml', generated(GADGETS));
      const inSync = await verifyChart(workspace.request({ compatibility: { enabled: false } }));
      assert.deepEqual(new Set(verifyLogLines(inSync, 'text').map((line) => line.level)), new Set(['info']));
    } finally {
      workspace.remove();
    }
  });

  it('prints the report itself as JSON, and GitHub annotations at the differing line in the github format', async () => {
    const changed = generated(WIDGETS).replace('scope: Namespaced', 'scope: Cluster');
    const workspace = new Workspace(WIDGETS, { 'crds/example.io_widgets.yaml': changed });
    try {
      const result = await verifyChart(workspace.request({ compatibility: { enabled: false } }));
      const json = verifyLogLines(result, 'json').filter((line) => line.text.startsWith('{'));
      assert.deepEqual(json.map((line) => JSON.parse(line.text)), [JSON.parse(JSON.stringify(result.report))]);

      const scopeLine = changed.split('\n').findIndex((line) => line.includes('scope: Cluster')) + 1;
      const annotations = verifyLogLines(result, 'github').filter((line) => line.text.startsWith('::'));
      assert.equal(annotations.length, 1);
      assert.match(annotations[0].text, new RegExp(`^::error file=charts/demo/crds/example\\.io_widgets\\.yaml,line=${scopeLine},`));
    } finally {
      workspace.remove();
    }
  });
});

describe('verifyFormat', () => {
  it('takes the option, else GitHub annotations inside GitHub Actions, else text', () => {
    assert.equal(verifyFormat('json', { GITHUB_ACTIONS: 'true' }), 'json');
    assert.equal(verifyFormat(undefined, { GITHUB_ACTIONS: 'true' }), 'github');
    assert.equal(verifyFormat(undefined, {}), 'text');
  });
});
