import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { crdYaml } from '../../testing/crd-fixtures';
import { DEFAULT_FILE_NAME_PATTERN } from '../crd/model';
import { readKustomizeOutput } from '../kustomize/output';
import { ignoredPaths, verifyChartCrds } from '../verify/verification';
import { readChartFiles } from './files';
import { renderGeneratedFile } from './generated-file';
import { chartUpdateLines, writeChartCrds, type WriteChartCrdsRequest, type WrittenChartCrds } from './write-chart-crds';

const SOURCE = { kustomization: 'config/crd', regenerate: 'nx run demo:crds' };
const WIDGETS = crdYaml('widgets', 'example.io');
const GADGETS = crdYaml('gadgets', 'example.io');

describe('writeChartCrds', () => {
  let root: string;
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const request = (overrides: Partial<WriteChartCrdsRequest> = {}): WriteChartCrdsRequest => ({
    workspaceRoot: root,
    chart: 'charts/demo',
    kustomizeOutput: { file: 'dist/kustomize.yaml', kustomization: SOURCE.kustomization },
    layout: { placement: 'crds', fileName: DEFAULT_FILE_NAME_PATTERN, unmanaged: ['gizmos.*'] },
    allowEmpty: false,
    generate: true,
    regenerate: SOURCE.regenerate,
    otherKustomizations: [],
    previousRevision: 'HEAD',
    dryRun: false,
    reportPath: join(root, 'dist/helm-crds.json'),
    allowCrdRemoval: false,
    skipDataLossGuard: false,
    ...overrides,
  });
  const chartFiles = () => readdirSync(join(root, 'charts/demo/crds')).sort();

  beforeEach(() => {
    // Outside any git repository: the data-loss guard says it has nothing to compare with.
    root = mkdtempSync(join(tmpdir(), 'nx-helm-crds-write-chart-crds-'));
    write('charts/demo/Chart.yaml', 'apiVersion: v2\nname: demo\nversion: 0.1.0\n');
    write('dist/kustomize.yaml', `${WIDGETS}---\n${GADGETS}---\n${crdYaml('gizmos', 'example.io')}`);
    write('charts/demo/crds/example.io_widgets.yaml', renderGeneratedFile(WIDGETS.replace('Namespaced', 'Cluster'), SOURCE, false));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('writes the selected CRDs, leaves unmanaged ones alone, and reports the chart as it found it', async () => {
    const result = (await writeChartCrds(request())) as WrittenChartCrds;
    assert.equal(result.outcome, 'written');
    assert.deepEqual(result.plan.writes.map((planned) => [planned.path, planned.reason]), [
      ['crds/example.io_widgets.yaml', 'update'],
      ['crds/example.io_gadgets.yaml', 'create'],
    ]);
    assert.deepEqual(chartFiles(), ['example.io_gadgets.yaml', 'example.io_widgets.yaml']);
    assert.equal(readFileSync(join(root, 'charts/demo/crds/example.io_widgets.yaml'), 'utf8'), renderGeneratedFile(WIDGETS, SOURCE, false));
    assert.deepEqual(result.leftAlone, ['gizmos.example.io']);
    assert.match(result.guardSkipped ?? '', /not in a git repository/);
    assert.equal(result.driftAdvice, undefined);

    assert.equal(result.report.step, 'helm-crds');
    assert.equal(result.report.written, true);
    assert.equal(result.report.result, 'drift');
    assert.deepEqual(
      result.report.crds.map(({ name, status, differences }) => [name, status, differences.map((difference) => difference.path)]),
      [
        ['gadgets.example.io', 'missing', []],
        ['gizmos.example.io', 'unmanaged', []],
        ['widgets.example.io', 'differs', ['spec.scope']],
      ],
    );
    assert.deepEqual(JSON.parse(readFileSync(join(root, 'dist/helm-crds.json'), 'utf8')), JSON.parse(JSON.stringify(result.report)));
  });

  it('reports what comparing the files afresh reports, although it reuses the comparisons of its plan', async () => {
    const before = readChartFiles(join(root, 'charts/demo'));
    const result = (await writeChartCrds(request({ dryRun: true }))) as WrittenChartCrds;
    const output = readKustomizeOutput(join(root, 'dist/kustomize.yaml'), 'dist/kustomize.yaml', SOURCE.kustomization);
    const afresh = verifyChartCrds(output.crds, before, request().layout, ignoredPaths([]));
    assert.deepEqual(result.report.crds.map(({ name, status, files }) => ({ name, status, files })), afresh.crds.map(({ name, status, files }) => ({ name, status, files })));
    assert.deepEqual(result.report.crds.flatMap((verdict) => verdict.differences), afresh.crds.flatMap((verdict) => verdict.differences ?? []));
  });

  it('in a dry run writes nothing to the chart and says how to bring it up to date', async () => {
    const result = (await writeChartCrds(request({ dryRun: true, reportPath: undefined }))) as WrittenChartCrds;
    assert.equal(result.outcome, 'planned');
    assert.deepEqual(chartFiles(), ['example.io_widgets.yaml']);
    assert.equal(result.report.written, false);
    assert.ok(result.driftAdvice?.includes(SOURCE.regenerate));
    assert.deepEqual(readdirSync(join(root, 'dist')), ['kustomize.yaml'], 'no report without a report path');
  });

  it('with generate: false reads and writes nothing but the chart check', async () => {
    rmSync(join(root, 'dist/kustomize.yaml'));
    assert.deepEqual(await writeChartCrds(request({ generate: false })), { outcome: 'not-generated' });
    assert.deepEqual(chartFiles(), ['example.io_widgets.yaml']);
  });
});

describe('chartUpdateLines', () => {
  it('prints a chart file name that holds line breaks on one line, so it cannot start a GitHub workflow command', () => {
    const hostile = 'crds/x\n::error title=forged::pwned.yaml';
    const result = {
      outcome: 'written',
      plan: { writes: [], unchanged: [], prunes: [{ path: hostile, crds: ['widgets.example.io'] }], providedElsewhere: [{ crd: 'gadgets.example.io', path: hostile }] },
      findings: [],
      leftAlone: [],
    } as unknown as WrittenChartCrds;
    const lines = chartUpdateLines(result, 'charts/demo', 'nx run demo:crds');
    assert.ok(lines.every((line) => !line.includes('\n')), lines.join('|'));
    assert.ok(lines.some((line) => line.includes('charts/demo/crds/x\\u000a::error')), lines.join('|'));
  });
});
