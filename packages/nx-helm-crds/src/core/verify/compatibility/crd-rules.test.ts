import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareCrd } from './crd-rules';

type Schema = Record<string, unknown>;
interface VersionSpec {
  readonly name: string;
  readonly served?: boolean;
  readonly storage?: boolean;
  readonly spec?: Record<string, Schema>;
}

const NAME = 'widgets.example.io';
const SPEC = 'spec.versions[name=v1].schema.openAPIV3Schema.properties.spec';

function crd(versions: VersionSpec[], extra: { scope?: string; kind?: string; listKind?: string; strategy?: string } = {}): Schema {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: NAME },
    spec: {
      group: 'example.io',
      names: { kind: extra.kind ?? 'Widget', plural: 'widgets', ...(extra.listKind ? { listKind: extra.listKind } : {}) },
      scope: extra.scope ?? 'Namespaced',
      ...(extra.strategy ? { conversion: { strategy: extra.strategy } } : {}),
      versions: versions.map((version) => ({
        name: version.name,
        served: version.served ?? true,
        storage: version.storage ?? false,
        schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: version.spec ?? { replicas: { type: 'integer' } } } } } },
      })),
    },
  };
}

/** One served storage version v1 whose spec has the given properties. */
const v1 = (spec: Record<string, Schema>) => crd([{ name: 'v1', storage: true, spec }]);

function findings(previous: Schema, current: Schema): [string, string, string][] {
  return compareCrd(previous, current, NAME).findings.map((finding) => [finding.class, finding.rule, finding.path]);
}

function compatible(previous: Schema, current: Schema): string[] {
  const result = compareCrd(previous, current, NAME);
  assert.deepEqual(result.findings, [], 'no findings');
  return result.compatible.map((change) => `${change.path}: ${change.change}`);
}

describe('compareCrd: CRD-level rules', () => {
  it('finds nothing for the very same CRD', () => {
    const same = v1({ replicas: { type: 'integer' } });
    assert.deepEqual(findings(same, structuredClone(same)), []);
  });

  it('scope changed is breaking', () => {
    assert.deepEqual(findings(crd([{ name: 'v1', storage: true }]), crd([{ name: 'v1', storage: true }], { scope: 'Cluster' })), [['breaking', 'scope-changed', 'spec.scope']]);
  });

  it('kind and listKind changes are breaking; listKind defaults to <kind>List', () => {
    const before = crd([{ name: 'v1', storage: true }]);
    assert.deepEqual(findings(before, crd([{ name: 'v1', storage: true }], { kind: 'Gadget' })), [
      ['breaking', 'name-changed', 'spec.names.kind'],
      ['breaking', 'name-changed', 'spec.names.listKind'],
    ]);
    assert.deepEqual(findings(before, crd([{ name: 'v1', storage: true }], { listKind: 'WidgetList' })), []);
    assert.deepEqual(findings(before, crd([{ name: 'v1', storage: true }], { listKind: 'Widgets' })), [['breaking', 'name-changed', 'spec.names.listKind']]);
  });

  it('a served version removed is breaking; an unserved, non-storage one is not', () => {
    const before = crd([{ name: 'v1', storage: true }, { name: 'v1beta1' }, { name: 'v1alpha1', served: false }]);
    assert.deepEqual(findings(before, crd([{ name: 'v1', storage: true }])), [['breaking', 'served-version-removed', 'spec.versions[name=v1beta1]']]);
  });

  it('served: false for a version that was served is breaking', () => {
    const before = crd([{ name: 'v1', storage: true }, { name: 'v1beta1' }]);
    assert.deepEqual(findings(before, crd([{ name: 'v1', storage: true }, { name: 'v1beta1', served: false }])), [['breaking', 'version-unserved', 'spec.versions[name=v1beta1].served']]);
  });

  it('removing the previous storage version is breaking (stored objects become unreadable)', () => {
    const before = crd([{ name: 'v1beta1', storage: true }, { name: 'v1' }]);
    const found = compareCrd(before, crd([{ name: 'v1', storage: true }]), NAME).findings;
    assert.deepEqual(found.map((finding) => [finding.rule, finding.path, finding.version]), [['storage-version-removed', 'spec.versions[name=v1beta1]', 'v1beta1']]);
    assert.match(found[0].message, /objects stored as v1beta1 can no longer be read/);
  });

  it('a new storage version is compatible while the previous one is still served, breaking when it is not', () => {
    const before = crd([{ name: 'v1beta1', storage: true }, { name: 'v1' }]);
    assert.deepEqual(compatible(before, crd([{ name: 'v1beta1' }, { name: 'v1', storage: true }])), ['spec.versions[name=v1].storage: storage version moved from v1beta1 to v1; v1beta1 is still served']);
    assert.deepEqual(findings(before, crd([{ name: 'v1beta1', served: false }, { name: 'v1', storage: true }])), [
      ['breaking', 'version-unserved', 'spec.versions[name=v1beta1].served'],
      ['breaking', 'storage-version-unserved', 'spec.versions[name=v1].storage'],
    ]);
  });

  it('conversion Webhook → None is breaking while more than one version is served, and fine with one', () => {
    const two = [{ name: 'v1', storage: true }, { name: 'v1beta1' }];
    assert.deepEqual(findings(crd(two, { strategy: 'Webhook' }), crd(two, { strategy: 'None' })), [['breaking', 'conversion-webhook-removed', 'spec.conversion.strategy']]);
    assert.deepEqual(findings(crd(two, { strategy: 'Webhook' }), crd(two)), [['breaking', 'conversion-webhook-removed', 'spec.conversion.strategy']]);
    assert.deepEqual(findings(crd([{ name: 'v1', storage: true }], { strategy: 'Webhook' }), crd([{ name: 'v1', storage: true }])), []);
  });

  it('a new version is compatible', () => {
    assert.deepEqual(compatible(crd([{ name: 'v1', storage: true }]), crd([{ name: 'v1', storage: true }, { name: 'v2' }])), ['spec.versions[name=v2]: version v2 added']);
  });

  it('compares the schemas of served versions only', () => {
    const before = crd([{ name: 'v1', storage: true }, { name: 'v1alpha1', served: false, spec: { old: { type: 'string' } } }]);
    assert.deepEqual(findings(before, crd([{ name: 'v1', storage: true }, { name: 'v1alpha1', served: false, spec: {} }])), []);
  });
});

describe('compareCrd: schema rules', () => {
  it('a property removed from a served version is breaking, with the exact path and version', () => {
    const found = compareCrd(v1({ replicas: { type: 'integer' }, paused: { type: 'boolean' } }), v1({ replicas: { type: 'integer' } }), NAME).findings;
    assert.deepEqual(found.map((finding) => [finding.class, finding.rule, finding.path, finding.version]), [['breaking', 'property-removed', `${SPEC}.properties.paused`, 'v1']]);
  });

  it('a type change is breaking (integer → string, object → array), and stops there', () => {
    assert.deepEqual(findings(v1({ replicas: { type: 'integer' } }), v1({ replicas: { type: 'string' } })), [['breaking', 'type-changed', `${SPEC}.properties.replicas.type`]]);
    assert.deepEqual(findings(v1({ template: { type: 'object', properties: { a: { type: 'string' } } } }), v1({ template: { type: 'array', items: { type: 'string' } } })), [
      ['breaking', 'type-changed', `${SPEC}.properties.template.type`],
    ]);
  });

  it('x-kubernetes-int-or-string removed is a breaking type change; added is compatible', () => {
    const intOrString = { anyOf: [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true };
    assert.deepEqual(findings(v1({ port: intOrString }), v1({ port: { type: 'integer' } })), [['breaking', 'type-changed', `${SPEC}.properties.port.x-kubernetes-int-or-string`]]);
    assert.deepEqual(compatible(v1({ port: { type: 'integer' } }), v1({ port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] } })), [
      `${SPEC}.properties.port.x-kubernetes-int-or-string: accepts integers and strings now`,
      `${SPEC}.properties.port.type: type "integer" no longer enforced`,
    ]);
  });

  it('a newly required property is breaking, at its place in the required list; dropping a requirement is compatible', () => {
    const before = v1({ model: { type: 'object', required: ['a'], properties: { a: { type: 'string' }, b: { type: 'string' } } } });
    const after = v1({ model: { type: 'object', required: ['a', 'b'], properties: { a: { type: 'string' }, b: { type: 'string' } } } });
    assert.deepEqual(findings(before, after), [['breaking', 'property-newly-required', `${SPEC}.properties.model.required[1]`]]);
    assert.deepEqual(compatible(after, before), [`${SPEC}.properties.model.required: b no longer required`]);
  });

  it('an enum value removed, or an enum added, is breaking; a new value is compatible', () => {
    assert.deepEqual(findings(v1({ mode: { type: 'string', enum: ['a', 'b'] } }), v1({ mode: { type: 'string', enum: ['a'] } })), [['breaking', 'enum-value-removed', `${SPEC}.properties.mode.enum`]]);
    assert.deepEqual(findings(v1({ mode: { type: 'string' } }), v1({ mode: { type: 'string', enum: ['a'] } })), [['breaking', 'enum-value-removed', `${SPEC}.properties.mode.enum`]]);
    assert.deepEqual(compatible(v1({ mode: { type: 'string', enum: ['a'] } }), v1({ mode: { type: 'string', enum: ['a', 'c'] } })), [`${SPEC}.properties.mode.enum: enum value(s) "c" added`]);
  });

  it('upper bounds lowered and lower bounds raised are breaking; relaxed bounds are compatible', () => {
    for (const bound of ['maxLength', 'maximum', 'maxItems', 'maxProperties']) {
      assert.deepEqual(findings(v1({ f: { type: 'integer', [bound]: 10 } }), v1({ f: { type: 'integer', [bound]: 5 } })), [['breaking', 'bound-tightened', `${SPEC}.properties.f.${bound}`]], bound);
      assert.deepEqual(findings(v1({ f: { type: 'integer' } }), v1({ f: { type: 'integer', [bound]: 5 } })), [['breaking', 'bound-tightened', `${SPEC}.properties.f.${bound}`]], `${bound} added`);
      assert.deepEqual(compatible(v1({ f: { type: 'integer', [bound]: 5 } }), v1({ f: { type: 'integer', [bound]: 10 } })), [`${SPEC}.properties.f.${bound}: ${bound} relaxed from 5 to 10`]);
    }
    for (const bound of ['minLength', 'minimum', 'minItems', 'minProperties']) {
      assert.deepEqual(findings(v1({ f: { type: 'integer', [bound]: 1 } }), v1({ f: { type: 'integer', [bound]: 2 } })), [['breaking', 'bound-tightened', `${SPEC}.properties.f.${bound}`]], bound);
      assert.deepEqual(compatible(v1({ f: { type: 'integer', [bound]: 2 } }), v1({ f: { type: 'integer', [bound]: 1 } })), [`${SPEC}.properties.f.${bound}: ${bound} relaxed from 2 to 1`]);
    }
    assert.deepEqual(findings(v1({ f: { type: 'integer', maximum: 5 } }), v1({ f: { type: 'integer', maximum: 5, exclusiveMaximum: true } })), [['breaking', 'bound-tightened', `${SPEC}.properties.f.exclusiveMaximum`]]);
    assert.deepEqual(findings(v1({ f: { type: 'integer', multipleOf: 2 } }), v1({ f: { type: 'integer', multipleOf: 4 } })), [['breaking', 'bound-tightened', `${SPEC}.properties.f.multipleOf`]]);
    assert.deepEqual(compatible(v1({ f: { type: 'integer', multipleOf: 4 } }), v1({ f: { type: 'integer', multipleOf: 2 } })), [`${SPEC}.properties.f.multipleOf: multipleOf relaxed from 4 to 2`]);
  });

  it('pattern or format added or changed is breaking; removed is compatible', () => {
    for (const key of ['pattern', 'format'] as const) {
      const rule = `${key}-changed`;
      assert.deepEqual(findings(v1({ f: { type: 'string' } }), v1({ f: { type: 'string', [key]: 'x' } })), [['breaking', rule, `${SPEC}.properties.f.${key}`]]);
      assert.deepEqual(findings(v1({ f: { type: 'string', [key]: 'x' } }), v1({ f: { type: 'string', [key]: 'y' } })), [['breaking', rule, `${SPEC}.properties.f.${key}`]]);
      assert.deepEqual(compatible(v1({ f: { type: 'string', [key]: 'x' } }), v1({ f: { type: 'string' } })), [`${SPEC}.properties.f.${key}: ${key} removed`]);
    }
  });

  it('x-kubernetes-preserve-unknown-fields removed is breaking', () => {
    assert.deepEqual(findings(v1({ raw: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } }), v1({ raw: { type: 'object' } })), [
      ['breaking', 'preserve-unknown-fields-removed', `${SPEC}.properties.raw.x-kubernetes-preserve-unknown-fields`],
    ]);
  });

  it('a default added, changed or removed is a warning', () => {
    assert.deepEqual(findings(v1({ f: { type: 'integer', default: 1 } }), v1({ f: { type: 'integer', default: 2 } })), [['warning', 'default-changed', `${SPEC}.properties.f.default`]]);
    assert.deepEqual(findings(v1({ f: { type: 'integer' } }), v1({ f: { type: 'integer', default: 2 } })), [['warning', 'default-changed', `${SPEC}.properties.f.default`]]);
    assert.deepEqual(findings(v1({ f: { type: 'object', default: { a: 1 } } }), v1({ f: { type: 'object', default: { a: 1 } } })), []);
  });

  it('nullable removed is breaking', () => {
    assert.deepEqual(findings(v1({ f: { type: 'string', nullable: true } }), v1({ f: { type: 'string' } })), [['breaking', 'nullable-removed', `${SPEC}.properties.f.nullable`]]);
  });

  it('a new or changed x-kubernetes-validations rule is a warning that explains ratcheting; a removed rule is compatible', () => {
    const rules = (...texts: string[]) => v1({ f: { type: 'integer', 'x-kubernetes-validations': texts.map((rule) => ({ rule, message: 'm' })) } });
    const added = compareCrd(rules('self > 0'), rules('self > 0', 'self < 10'), NAME).findings;
    assert.deepEqual(added.map((finding) => [finding.class, finding.rule, finding.path]), [['warning', 'validation-rule-added', `${SPEC}.properties.f.x-kubernetes-validations[1]`]]);
    assert.match(added[0].message, /new validation rule "self < 10".*ratcheting.*1\.30/);
    const changed = compareCrd(rules('self > 0'), rules('self > 1'), NAME).findings;
    assert.match(changed[0].message, /validation rule changed from "self > 0" to "self > 1"/);
    assert.deepEqual(compatible(rules('self > 0', 'self < 10'), rules('self > 0')), [`${SPEC}.properties.f.x-kubernetes-validations: validation rule "self < 10" removed`]);
  });

  it('a list becoming a set or map is breaking (items must be unique)', () => {
    assert.deepEqual(findings(v1({ l: { type: 'array', items: { type: 'string' } } }), v1({ l: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' } })), [
      ['breaking', 'list-type-changed', `${SPEC}.properties.l.x-kubernetes-list-type`],
    ]);
  });

  it('walks items (object and array form) and additionalProperties', () => {
    const list = (max: number) => v1({ l: { type: 'array', items: { type: 'object', properties: { n: { type: 'integer', maximum: max } } } } });
    assert.deepEqual(findings(list(10), list(5)), [['breaking', 'bound-tightened', `${SPEC}.properties.l.items.properties.n.maximum`]]);
    const tuple = (type: string) => v1({ t: { type: 'array', items: [{ type: 'string' }, { type }] } });
    assert.deepEqual(findings(tuple('string'), tuple('integer')), [['breaking', 'type-changed', `${SPEC}.properties.t.items[1].type`]]);
    const map = (type: string) => v1({ m: { type: 'object', additionalProperties: { type } } });
    assert.deepEqual(findings(map('string'), map('integer')), [['breaking', 'type-changed', `${SPEC}.properties.m.additionalProperties.type`]]);
    assert.deepEqual(findings(map('string'), v1({ m: { type: 'object' } })), [['breaking', 'additional-properties-removed', `${SPEC}.properties.m.additionalProperties`]]);
  });

  it('reports allOf/anyOf/oneOf/not conservatively: only plain relaxations pass', () => {
    const anyOf = (...types: string[]) => v1({ f: { anyOf: types.map((type) => ({ type })) } });
    assert.deepEqual(compatible(anyOf('integer'), anyOf('integer', 'string')), [`${SPEC}.properties.f.anyOf: anyOf relaxed`]);
    assert.deepEqual(findings(anyOf('integer', 'string'), anyOf('integer')), [['breaking', 'combinator-changed', `${SPEC}.properties.f.anyOf`]]);
    const oneOf = (...types: string[]) => v1({ f: { oneOf: types.map((type) => ({ type })) } });
    assert.deepEqual(findings(oneOf('integer'), oneOf('integer', 'string')), [['breaking', 'combinator-changed', `${SPEC}.properties.f.oneOf`]]);
    const allOf = (...required: string[]) => v1({ f: { type: 'object', allOf: required.map((name) => ({ required: [name] })) } });
    assert.deepEqual(compatible(allOf('a', 'b'), allOf('a')), [`${SPEC}.properties.f.allOf: allOf relaxed`]);
    assert.deepEqual(findings(allOf('a'), allOf('a', 'b')), [['breaking', 'combinator-changed', `${SPEC}.properties.f.allOf`]]);
    assert.deepEqual(findings(v1({ f: { type: 'string' } }), v1({ f: { type: 'string', not: { enum: ['x'] } } })), [['breaking', 'combinator-changed', `${SPEC}.properties.f.not`]]);
  });

  it('reports additive changes as compatible, not as findings', () => {
    assert.deepEqual(compatible(v1({ replicas: { type: 'integer' } }), v1({ replicas: { type: 'integer', description: 'how many' }, paused: { type: 'boolean' } })), [
      `${SPEC}.properties.paused: property added`,
    ]);
  });

  it('quotes keys that are not plain in paths', () => {
    assert.deepEqual(findings(v1({ 'app.kubernetes.io/name': { type: 'string' } }), v1({})), [['breaking', 'property-removed', `${SPEC}.properties["app.kubernetes.io/name"]`]]);
  });
});
