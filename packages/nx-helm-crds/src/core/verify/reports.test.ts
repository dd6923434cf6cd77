import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { crdYaml } from '../../testing/crd-fixtures';
import { validateAgainstSchema } from '../../testing/json-schema-subset';
import type { ChartFile } from '../chart/files';
import { verifyChartCrds } from './verification';
import { collectCrds } from '../crd/model';
import { toGithubAnnotations, toJsonReport, toStepSummary, type ReportContext } from './reports';
import { splitYamlDocuments } from '../yaml/documents';

const schema = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'schemas', 'verify-report.schema.json'), 'utf8'));
const kustomize = collectCrds(splitYamlDocuments([crdYaml('widgets', 'example.io'), crdYaml('gadgets', 'example.io')].join('---\n'), 'k'), 'k');
const chartFile = (path: string, text: string): ChartFile => ({ path, kind: 'plain', text, documents: splitYamlDocuments(text, path) });
const drifted = verifyChartCrds(kustomize, [chartFile('crds/w.yaml', crdYaml('widgets', 'example.io').replace('served: true', 'served: false'))], {});
const context: ReportContext = {
  step: 'verify',
  chart: 'charts/op',
  generated: true,
  written: false,
  missingDependencies: [],
  files: [],
  kustomization: 'config/crd',
  rendered: true,
  ignoredPaths: ['metadata.annotations["helm.sh/resource-policy"]'],
  findings: [{ level: 'warning', crd: 'widgets.example.io', message: 'is 300.0 KiB as JSON, above the 256.0 KiB that client-side `kubectl apply` can store' }],
};

describe('JSON report', () => {
  it('matches the documented schema', () => {
    const report = toJsonReport(drifted, context);
    assert.deepEqual(validateAgainstSchema(JSON.parse(JSON.stringify(report)), schema), []);
    assert.equal(report.result, 'drift');
    assert.deepEqual(report.crds.map((crd) => [crd.name, crd.status]), [['gadgets.example.io', 'missing'], ['widgets.example.io', 'differs']]);
    assert.deepEqual(report.crds[1].differences, [{ path: 'spec.versions[name=v1].served', kind: 'changed', expected: true, actual: false }]);
  });

  it('the schema check can fail: an undocumented field or a wrong type is reported', () => {
    const report = { ...JSON.parse(JSON.stringify(toJsonReport(drifted, context))), extra: 1, rendered: 'yes' };
    assert.deepEqual(validateAgainstSchema(report, schema).sort(), ['$.extra: unknown key', '$.rendered: expected boolean, got "yes"']);
  });

  it('says invalid when only a sanity error is wrong', () => {
    const inSync = verifyChartCrds(kustomize.slice(0, 1), [chartFile('crds/w.yaml', crdYaml('widgets', 'example.io'))], {});
    assert.equal(toJsonReport(inSync, { ...context, findings: [] }).result, 'in-sync');
    assert.equal(toJsonReport(inSync, { ...context, findings: [{ level: 'error', crd: 'widgets.example.io', message: 'x' }] }).result, 'invalid');
  });

  it('tells data drift from text-only differences in the files helm-crds would change', () => {
    const inSync = verifyChartCrds(kustomize.slice(0, 1), [chartFile('crds/w.yaml', crdYaml('widgets', 'example.io'))], {});
    const textOnly = { path: 'crds/w.yaml', crds: ['widgets.example.io'], change: 'update' as const, textOnly: true };
    const report = toJsonReport(inSync, { ...context, findings: [], files: [textOnly] });
    assert.equal(report.result, 'text-drift');
    assert.deepEqual(validateAgainstSchema(JSON.parse(JSON.stringify(report)), schema), []);
    assert.equal(toJsonReport(inSync, { ...context, findings: [], files: [{ ...textOnly, change: 'remove', textOnly: false }] }).result, 'drift');
    assert.equal(toJsonReport(drifted, { ...context, findings: [], files: [textOnly] }).result, 'drift');
  });
});

describe('GitHub annotations', () => {
  const widgetsText = `# Code generated\n${crdYaml('widgets', 'example.io')}`;
  const files: Record<string, string> = { 'crds/w.yaml': widgetsText };
  const report = toJsonReport(drifted, { ...context, files: [{ path: 'crds/gadgets.example.io.yaml', crds: ['gadgets.example.io'], change: 'create', textOnly: false }] });

  it('one error per differing chart file, at the line of its first differing path; line 1 for a missing file; escaped', () => {
    const lines = toGithubAnnotations(report, (path) => files[path]);
    assert.deepEqual(lines, [
      '::error file=charts/op/crds/gadgets.example.io.yaml,line=1,title=CRD drift%3A gadgets.example.io missing::gadgets.example.io: missing in chart (kustomize build config/crd)',
      // `served: true` is line 14 of the file (the header comment is line 1).
      '::error file=charts/op/crds/w.yaml,line=14,title=CRD drift%3A widgets.example.io differs::widgets.example.io: differs from Kustomize (kustomize build config/crd)%0Aspec.versions[name=v1].served: true in Kustomize, false in chart',
      '::warning file=charts/op/crds/w.yaml,line=1,title=CRD warning%3A widgets.example.io::is 300.0 KiB as JSON, above the 256.0 KiB that client-side `kubectl apply` can store',
    ]);
    assert.equal(widgetsText.split('\n')[13], '    served: true');
  });

  it('annotates a file whose text alone differs, at line 1', () => {
    const inSync = verifyChartCrds(kustomize.slice(0, 1), [chartFile('crds/w.yaml', crdYaml('widgets', 'example.io'))], {});
    const textOnly = toJsonReport(inSync, { ...context, findings: [], files: [{ path: 'crds/w.yaml', crds: ['widgets.example.io'], change: 'update', textOnly: true }] });
    assert.deepEqual(toGithubAnnotations(textOnly, () => undefined), [
      '::error file=charts/op/crds/w.yaml,line=1,title=CRD drift%3A widgets.example.io update::widgets.example.io: same data as Kustomize, but the text differs from what helm-crds writes (comments, formatting or the header): regenerate it.',
    ]);
  });

  it('escapes %, CR and LF in messages, and also : and , in properties', () => {
    const odd = toJsonReport(drifted, { ...context, chart: 'charts/a,b:c', findings: [{ level: 'error', crd: 'widgets.example.io', message: '100%\r\nbroken' }] });
    const finding = toGithubAnnotations(odd, () => undefined).at(-1);
    assert.equal(finding, '::error file=charts/a%2Cb%3Ac/crds/w.yaml,line=1,title=CRD error%3A widgets.example.io::100%25%0D%0Abroken');
  });
});

describe('step summary', () => {
  it('gives the chart, its result and one row per CRD with the first differing paths', () => {
    const summary = toStepSummary(toJsonReport(drifted, context));
    assert.match(summary, /^### ❌ charts\/op: drift\n/);
    assert.match(summary, /Compared with `kustomize build config\/crd` \(rendered with helm\)\./);
    assert.match(summary, /\| `gadgets\.example\.io` \| missing in chart \|  \|  \|/);
    assert.match(summary, /\| `widgets\.example\.io` \| differs from Kustomize \| `crds\/w\.yaml` \| `spec\.versions\[name=v1\]\.served` \|/);
  });

  it('keeps a CRD name or file name read from the chart on its row: no new line, row, cell or code span', () => {
    const hostile = 'x.example.io\n| `pwn` | [click](https://evil.example) |\r::stop-commands::t';
    const report = toJsonReport(verifyChartCrds([], [chartFile('crds/a\nb.yaml', crdYaml('widgets', 'example.io').replace('name: widgets.example.io', `name: ${JSON.stringify(hostile)}`))], {}), context);
    const rows = toStepSummary(report).split('\n').filter((line) => line.startsWith('| '));
    assert.equal(rows.length, 3, 'the header, its rule and one CRD row');
    assert.match(rows[2], /^\| `x\.example\.io\\u000a\\\| 'pwn' \\\| \[click\]\(https:\/\/evil\.example\) \\\|\\u000d::stop-commands::t` \|/);
    assert.match(rows[2], /`crds\/a\\u000ab\.yaml`/);
  });
});
