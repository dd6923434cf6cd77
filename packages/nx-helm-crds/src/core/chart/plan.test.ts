import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { readChartFiles, type ChartFile } from './files';
import { planChangesChart, planChangesOnlyText, planChart, type ChartPlanOptions } from './plan';
import { collectCrds, type Crd } from '../crd/model';
import { crdYaml } from '../../testing/crd-fixtures';
import { UserError } from '../shared/errors';
import { renderGeneratedFile } from './generated-file';
import { splitYamlDocuments } from '../yaml/documents';

const source = { kustomization: 'config/crd', regenerate: 'nx run chart:crds' };
const inCrds: ChartPlanOptions = { directory: 'crds', fileName: '{group}_{plural}.yaml', source };
const inTemplates: ChartPlanOptions = { directory: 'templates/crds', fileName: '{group}_{plural}.yaml', source };

const kustomizeCrds = (...texts: string[]): Crd[] => collectCrds(splitYamlDocuments(texts.join('---\n'), 'out.yaml'), 'out.yaml');
const widgets = crdYaml('widgets', 'example.io');
const gadgets = crdYaml('gadgets', 'example.io');
const generated = (text: string, helmTemplate = false): string => renderGeneratedFile(text, source, helmTemplate);

/** Reads a chart made of `files` (plus `symlinks`, path → target) from a temp directory that is removed again. */
function chartFiles(files: Record<string, string>, symlinks: Record<string, string> = {}): ChartFile[] {
  const chart = mkdtempSync(join(tmpdir(), 'nx-helm-crds-plan-'));
  try {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(chart, path)), { recursive: true });
      writeFileSync(join(chart, path), content);
    }
    for (const [path, target] of Object.entries(symlinks)) {
      mkdirSync(dirname(join(chart, path)), { recursive: true });
      symlinkSync(target, join(chart, path));
    }
    return readChartFiles(chart);
  } finally {
    rmSync(chart, { recursive: true, force: true });
  }
}

function planError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof UserError, `expected a UserError, got ${String(error)}`);
    return error.message;
  }
  assert.fail('expected planChart to refuse');
}

describe('planChart', () => {
  it('creates a file per CRD, named by the pattern, holding the header and the CRD text', () => {
    const plan = planChart(kustomizeCrds(widgets, gadgets), chartFiles({ 'Chart.yaml': 'name: c\n' }), inCrds);
    assert.deepEqual(plan, {
      writes: [
        { path: 'crds/example.io_widgets.yaml', crd: 'widgets.example.io', reason: 'create', content: generated(widgets) },
        { path: 'crds/example.io_gadgets.yaml', crd: 'gadgets.example.io', reason: 'create', content: generated(gadgets) },
      ],
      unchanged: [],
      prunes: [],
      providedElsewhere: [],
    });
    assert.equal(planChangesChart(plan), true);
  });

  it('updates its own generated file when the CRD changed, and leaves an identical one unchanged', () => {
    const changed = crdYaml('widgets', 'example.io', '  labels:\n    v: "2"\n');
    const plan = planChart(
      kustomizeCrds(changed, gadgets),
      chartFiles({ 'crds/example.io_widgets.yaml': generated(widgets), 'crds/example.io_gadgets.yaml': generated(gadgets) }),
      inCrds,
    );
    assert.deepEqual(plan.writes, [
      {
        path: 'crds/example.io_widgets.yaml',
        crd: 'widgets.example.io',
        reason: 'update',
        content: generated(changed),
        differences: [{ path: 'metadata.labels', kind: 'missing', expected: { v: '2' } }],
      },
    ]);
    assert.deepEqual(plan.unchanged, [{ path: 'crds/example.io_gadgets.yaml', crd: 'gadgets.example.io' }]);
    assert.deepEqual(plan.prunes, []);
  });

  it('updates a generated file whose text differs but whose data does not, with no differences', () => {
    const older = renderGeneratedFile(widgets, { ...source, regenerate: 'nx run old:crds' }, false);
    const plan = planChart(kustomizeCrds(widgets), chartFiles({ 'crds/example.io_widgets.yaml': older }), inCrds);
    assert.deepEqual(plan.writes, [
      { path: 'crds/example.io_widgets.yaml', crd: 'widgets.example.io', reason: 'update', content: generated(widgets), differences: [] },
    ]);
  });

  it('changes nothing when every generated file is up to date', () => {
    const plan = planChart(kustomizeCrds(widgets), chartFiles({ 'crds/example.io_widgets.yaml': generated(widgets) }), inCrds);
    assert.deepEqual(plan, { writes: [], unchanged: [{ path: 'crds/example.io_widgets.yaml', crd: 'widgets.example.io' }], prunes: [], providedElsewhere: [] });
    assert.equal(planChangesChart(plan), false);
  });

  it('adopts a plain single-document stale copy of the same CRD at the target path', () => {
    const stale = crdYaml('widgets', 'example.io').replace('served: true', 'served: false');
    const plan = planChart(kustomizeCrds(widgets), chartFiles({ 'crds/example.io_widgets.yaml': `# copied by hand\n${stale}` }), inCrds);
    assert.deepEqual(plan.writes, [
      {
        path: 'crds/example.io_widgets.yaml',
        crd: 'widgets.example.io',
        reason: 'adopt',
        content: generated(widgets),
        differences: [{ path: 'spec.versions[name=v1].served', kind: 'changed', expected: true, actual: false }],
      },
    ]);
    assert.deepEqual(plan.providedElsewhere, []);
  });

  it('knows when a plan changes only text: plain copies and its own files holding exactly the same data', () => {
    const plainCopy = planChart(kustomizeCrds(widgets), chartFiles({ 'crds/example.io_widgets.yaml': `# copied by make\n${widgets}` }), inCrds);
    assert.deepEqual(plainCopy.writes.map((write) => [write.reason, write.differences]), [['adopt', []]]);
    assert.equal(planChangesOnlyText(plainCopy), true);
    const older = renderGeneratedFile(widgets, { ...source, regenerate: 'nx run chart:helm-crds' }, false);
    assert.equal(planChangesOnlyText(planChart(kustomizeCrds(widgets), chartFiles({ 'crds/example.io_widgets.yaml': older }), inCrds)), true);
    const stale = widgets.replace('served: true', 'served: false');
    assert.equal(planChangesOnlyText(planChart(kustomizeCrds(widgets), chartFiles({ 'crds/example.io_widgets.yaml': stale }), inCrds)), false);
    assert.equal(planChangesOnlyText(planChart(kustomizeCrds(widgets, gadgets), chartFiles({ 'crds/example.io_widgets.yaml': widgets }), inCrds)), false, 'a new file');
    assert.equal(planChangesOnlyText(planChart(kustomizeCrds(widgets), chartFiles({ 'crds/example.io_widgets.yaml': generated(widgets) }), inCrds)), false, 'no change');
    // A templated body cannot be compared without rendering: never called "same data".
    const wrapped = renderGeneratedFile(`{{- if .Values.old }}\n${widgets}{{- end }}\n`, source, true);
    const templated = planChart(kustomizeCrds(widgets), chartFiles({ 'templates/crds/example.io_widgets.yaml': wrapped }), inTemplates);
    assert.deepEqual(templated.writes.map((write) => [write.reason, write.differences]), [['update', undefined]]);
    assert.equal(planChangesOnlyText(templated), false);
  });

  it('refuses every foreign file at a target path, listing each problem', () => {
    const crds = kustomizeCrds(widgets, gadgets, crdYaml('gizmos', 'example.io'), crdYaml('doodads', 'example.io'), crdYaml('things', 'example.io'));
    const files = chartFiles(
      {
        'crds/example.io_widgets.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n',
        'crds/example.io_gadgets.yaml': `${gadgets}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n`,
        'crds/example.io_gizmos.yaml': 'a: [broken\n',
        'crds/example.io_things.yaml': crdYaml('other', 'example.io'),
        'crds/real.yaml': crdYaml('doodads', 'example.io'),
      },
      { 'crds/example.io_doodads.yaml': 'real.yaml' },
    );
    const message = planError(() => planChart(crds, files, inCrds));
    assert.match(message, /^The chart cannot take the CRDs without overwriting files nx-helm-crds does not own \(nothing was written\):\n/);
    assert.match(message, /crds\/example\.io_widgets\.yaml already exists and was not generated by nx-helm-crds \(it holds 1 document\(s\) that are not this CRD\)/);
    assert.match(message, /crds\/example\.io_gadgets\.yaml .*\(it holds gadgets\.example\.io among other documents\)/);
    assert.match(message, /crds\/example\.io_gizmos\.yaml .*\(crds\/example\.io_gizmos\.yaml is not valid YAML/);
    assert.match(message, /crds\/example\.io_things\.yaml .*\(it holds other\.example\.io\)/);
    assert.match(message, /Rename or remove it, or choose another fileName\/directory for gizmos\.example\.io\./);
    assert.equal(message.split('\n  - ').length - 1, 4, message);
    // The symlink points at a plain file defining the CRD, so the CRD counts as provided by that file.
    assert.doesNotMatch(message, /example\.io_doodads\.yaml/);
  });

  it('refuses a symbolic link at the target path', () => {
    const files = chartFiles({ 'elsewhere.txt': 'x' }, { 'crds/example.io_widgets.yaml': '../elsewhere.txt' });
    assert.match(planError(() => planChart(kustomizeCrds(widgets), files, inCrds)), /crds\/example\.io_widgets\.yaml .*\(it is a symbolic link, which nx-helm-crds never writes through\)/);
  });

  it('takes a template at the target path that defines the same CRD as providing it, and writes nothing there', () => {
    // What kubebuilder's Helm plugin and Makefile wrappers write: a toggle, inline includes, a conditional annotation.
    const wrapped =
      '{{- if .Values.crds.enabled }}\n---\n' +
      crdYaml('widgets', 'example.io', '  labels:\n    {{- include "chart.labels" . | nindent 4 }}\n  annotations:\n    {{- if .Values.certManager }}\n' +
        '    cert-manager.io/inject-ca-from: "{{ .Release.Namespace }}/{{ include "chart.fullname" . }}-cert"\n    {{- end }}\n') +
      '{{- end }}\n';
    const files = chartFiles({ 'templates/crds/example.io_widgets.yaml': wrapped });
    const plan = planChart(kustomizeCrds(widgets), files, inTemplates);
    assert.deepEqual(plan, { writes: [], unchanged: [], prunes: [], providedElsewhere: [{ crd: 'widgets.example.io', path: 'templates/crds/example.io_widgets.yaml' }] });
  });

  it('refuses a template at the target path that defines another CRD, or none it can read', () => {
    const files = chartFiles({
      'templates/crds/example.io_widgets.yaml': `{{- if true }}\n${gadgets}{{- end }}\n`,
      'templates/crds/example.io_gizmos.yaml': '{{- if .Values.crds.install }}\n{{ .Files.Get "files/gizmos.yaml" }}\n{{- end }}\n',
    });
    const message = planError(() => planChart(kustomizeCrds(widgets, crdYaml('gizmos', 'example.io')), files, inTemplates));
    assert.match(message, /templates\/crds\/example\.io_widgets\.yaml already exists and was not generated by nx-helm-crds \(it uses Helm template syntax and defines no CRD nx-helm-crds can read without rendering\)/);
    assert.match(message, /templates\/crds\/example\.io_gizmos\.yaml already exists and was not generated by nx-helm-crds \(it uses Helm template syntax and defines no CRD/);
  });

  it('refuses a file with template syntax in crds/, where Helm would install it as it is', () => {
    const files = chartFiles({ 'crds/example.io_widgets.yaml': `{{- if .Values.crds.enabled }}\n${widgets}{{- end }}\n` });
    assert.match(
      planError(() => planChart(kustomizeCrds(widgets), files, inCrds)),
      /crds\/example\.io_widgets\.yaml already exists and was not generated by nx-helm-crds \(it holds Helm template syntax, but Helm never renders files outside templates\/ and would install it as it is \(crds\/example\.io_widgets\.yaml is not valid YAML/,
    );
  });

  it('is not fooled by a template naming another object like the CRD next to the word CustomResourceDefinition', () => {
    const policy =
      '# Guards every CustomResourceDefinition of the chart\n{{- if .Values.policy }}\napiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\n' +
      'metadata:\n  name: widgets.example.io\nspec:\n  failurePolicy: Fail\n{{- end }}\n';
    const plan = planChart(kustomizeCrds(widgets), chartFiles({ 'templates/policy.yaml': policy, 'crds/example.io_widgets.yaml': generated(widgets) }), inCrds);
    assert.deepEqual(plan, { writes: [], unchanged: [{ path: 'crds/example.io_widgets.yaml', crd: 'widgets.example.io' }], prunes: [], providedElsewhere: [] });
  });

  it('refuses a CRD whose metadata.name is not <plural>.<group> before naming a file after it', () => {
    const misnamed = widgets.replace('  name: widgets.example.io\n', '  name: gadgets.example.io\n');
    assert.match(planError(() => planChart(kustomizeCrds(misnamed), chartFiles({}), inCrds)), /^The CustomResourceDefinition gadgets\.example\.io at line 1 of the output of kustomize build config\/crd has metadata\.name "gadgets\.example\.io", but a CRD must be named/);
  });

  it('refuses two CRDs that map to one file name', () => {
    const crds = kustomizeCrds(widgets, crdYaml('widgets', 'other.io'));
    const message = planError(() => planChart(crds, chartFiles({}), { ...inCrds, fileName: '{plural}_{kind}.yaml' }));
    assert.match(message, /widgets\.example\.io and widgets\.other\.io both map to crds\/widgets_widget\.yaml: choose a fileName pattern that tells them apart \(e\.g\. "\{name\}\.yaml"\)\./);
  });

  it('does not write a CRD another chart file defines, and prunes its own copy of it', () => {
    const crds = kustomizeCrds(widgets, gadgets, crdYaml('gizmos', 'example.io'));
    const files = chartFiles({
      'crds/example.io_widgets.yaml': generated(widgets),
      'crds/hand-made.yaml': crdYaml('widgets', 'example.io', '  labels:\n    differs: "yes"\n'),
      'templates/gadgets.yaml': `{{- if .Values.crds }}\n${gadgets}{{- end }}\n`,
      'crds/example.io_gizmos.yaml': generated(crdYaml('gizmos', 'example.io')),
    });
    const plan = planChart(crds, files, inCrds);
    assert.deepEqual(plan.providedElsewhere, [
      { crd: 'widgets.example.io', path: 'crds/hand-made.yaml' },
      { crd: 'gadgets.example.io', path: 'templates/gadgets.yaml' },
    ]);
    assert.deepEqual(plan.writes, []);
    assert.deepEqual(plan.unchanged, [{ path: 'crds/example.io_gizmos.yaml', crd: 'gizmos.example.io' }]);
    assert.deepEqual(plan.prunes, [{ path: 'crds/example.io_widgets.yaml', crds: ['widgets.example.io'] }]);
  });

  it('prunes files generated from this kustomization whose CRD is gone, wherever they are (a changed directory), and no others', () => {
    const otherSource = { ...source, kustomization: 'config/other-crd' };
    const files = chartFiles({
      'crds/example.io_widgets.yaml': generated(widgets),
      'crds/example.io_old.yaml': generated(crdYaml('olds', 'example.io')),
      'crds/sub/example.io_older.yaml': generated(crdYaml('olders', 'example.io')),
      'templates/crds/example.io_oldest.yaml': generated(crdYaml('oldests', 'example.io'), true),
      'crds/example.io_theirs.yaml': renderGeneratedFile(crdYaml('theirs', 'example.io'), otherSource, false),
      'crds/hand.yaml': crdYaml('hands', 'example.io'),
    });
    const plan = planChart(kustomizeCrds(widgets), files, inCrds);
    assert.deepEqual(plan.prunes, [
      { path: 'crds/example.io_old.yaml', crds: ['olds.example.io'] },
      { path: 'crds/sub/example.io_older.yaml', crds: ['olders.example.io'] },
      { path: 'templates/crds/example.io_oldest.yaml', crds: ['oldests.example.io'] },
    ]);
    assert.equal(planChangesChart(plan), true);
  });

  it('treats a file generated from a kustomization another target writes into the chart as provided elsewhere, not as its own', () => {
    const theirs = renderGeneratedFile(widgets, { ...source, kustomization: 'config/other-crd' }, false);
    const plan = planChart(kustomizeCrds(widgets), chartFiles({ 'crds/widgets-from-elsewhere.yaml': theirs }), { ...inCrds, otherKustomizations: ['config/other-crd'] });
    assert.deepEqual(plan.providedElsewhere, [{ crd: 'widgets.example.io', path: 'crds/widgets-from-elsewhere.yaml' }]);
    assert.deepEqual(plan.writes, []);
    assert.deepEqual(plan.prunes, []);
    const atTarget = chartFiles({ 'crds/example.io_widgets.yaml': theirs });
    assert.match(
      planError(() => planChart(kustomizeCrds(widgets), atTarget, { ...inCrds, otherKustomizations: ['config/other-crd'] })),
      /crds\/example\.io_widgets\.yaml already exists and was generated by nx-helm-crds from the kustomization config\/other-crd, which another helm-crds target still writes into this chart; it is left untouched\./,
    );
  });

  it('takes over files generated from a kustomization no target uses any more when they define its CRDs, and reports the move', () => {
    const moved = { ...source, kustomization: 'config/old-crd' };
    const files = chartFiles({
      'crds/example.io_widgets.yaml': renderGeneratedFile(widgets, moved, false),
      'crds/old/example.io_gadgets.yaml': renderGeneratedFile(gadgets, moved, false),
      'crds/example.io_gizmos.yaml': renderGeneratedFile(crdYaml('gizmos', 'example.io'), moved, false),
    });
    const plan = planChart(kustomizeCrds(widgets, gadgets), files, { ...inCrds, otherKustomizations: ['config/third'] });
    assert.deepEqual(plan.writes, [
      { path: 'crds/example.io_widgets.yaml', crd: 'widgets.example.io', reason: 'take-over', content: generated(widgets), differences: [], previousKustomization: 'config/old-crd' },
      { path: 'crds/example.io_gadgets.yaml', crd: 'gadgets.example.io', reason: 'create', content: generated(gadgets) },
    ]);
    // gizmos is none of this kustomization's CRDs: its file is left alone (verify reports it), never deleted on a guess.
    assert.deepEqual(plan.prunes, [{ path: 'crds/old/example.io_gadgets.yaml', crds: ['gadgets.example.io'], previousKustomization: 'config/old-crd' }]);
    assert.deepEqual(plan.providedElsewhere, []);
  });

  it('recognises its own templates/ file whose kustomization folder holds Helm syntax, and escapes it in the header', () => {
    const braces = { ...source, kustomization: 'k/{{fail "boom"}}' };
    const plan = planChart(kustomizeCrds(widgets), chartFiles({}), { ...inTemplates, source: braces, templating: { installValue: 'crds.install' } });
    assert.match(plan.writes[0].content, /^# Code generated by nx-helm-crds from the kustomization k\/\{\{ "\{\{" \}\}fail "boom"\{\{ "\}\}" \}\}\. DO NOT EDIT\.\n/);
    const again = planChart(kustomizeCrds(widgets), chartFiles({ [plan.writes[0].path]: plan.writes[0].content }), { ...inTemplates, source: braces, templating: { installValue: 'crds.install' } });
    assert.deepEqual(again.unchanged, [{ path: 'templates/crds/example.io_widgets.yaml', crd: 'widgets.example.io' }]);
    assert.deepEqual(again.writes, []);
  });

  it('prunes a generated file whose CRD now maps to another file name', () => {
    const plan = planChart(kustomizeCrds(widgets), chartFiles({ 'crds/example.io_widgets.yaml': generated(widgets) }), { ...inCrds, fileName: '{name}.yaml' });
    assert.deepEqual(plan.writes.map((write) => [write.path, write.reason]), [['crds/widgets.example.io.yaml', 'create']]);
    assert.deepEqual(plan.prunes, [{ path: 'crds/example.io_widgets.yaml', crds: ['widgets.example.io'] }]);
  });

  it('escapes braces when writing into templates/, and recognises its escaped file as unchanged', () => {
    const braces = crdYaml('widgets', 'example.io', '  annotations:\n    example: \'{"a":{}} {{ .x }}\'\n');
    const plan = planChart(kustomizeCrds(braces), chartFiles({}), inTemplates);
    assert.equal(plan.writes.length, 1);
    assert.equal(plan.writes[0].path, 'templates/crds/example.io_widgets.yaml');
    assert.match(plan.writes[0].content, /example: '\{"a":\{\{ "\{\}\}" \}\} \{\{ "\{\{" \}\} \.x \{\{ "\}\}" \}\}'\n/);
    const again = planChart(kustomizeCrds(braces), chartFiles({ [plan.writes[0].path]: plan.writes[0].content }), inTemplates);
    assert.deepEqual(again.writes, []);
    assert.deepEqual(again.unchanged, [{ path: 'templates/crds/example.io_widgets.yaml', crd: 'widgets.example.io' }]);
  });

  it('writes braces verbatim into crds/', () => {
    const braces = crdYaml('widgets', 'example.io', '  annotations:\n    example: "{{ .x }}"\n');
    const [write] = planChart(kustomizeCrds(braces), chartFiles({}), inCrds).writes;
    assert.equal(write.content, generated(braces));
    assert.match(write.content, /example: "\{\{ \.x \}\}"/);
  });
});
