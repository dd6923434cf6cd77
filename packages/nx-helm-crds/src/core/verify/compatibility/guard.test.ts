import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { validateAgainstSchema } from '../../../testing/json-schema-subset';
import { collectCrds, type Crd } from '../../crd/model';
import { UserError } from '../../shared/errors';
import { splitYamlDocuments } from '../../yaml/documents';
import { assessCompatibility, type CompatibilityOptions } from './guard';
import { compatibilityAnnotations, compatibilityJson, formatCompatibility, locateFindings } from './report';

/** A CRD with one served storage version v1 whose spec has `replicas` (with `maximum` when given) and maybe `paused`. */
function widgetYaml(options: { group?: string; maximum?: number; paused?: boolean; default?: number } = {}): string {
  const group = options.group ?? 'example.io';
  return [
    'apiVersion: apiextensions.k8s.io/v1',
    'kind: CustomResourceDefinition',
    'metadata:',
    `  name: widgets.${group}`,
    'spec:',
    `  group: ${group}`,
    '  names:',
    '    kind: Widget',
    '    plural: widgets',
    '  scope: Namespaced',
    '  versions:',
    '  - name: v1',
    '    served: true',
    '    storage: true',
    '    schema:',
    '      openAPIV3Schema:',
    '        type: object',
    '        properties:',
    '          spec:',
    '            type: object',
    '            properties:',
    ...(options.paused ? ['              paused:', '                type: boolean'] : []),
    '              replicas:',
    '                type: integer',
    ...(options.maximum !== undefined ? [`                maximum: ${options.maximum}`] : []),
    ...(options.default !== undefined ? [`                default: ${options.default}`] : []),
    '',
  ].join('\n');
}

const crds = (...texts: string[]): Crd[] => collectCrds(texts.flatMap((text) => splitYamlDocuments(text, 'test')), 'test');
const MAXIMUM = 'spec.versions[name=v1].schema.openAPIV3Schema.properties.spec.properties.replicas.maximum';

function check(previous: string | undefined, current: string, options?: CompatibilityOptions) {
  return assessCompatibility({
    previousRevision: 'HEAD',
    previousFiles: previous === undefined ? undefined : [{ path: 'crds/widgets.yaml', text: previous }],
    current: crds(current),
    options,
  });
}

describe('assessCompatibility', () => {
  it('unchanged, compatible and breaking CRDs', () => {
    assert.deepEqual(check(widgetYaml(), widgetYaml()).crds, [{ name: 'widgets.example.io', status: 'unchanged', previousFile: 'crds/widgets.yaml' }]);
    const additive = check(widgetYaml({ maximum: 5 }), widgetYaml({ maximum: 10, paused: true }));
    assert.equal(additive.result, 'compatible');
    assert.equal(additive.crds[0].status, 'compatible');
    assert.deepEqual(additive.compatibleChanges.map((change) => change.change), ['maximum relaxed from 5 to 10', 'property added']);
    const breaking = check(widgetYaml({ maximum: 10 }), widgetYaml({ maximum: 5 }));
    assert.equal(breaking.result, 'incompatible');
    assert.equal(breaking.crds[0].status, 'breaking');
    assert.deepEqual(breaking.findings.map((finding) => [finding.class, finding.path]), [['breaking', MAXIMUM]]);
  });

  it('a CRD the previous chart did not have, or a chart that did not exist, has nothing to compare', () => {
    assert.deepEqual(check('', widgetYaml()).crds, [{ name: 'widgets.example.io', status: 'new', note: 'not in the chart at HEAD' }]);
    const noChart = check(undefined, widgetYaml());
    assert.equal(noChart.result, 'skipped');
    assert.deepEqual(noChart.crds.map((crd) => crd.status), ['new']);
  });

  it('warnings pass unless failOnWarnings', () => {
    assert.equal(check(widgetYaml({ default: 1 }), widgetYaml({ default: 2 })).result, 'compatible');
    const strict = check(widgetYaml({ default: 1 }), widgetYaml({ default: 2 }), { failOnWarnings: true });
    assert.equal(strict.result, 'incompatible');
    assert.equal(strict.crds[0].status, 'warning');
  });

  it('an allow-listed finding passes and keeps its reason; entries cover the paths below them; unused entries are listed', () => {
    const allow = [
      { crd: 'widgets.example.io', path: 'spec.versions[name=v1].schema.openAPIV3Schema.properties.spec', reason: 'no release used replicas above 5' },
      { crd: '*.other.io', path: 'spec.scope', reason: 'stale' },
    ];
    const accepted = check(widgetYaml({ maximum: 10 }), widgetYaml({ maximum: 5 }), { allow });
    assert.equal(accepted.result, 'compatible');
    assert.equal(accepted.crds[0].status, 'accepted');
    assert.equal(accepted.findings[0].accepted, 'no release used replicas above 5');
    assert.deepEqual(accepted.unusedAllowances, [allow[1]]);
    assert.throws(() => check(widgetYaml(), widgetYaml(), { allow: [{ crd: 'widgets.example.io', path: 'spec', reason: ' ' }] }), (error: unknown) => error instanceof UserError && /compatibility\.allow\[0\] has no reason/.test(error.message));
  });

  it('pairs a CRD whose group changed with its previous self, and reports the change', () => {
    const moved = check(widgetYaml(), widgetYaml({ group: 'example.com' }));
    assert.equal(moved.crds[0].note, 'compared with widgets.example.io, its name at HEAD');
    assert.deepEqual(moved.findings.map((finding) => [finding.crd, finding.rule, finding.path]), [['widgets.example.com', 'name-changed', 'spec.group']]);
  });

  it('says which CRDs it could not compare and why', () => {
    const templated = `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.io\n  labels: {{ include "x" . }}\n  bad: [\n`;
    const result = assessCompatibility({ previousRevision: 'v1.2.0', previousFiles: [{ path: 'templates/widgets.yaml', text: templated }], current: crds(widgetYaml()) });
    assert.equal(result.crds[0].status, 'not-comparable');
    assert.match(result.crds[0].note!, /^templates\/widgets\.yaml at v1\.2\.0: it does not parse/);
  });
});

describe('compatibility report', () => {
  const current = widgetYaml({ maximum: 5, default: 2 });
  const result = check(widgetYaml({ maximum: 10, default: 1 }), current, { allow: [{ crd: 'widgets.example.io', path: MAXIMUM.replace('.maximum', '.default'), reason: 'new objects get 2 on purpose' }] });
  const header = '# Code generated by nx-helm-crds from the kustomization config/crd. DO NOT EDIT.\n# Regenerate with: nx run chart:crds\n';
  const findings = locateFindings(result.findings, (crd) => (crd === 'widgets.example.io' ? { path: 'crds/example.io_widgets.yaml', text: header + current } : undefined));

  it('locates each finding at the line of its path in the chart file', () => {
    const lines = (header + current).split('\n');
    assert.deepEqual(findings.map((finding) => [finding.file, lines[finding.line! - 1].trim()]), [
      ['crds/example.io_widgets.yaml', 'maximum: 5'],
      ['crds/example.io_widgets.yaml', 'default: 2'],
    ]);
  });

  it('prints findings with their class, values and place, and accepted ones with their reason', () => {
    const text = formatCompatibility(result, findings);
    assert.match(text, /^compatibility with HEAD\n✖ widgets\.example\.io: breaking\n/);
    assert.match(text, /\n {4}breaking spec\.versions\[name=v1\][^\n]*\.maximum: maximum lowered from 10 to 5: [^\n]* \[10 → 5\] \(crds\/example\.io_widgets\.yaml:\d+\)\n/);
    assert.match(text, /\n {4}accepted warning [^\n]*\.default: [^\n]*\n {8}reason: new objects get 2 on purpose\n/);
    assert.match(text, /\ncompatibility: 1 breaking, 0 warnings, 1 accepted, 0 compatible changes\n/);
    assert.match(text, /compatibility\.allow option/);
  });

  it('writes GitHub annotations at the line, errors for breaking findings and notices for accepted ones', () => {
    const [breaking, accepted] = compatibilityAnnotations(result, findings, 'charts/widgets');
    assert.match(breaking, new RegExp(`^::error file=charts/widgets/crds/example\\.io_widgets\\.yaml,line=${findings[0].line},title=CRD breaking change%3A widgets\\.example\\.io::spec\\.versions`));
    assert.match(accepted, /^::notice file=[^,]+,line=\d+,title=CRD accepted warning change%3A widgets\.example\.io::.*%0Aaccepted: new objects get 2 on purpose$/);
  });

  it('summarises for the JSON report without the internal path steps, as schemas/verify-report.schema.json documents', () => {
    const json = compatibilityJson(result, findings);
    const schema = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'schemas', 'verify-report.schema.json'), 'utf8'));
    assert.deepEqual(validateAgainstSchema(JSON.parse(JSON.stringify(json)), schema.properties.compatibility), []);
    assert.deepEqual(validateAgainstSchema(JSON.parse(JSON.stringify(compatibilityJson(check(undefined, widgetYaml()), []))), schema.properties.compatibility), []);
    assert.deepEqual(json.summary, { breaking: 1, warning: 0, accepted: 1, compatible: 0 });
    assert.equal(json.result, 'incompatible');
    assert.ok(json.findings.every((finding) => !('segments' in finding)));
    assert.deepEqual(Object.keys(json.findings[0]).sort(), ['class', 'crd', 'current', 'file', 'line', 'message', 'path', 'previous', 'rule', 'version']);
  });
});
