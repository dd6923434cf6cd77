import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChartFile } from '../chart/files';
import { formatVerificationReport, isIgnored, summaryLine, verifyChartCrds, type CrdVerdict } from './verification';
import { collectCrds, type Crd } from '../crd/model';
import { crdYaml } from '../../testing/crd-fixtures';
import { splitYamlDocuments } from '../yaml/documents';

const kustomizeCrds = (...texts: string[]): Crd[] => collectCrds(splitYamlDocuments(texts.join('---\n'), 'out.yaml'), 'out.yaml');

/** A parsed chart file, as readChartFiles returns it. */
const plain = (path: string, ...texts: string[]): ChartFile => {
  const text = texts.join('---\n');
  return { path, kind: 'plain', text, documents: splitYamlDocuments(text, path) };
};
const template = (path: string, text: string): ChartFile => ({ path, kind: 'template', text });

const widgets = crdYaml('widgets', 'example.io');
const gadgets = crdYaml('gadgets', 'example.io');

describe('verifyChartCrds', () => {
  const report = verifyChartCrds(
    kustomizeCrds(
      widgets,
      gadgets,
      crdYaml('gizmos', 'example.io'),
      crdYaml('doodads', 'example.io'),
      crdYaml('things', 'example.io'),
      crdYaml('inferenceservices', 'serving.kserve.io'),
      crdYaml('olds', 'example.io'),
    ),
    [
      plain('crds/widgets.yaml', `# a comment is not data\n${widgets}`),
      plain('crds/gadgets.yaml', gadgets.replace('served: true', 'served: false').replace('  scope: Namespaced\n', '  scope: Cluster\n')),
      plain('crds/doodads-a.yaml', crdYaml('doodads', 'example.io')),
      plain('crds/more.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n', crdYaml('doodads', 'example.io'), crdYaml('strays', 'example.io')),
      template('templates/things.yaml', `{{- if .Values.crds }}\n${crdYaml('things', 'example.io')}{{- end }}\n`),
      plain('crds/trainedmodels.yaml', crdYaml('trainedmodels', 'serving.kserve.io')),
      plain('crds/olds.yaml', crdYaml('olds', 'example.io', '  labels:\n    stale: "yes"\n')),
      { path: 'crds/link.yaml', kind: 'symlink' },
    ],
    { exclude: ['olds.*'], unmanaged: ['*.serving.kserve.io'] },
  );
  const verdict = (name: string): CrdVerdict => {
    const found = report.crds.find((candidate) => candidate.name === name);
    assert.ok(found, `no verdict for ${name}`);
    return found;
  };

  it('gives each CRD of either side one verdict, sorted by name', () => {
    assert.deepEqual(
      report.crds.map((crd) => [crd.name, crd.status, crd.files]),
      [
        ['doodads.example.io', 'defined-twice', ['crds/doodads-a.yaml', 'crds/more.yaml']],
        ['gadgets.example.io', 'differs', ['crds/gadgets.yaml']],
        ['gizmos.example.io', 'missing', []],
        ['inferenceservices.serving.kserve.io', 'unmanaged', []],
        ['olds.example.io', 'excluded', ['crds/olds.yaml']],
        ['strays.example.io', 'not-in-kustomize', ['crds/more.yaml']],
        ['things.example.io', 'not-verifiable', ['templates/things.yaml']],
        ['trainedmodels.serving.kserve.io', 'unmanaged', ['crds/trainedmodels.yaml']],
        ['widgets.example.io', 'in-sync', ['crds/widgets.yaml']],
      ],
    );
  });

  it('compares as data and names the differing paths', () => {
    assert.deepEqual(verdict('gadgets.example.io').differences, [
      { path: 'spec.scope', kind: 'changed', expected: 'Namespaced', actual: 'Cluster' },
      { path: 'spec.versions[name=v1].served', kind: 'changed', expected: true, actual: false },
    ]);
    assert.deepEqual(verdict('widgets.example.io').differences, []);
  });

  it('counts the statuses and is out of sync when any drift is found', () => {
    assert.deepEqual(report.counts, {
      'in-sync': 1,
      differs: 1,
      missing: 1,
      'not-in-kustomize': 1,
      'defined-twice': 1,
      'not-verifiable': 1,
      unmanaged: 2,
      excluded: 1,
    });
    assert.equal(report.inSync, false);
  });

  it('summarises in one line, adding only the rarer statuses that occur', () => {
    assert.equal(
      summaryLine(report),
      '1 in sync, 1 differ, 1 missing, 2 unmanaged, 1 not produced by Kustomize, 1 defined twice, 1 not verifiable, 1 excluded',
    );
  });

  it('formats one line per CRD with its files and differing paths, then the summary', () => {
    assert.equal(
      formatVerificationReport(report),
      [
        '✖ doodads.example.io: defined more than once in the chart [crds/doodads-a.yaml, crds/more.yaml]',
        '✖ gadgets.example.io: differs from Kustomize [crds/gadgets.yaml]',
        '    spec.scope: "Namespaced" in Kustomize, "Cluster" in chart',
        '    spec.versions[name=v1].served: true in Kustomize, false in chart',
        '✖ gizmos.example.io: missing in chart',
        '• inferenceservices.serving.kserve.io: unmanaged (shipped from elsewhere, not compared)',
        '• olds.example.io: excluded by include/exclude [crds/olds.yaml]',
        '✖ strays.example.io: not produced by Kustomize (remove it, or list it in unmanaged) [crds/more.yaml]',
        '• things.example.io: not verifiable without rendering: the file uses Helm template syntax [templates/things.yaml]',
        '• trainedmodels.serving.kserve.io: unmanaged (shipped from elsewhere, not compared) [crds/trainedmodels.yaml]',
        '✔ widgets.example.io: in sync [crds/widgets.yaml]',
        summaryLine(report),
      ].join('\n'),
    );
  });
});

describe('formatVerificationReport of untrusted chart names', () => {
  it('prints a CRD name and a file name read from the chart on one line each, so no log line starts a workflow command', () => {
    const name = 'x.example.io\n::stop-commands::t';
    const report = verifyChartCrds([], [plain('crds/a\n::error::b.yaml', widgets.replace('name: widgets.example.io', `name: ${JSON.stringify(name)}`))], {});
    const text = formatVerificationReport(report);
    assert.equal(text.split('\n').filter((line) => line.startsWith('::')).length, 0, text);
    assert.match(text, /x\.example\.io\\u000a::stop-commands::t: .*\[crds\/a\\u000a::error::b\.yaml\]/);
  });
});

describe('verifyChartCrds on a chart in sync', () => {
  it('is in sync with the four-part summary, whatever the file holding a CRD is called', () => {
    const report = verifyChartCrds(kustomizeCrds(widgets, gadgets), [plain('crds/all.yaml', gadgets, widgets), plain('Chart.yaml', 'name: c\n')], {});
    assert.equal(report.inSync, true);
    assert.equal(summaryLine(report), '2 in sync, 0 differ, 0 missing, 0 unmanaged');
    assert.equal(formatVerificationReport(report), '✔ gadgets.example.io: in sync [crds/all.yaml]\n✔ widgets.example.io: in sync [crds/all.yaml]\n2 in sync, 0 differ, 0 missing, 0 unmanaged');
  });

  it('stays in sync with unmanaged, excluded and not-verifiable CRDs, which are not drift', () => {
    const report = verifyChartCrds(
      kustomizeCrds(widgets, gadgets, crdYaml('gizmos', 'example.io')),
      [plain('crds/w.yaml', widgets), template('templates/g.yaml', `kind: CustomResourceDefinition\nmetadata:\n  name: gadgets.example.io\n{{ .Values.x }}\n`)],
      { include: ['widgets.*', 'gadgets.*'], unmanaged: ['gizmos.example.io'] },
    );
    assert.deepEqual(report.crds.map((crd) => crd.status), ['not-verifiable', 'unmanaged', 'in-sync']);
    assert.equal(report.inSync, true);
    assert.equal(summaryLine(report), '1 in sync, 0 differ, 0 missing, 1 unmanaged, 1 not verifiable');
  });

  it('is out of sync when a CRD is missing', () => {
    const report = verifyChartCrds(kustomizeCrds(widgets), [], {});
    assert.equal(report.inSync, false);
    assert.equal(summaryLine(report), '0 in sync, 0 differ, 1 missing, 0 unmanaged');
  });
});

describe('formatVerificationReport', () => {
  it('shows at most 40 differing paths per CRD, then how many more', () => {
    const annotations = (offset: number): string =>
      `  annotations: ${JSON.stringify(Object.fromEntries(Array.from({ length: 45 }, (_, index) => [`p${index}`, `${index + offset}`])))}\n`;
    const report = verifyChartCrds(
      kustomizeCrds(crdYaml('widgets', 'example.io', annotations(0))),
      [plain('crds/w.yaml', crdYaml('widgets', 'example.io', annotations(100)))],
      {},
    );
    const lines = formatVerificationReport(report).split('\n');
    assert.equal(lines.length, 1 + 40 + 1 + 1);
    assert.equal(lines[0], '✖ widgets.example.io: differs from Kustomize [crds/w.yaml]');
    assert.equal(lines[1], '    metadata.annotations.p0: "0" in Kustomize, "100" in chart');
    assert.equal(lines[40], '    metadata.annotations.p39: "39" in Kustomize, "139" in chart');
    assert.equal(lines[41], '    … and 5 more differing paths');
    assert.equal(lines[42], '0 in sync, 1 differ, 0 missing, 0 unmanaged');
  });
});

describe('ignored paths', () => {
  it('leaves ignored paths, and everything below them, out of the comparison', () => {
    assert.equal(isIgnored('metadata.labels["helm.sh/chart"]', ['metadata.labels["helm.sh/chart"]']), true);
    assert.equal(isIgnored('metadata.labels["helm.sh/chart"]', ['metadata.labels']), true);
    assert.equal(isIgnored('metadata.labelsX', ['metadata.labels']), false);
    assert.equal(isIgnored('spec.versions[name=v1].served', ['spec.versions']), true);
  });
});
