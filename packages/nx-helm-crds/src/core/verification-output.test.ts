import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { crdYaml } from '../testing/crd-fixtures';
import { validateAgainstSchema } from '../testing/json-schema-subset';
import type { ChartFile } from './chart-files';
import { verifyChartCrds } from './chart-verification';
import { collectCrds } from './crd';
import { toGithubAnnotations, toJsonReport, type ReportContext } from './verification-output';
import { splitYamlDocuments } from './yaml-documents';

const schema = JSON.parse(readFileSync(join(__dirname, '..', '..', 'schemas', 'verify-report.schema.json'), 'utf8'));
const kustomize = collectCrds(splitYamlDocuments([crdYaml('widgets', 'example.io'), crdYaml('gadgets', 'example.io')].join('---\n'), 'k'), 'k');
const chartFile = (path: string, text: string): ChartFile => ({ path, kind: 'plain', text, documents: splitYamlDocuments(text, path) });
const drifted = verifyChartCrds(kustomize, [chartFile('crds/w.yaml', crdYaml('widgets', 'example.io').replace('served: true', 'served: false'))], {});
const context: ReportContext = {
  chart: 'charts/op',
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
});

describe('GitHub annotations', () => {
  it('points each drifted CRD at its chart file, escaped for workflow commands', () => {
    const lines = toGithubAnnotations(drifted, context);
    assert.deepEqual(lines, [
      '::error file=charts/op,title=CRD missing%3A gadgets.example.io::gadgets.example.io missing (kustomize build config/crd)',
      '::error file=charts/op/crds/w.yaml,title=CRD differs%3A widgets.example.io::widgets.example.io differs (kustomize build config/crd)%0Aspec.versions[name=v1].served: true in Kustomize, false in chart',
      '::warning file=charts/op,title=CRD warning%3A widgets.example.io::is 300.0 KiB as JSON, above the 256.0 KiB that client-side `kubectl apply` can store',
    ]);
  });
});
