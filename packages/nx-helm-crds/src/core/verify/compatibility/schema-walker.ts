/**
 * Compares two OpenAPI v3 schemas of one served CRD version, node by node, and records every change that makes
 * an object valid under the previous schema invalid under the new one (or read differently). Objects stored
 * under the old schema stay in etcd as they are: a narrowing change means they no longer validate on update,
 * lose fields on read (pruning) or surprise clients.
 */
import { isDeepStrictEqual } from 'node:util';
import { isMapping, type Mapping } from '../../yaml/values';
import type { CompatibilityCollector, PathSegment } from './findings';

const UPPER_BOUNDS = ['maximum', 'maxLength', 'maxItems', 'maxProperties'] as const;
const LOWER_BOUNDS = ['minimum', 'minLength', 'minItems', 'minProperties'] as const;
const COMBINATORS = ['allOf', 'anyOf', 'oneOf', 'not'] as const;
const RATCHETING =
  'CEL rules are checked on every update of an existing object, not only on create: with validation ratcheting (on by default ' +
  'since Kubernetes 1.30, GA in 1.33) an update that leaves an invalid value unchanged still passes; on older clusters any update ' +
  'of a stored object that breaks the rule is rejected';

const at = (segments: readonly PathSegment[], ...more: PathSegment[]): PathSegment[] => [...segments, ...more];
const key = (name: string): PathSegment => ({ key: name });
const show = (value: unknown): string => JSON.stringify(value) ?? String(value);

/** Walks `previous` and `current` together from `segments` (the path of the schema root in the CRD). */
export function compareSchemas(previous: unknown, current: unknown, segments: readonly PathSegment[], out: CompatibilityCollector): void {
  // Unchanged text parses to the very same value (the parse cache), so an unchanged subtree costs nothing.
  if (previous === current || isDeepStrictEqual(previous, current)) return;
  if (!isMapping(previous) || !isMapping(current)) {
    out.find({ class: 'breaking', rule: 'type-changed', segments, message: 'the schema node changed shape and cannot be compared', previous, current });
    return;
  }
  if (typeChanged(previous, current, segments, out)) return;
  flagRemoved(previous, current, 'x-kubernetes-preserve-unknown-fields', segments, out, 'preserve-unknown-fields-removed',
    'x-kubernetes-preserve-unknown-fields was removed: unknown fields of stored objects are pruned on the next read and write');
  flagRemoved(previous, current, 'nullable', segments, out, 'nullable-removed', 'nullable was removed: stored objects holding null here fail validation on update');
  bounds(previous, current, segments, out);
  tightenedString(previous, current, 'pattern', segments, out, 'pattern-changed');
  tightenedString(previous, current, 'format', segments, out, 'format-changed');
  enumValues(previous, current, segments, out);
  defaults(previous, current, segments, out);
  listType(previous, current, segments, out);
  required(previous, current, segments, out);
  validations(previous, current, segments, out);
  properties(previous, current, segments, out);
  items(previous, current, segments, out);
  additionalProperties(previous, current, segments, out);
  combinators(previous, current, segments, out);
}

/** True when the type changed: the rest of the node is then not comparable (an object's properties against an array's items). */
function typeChanged(previous: Mapping, current: Mapping, segments: readonly PathSegment[], out: CompatibilityCollector): boolean {
  const intOrString = 'x-kubernetes-int-or-string';
  if (previous[intOrString] === true && current[intOrString] !== true) {
    out.find({ class: 'breaking', rule: 'type-changed', segments: at(segments, key(intOrString)), message: `${intOrString} was removed: stored values of the other type become invalid`, previous: true, current: current[intOrString] });
    return true;
  }
  if (current[intOrString] === true && previous[intOrString] !== true) out.accept(at(segments, key(intOrString)), 'accepts integers and strings now');
  if (previous.type === current.type) return false;
  if (current.type === undefined) {
    out.accept(at(segments, key('type')), `type ${show(previous.type)} no longer enforced`);
    return false;
  }
  out.find({
    class: 'breaking',
    rule: 'type-changed',
    segments: at(segments, key('type')),
    message: previous.type === undefined
      ? `type ${show(current.type)} was added: stored values of any other type become invalid`
      : `type changed from ${show(previous.type)} to ${show(current.type)}: stored values no longer validate and clients decode them wrongly`,
    previous: previous.type,
    current: current.type,
  });
  return true;
}

function flagRemoved(previous: Mapping, current: Mapping, name: string, segments: readonly PathSegment[], out: CompatibilityCollector, rule: 'preserve-unknown-fields-removed' | 'nullable-removed', message: string): void {
  if (previous[name] === true && current[name] !== true) out.find({ class: 'breaking', rule, segments: at(segments, key(name)), message, previous: true, current: current[name] });
  else if (current[name] === true && previous[name] !== true) out.accept(at(segments, key(name)), `${name} added`);
}

/** A lowered maximum (or a raised minimum), a new bound, a new exclusive flag or a new multipleOf rejects values that were valid. */
function bounds(previous: Mapping, current: Mapping, segments: readonly PathSegment[], out: CompatibilityCollector): void {
  const compareBound = (name: string, verb: string, tighter: (before: number, after: number) => boolean) => {
    const before = previous[name];
    const after = current[name];
    if (before === after) return;
    if (typeof after === 'number' && (typeof before !== 'number' || tighter(before, after))) {
      const what = typeof before === 'number' ? `${name} ${verb} from ${before} to ${after}` : `${name} ${after} was added`;
      out.find({ class: 'breaking', rule: 'bound-tightened', segments: at(segments, key(name)), message: `${what}: stored values outside it fail validation on update`, previous: before, current: after });
    } else {
      out.accept(at(segments, key(name)), after === undefined ? `${name} removed` : `${name} relaxed from ${show(before)} to ${after}`);
    }
  };
  for (const name of UPPER_BOUNDS) compareBound(name, 'lowered', (before, after) => after < before);
  for (const name of LOWER_BOUNDS) compareBound(name, 'raised', (before, after) => after > before);
  compareBound('multipleOf', 'changed', (before, after) => before % after !== 0);
  for (const name of ['exclusiveMaximum', 'exclusiveMinimum']) {
    if (current[name] === true && previous[name] !== true) {
      out.find({ class: 'breaking', rule: 'bound-tightened', segments: at(segments, key(name)), message: `${name} was added: the bound itself is no longer a valid value`, previous: previous[name], current: true });
    }
  }
}

function tightenedString(previous: Mapping, current: Mapping, name: 'pattern' | 'format', segments: readonly PathSegment[], out: CompatibilityCollector, rule: 'pattern-changed' | 'format-changed'): void {
  if (previous[name] === current[name]) return;
  if (current[name] === undefined) {
    out.accept(at(segments, key(name)), `${name} removed`);
    return;
  }
  out.find({
    class: 'breaking',
    rule,
    segments: at(segments, key(name)),
    message: `${name} ${previous[name] === undefined ? `${show(current[name])} was added` : `changed from ${show(previous[name])} to ${show(current[name])}`}: stored values that do not match fail validation on update`,
    previous: previous[name],
    current: current[name],
  });
}

function enumValues(previous: Mapping, current: Mapping, segments: readonly PathSegment[], out: CompatibilityCollector): void {
  const before = previous.enum;
  const after = current.enum;
  if (!Array.isArray(after)) {
    if (Array.isArray(before)) out.accept(at(segments, key('enum')), 'enum removed (any value accepted)');
    return;
  }
  if (!Array.isArray(before)) {
    out.find({ class: 'breaking', rule: 'enum-value-removed', segments: at(segments, key('enum')), message: `an enum ${show(after)} was added: every other value stored so far becomes invalid`, current: after });
    return;
  }
  const removed = before.filter((value) => !after.some((candidate) => isDeepStrictEqual(candidate, value)));
  if (removed.length > 0) {
    out.find({ class: 'breaking', rule: 'enum-value-removed', segments: at(segments, key('enum')), message: `enum value(s) ${removed.map(show).join(', ')} removed: stored objects using them fail validation on update`, previous: before, current: after });
  }
  const added = after.filter((value) => !before.some((candidate) => isDeepStrictEqual(candidate, value)));
  if (added.length > 0) out.accept(at(segments, key('enum')), `enum value(s) ${added.map(show).join(', ')} added`);
}

function defaults(previous: Mapping, current: Mapping, segments: readonly PathSegment[], out: CompatibilityCollector): void {
  if (isDeepStrictEqual(previous.default, current.default)) return;
  const what = previous.default === undefined ? 'a default was added' : current.default === undefined ? 'the default was removed' : 'the default changed';
  out.find({
    class: 'warning',
    rule: 'default-changed',
    segments: at(segments, key('default')),
    message: `${what}: new objects differ from those created before, and stored objects without the field read back with the new default`,
    previous: previous.default,
    current: current.default,
  });
}

/** set and map lists must hold unique items (by key): a stored list with duplicates becomes invalid, and server-side apply merges differently. */
function listType(previous: Mapping, current: Mapping, segments: readonly PathSegment[], out: CompatibilityCollector): void {
  for (const name of ['x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-map-type']) {
    if (isDeepStrictEqual(previous[name], current[name])) continue;
    if (current[name] === undefined || current[name] === 'atomic') {
      out.accept(at(segments, key(name)), `${name} relaxed to atomic`);
      continue;
    }
    out.find({ class: 'breaking', rule: 'list-type-changed', segments: at(segments, key(name)), message: `${name} changed from ${show(previous[name] ?? 'atomic')} to ${show(current[name])}: items must now be unique and server-side apply merges the field differently`, previous: previous[name], current: current[name] });
  }
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function required(previous: Mapping, current: Mapping, segments: readonly PathSegment[], out: CompatibilityCollector): void {
  const before = new Set(stringList(previous.required));
  const after = stringList(current.required);
  after.forEach((name, index) => {
    if (!before.has(name)) {
      out.find({ class: 'breaking', rule: 'property-newly-required', segments: at(segments, key('required'), { index }), message: `${name} is now required: stored objects without it fail validation on update, and clients that omit it are rejected`, current: name });
    }
  });
  for (const name of before) if (!after.includes(name)) out.accept(at(segments, key('required')), `${name} no longer required`);
}

function validations(previous: Mapping, current: Mapping, segments: readonly PathSegment[], out: CompatibilityCollector): void {
  const name = 'x-kubernetes-validations';
  const rules = (value: unknown) => (Array.isArray(value) ? value.map((rule) => (isMapping(rule) ? rule.rule : undefined)) : []);
  const before = rules(previous[name]);
  const after = rules(current[name]);
  after.forEach((rule, index) => {
    if (before.includes(rule)) return;
    const changed = index < before.length && !after.includes(before[index]);
    out.find({
      class: 'warning',
      rule: 'validation-rule-added',
      segments: at(segments, key(name), { index }),
      message: `${changed ? `validation rule changed from ${show(before[index])} to` : 'new validation rule'} ${show(rule)}: ${RATCHETING}`,
      previous: changed ? before[index] : undefined,
      current: rule,
    });
  });
  for (const rule of before) if (!after.includes(rule)) out.accept(at(segments, key(name)), `validation rule ${show(rule)} removed`);
}

function properties(previous: Mapping, current: Mapping, segments: readonly PathSegment[], out: CompatibilityCollector): void {
  const before = isMapping(previous.properties) ? previous.properties : {};
  const after = isMapping(current.properties) ? current.properties : {};
  for (const name of Object.keys(before)) {
    const path = at(segments, key('properties'), key(name));
    if (!Object.hasOwn(after, name)) {
      out.find({ class: 'breaking', rule: 'property-removed', segments: path, message: `property ${name} was removed: its value in stored objects is pruned on the next read and write, and clients that set it are rejected (strict field validation) or lose it` });
    } else {
      compareSchemas(before[name], after[name], path, out);
    }
  }
  for (const name of Object.keys(after)) if (!Object.hasOwn(before, name)) out.accept(at(segments, key('properties'), key(name)), 'property added');
}

function items(previous: Mapping, current: Mapping, segments: readonly PathSegment[], out: CompatibilityCollector): void {
  const before = previous.items;
  const after = current.items;
  if (before === undefined || after === undefined) return;
  if (Array.isArray(before) && Array.isArray(after)) {
    before.forEach((item, index) => {
      if (index < after.length) compareSchemas(item, after[index], at(segments, key('items'), { index }), out);
    });
    return;
  }
  compareSchemas(before, after, at(segments, key('items')), out);
}

function additionalProperties(previous: Mapping, current: Mapping, segments: readonly PathSegment[], out: CompatibilityCollector): void {
  const before = previous.additionalProperties;
  const after = current.additionalProperties;
  const path = at(segments, key('additionalProperties'));
  const allows = (value: unknown) => value === true || isMapping(value);
  if (isMapping(before) && isMapping(after)) {
    compareSchemas(before, after, path, out);
  } else if (allows(before) && !allows(after)) {
    out.find({ class: 'breaking', rule: 'additional-properties-removed', segments: path, message: 'additionalProperties was removed: the map entries of stored objects are pruned on the next read and write', previous: before, current: after });
  } else if (!allows(before) && allows(after)) {
    out.accept(path, 'additionalProperties added');
  }
}

/**
 * allOf/anyOf/oneOf/not can combine in ways a node-by-node walk cannot judge, so any change is breaking unless
 * it is plainly a relaxation: alternatives added to anyOf, constraints dropped from allOf, a combinator removed.
 */
function combinators(previous: Mapping, current: Mapping, segments: readonly PathSegment[], out: CompatibilityCollector): void {
  for (const name of COMBINATORS) {
    const before = previous[name];
    const after = current[name];
    if (isDeepStrictEqual(before, after)) continue;
    // The structural-schema idiom of x-kubernetes-int-or-string, judged with it in typeChanged.
    if (name === 'anyOf' && current['x-kubernetes-int-or-string'] === true && isDeepStrictEqual(after, [{ type: 'integer' }, { type: 'string' }])) continue;
    const path = at(segments, key(name));
    const within = (some: unknown, all: unknown) => Array.isArray(some) && Array.isArray(all) && some.every((item) => all.some((other) => isDeepStrictEqual(item, other)));
    if (after === undefined || (name === 'anyOf' && within(before, after)) || (name === 'allOf' && within(after, before))) {
      out.accept(path, `${name} relaxed`);
      continue;
    }
    out.find({ class: 'breaking', rule: 'combinator-changed', segments: path, message: `${name} ${before === undefined ? 'was added' : 'changed'}: nx-helm-crds cannot prove that every value valid before stays valid; review it and allow-list it if it does`, previous: before, current: after });
  }
}
