/**
 * Property test of the data path a CRD takes: Kustomize stream → splitYamlDocuments/collectCrds → the chart file
 * (renderGeneratedFile, crds/ and templates/) → readChartFileText/generatedFileBody → diffValues/verifyChartCrds.
 *
 * Random CRD-like documents (seeded, so a failure names its seed and reproduces) are written in the YAML styles
 * Kustomize and hand-edited streams use: block and flow collections, indentless and indented sequences, anchors
 * and aliases, literal and folded block scalars with every chomping, plain, single- and double-quoted scalars,
 * unicode, long strings, Helm-looking `{{ }}` text, comments. Properties:
 *  1. every CRD read back from its chart file equals, as data, the document generated (and its text is kept);
 *  2. verify finds the chart in sync;
 *  3. any single-field change to one chart CRD (changed, removed or added field) is reported by verify as
 *     exactly that one difference, at exactly its path.
 */
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { describe, it } from 'node:test';
import { isHelmTemplatePath, readChartFileText, type ChartFile } from './files';
import { verifyChartCrds } from '../verify/verification';
import { collectCrds, crdFileName, type Crd } from '../crd/model';
import { generatedFileBody, renderGeneratedFile } from './generated-file';
import { diffValues, type Difference } from '../verify/diff';
import { splitYamlDocuments } from '../yaml/documents';

// ---------------------------------------------------------------------------------------------------------------
// Seeded randomness

/** mulberry32: small, fast, good enough for test data; the same seed gives the same cases. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (max: number) => Math.floor(next() * max),
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
  };
}
type Random = ReturnType<typeof prng>;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Mapping = { [key: string]: Json };
const isMapping = (value: unknown): value is Mapping => typeof value === 'object' && value !== null && !Array.isArray(value);

// ---------------------------------------------------------------------------------------------------------------
// Random values

const WORDS = ['spec', 'status', 'replicas', 'image', 'storageUri', 'runtime', 'model', 'format', 'name', 'port', 'x', 'enabled', 'v1beta1'];
const UNICODE = ['é', 'ü', 'ß', 'Ω', 'ж', 'Привет', '日本語', '中文', '한국어', 'عربى', 'ש', '🚀', '👩‍💻', '🇩🇪', 'e\u0301', '\u00a0', '…', '€'];
const TRICKY = [
  '{{ .Values.image }}', '{{', '}}', '}}{{', '{{{x}}}', '{"a":{}}', '{{ "{{" }}', "it's", 'say "hi"', 'back\\slash', 'a: b', 'a #b',
  '- item', '? key', '&anchor', '*alias', '!tag', '|', '>', '%', '@', '`', '#', '---', '...', 'true', 'False', 'null', '~', 'yes',
  'on', 'NO', '1', '-2', '3.5', '1e3', '0x1F', '0o17', '.inf', '-.Inf', '.nan', '', ' ', '  leading', 'trailing  ', 'tab\there',
  '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', 'C:\\path', 'ctrl\u0007bell', 'del\u0001x',
];

function randomWord(random: Random): string {
  return random.pick(WORDS) + (random.chance(0.3) ? String(random.int(100)) : '');
}

function randomLine(random: Random): string {
  const parts: string[] = [];
  for (let index = 0, count = 1 + random.int(6); index < count; index++) {
    const kind = random.int(10);
    parts.push(kind < 5 ? randomWord(random) : kind < 7 ? random.pick(UNICODE) : random.pick(TRICKY));
  }
  return parts.join(random.chance(0.8) ? ' ' : '');
}

function randomString(random: Random): string {
  switch (random.int(12)) {
    case 0:
      return randomWord(random);
    case 1:
      return random.pick(TRICKY);
    case 2: {
      // Multi-line, as descriptions are; sometimes with blank lines and trailing newlines.
      const lines = Array.from({ length: 2 + random.int(5) }, () => (random.chance(0.15) ? '' : randomLine(random)));
      return lines.join('\n') + random.pick(['', '', '\n', '\n\n']);
    }
    case 3: {
      // Long: hundreds to thousands of characters.
      if (random.chance(0.5)) return randomLine(random);
      let text = '';
      while (text.length < 300 + random.int(700)) text += `${randomLine(random)} `;
      return text.trim();
    }
    default:
      return randomLine(random);
  }
}

function randomScalar(random: Random): Json {
  switch (random.int(10)) {
    case 0:
      return random.int(2_000_000_000) - 1_000_000_000;
    case 1:
      return random.pick([0.5, -1.25, 3.14159, 1e-7, 1e21, 100.0001]);
    case 2:
      return random.chance(0.5);
    case 3:
      return null;
    default:
      return randomString(random);
  }
}

function randomKey(random: Random, taken: Set<string>): string {
  for (;;) {
    const key = random.chance(0.75)
      ? randomWord(random)
      : random.pick(['x-kubernetes-preserve-unknown-fields', 'cert-manager.io/inject-ca-from', 'app.kubernetes.io/name', '$ref', 'with space', '123', 'true', 'null', 'ключ', '名前', 'a.b', '{{ key }}', "it's", '"quoted"', '-dash', '_under', 'UPPER']);
    if (!taken.has(key)) {
      taken.add(key);
      return key;
    }
  }
}

/** A random value (default, example, enum member): any JSON shape, sometimes nested. */
function randomValue(random: Random, depth: number): Json {
  if (depth <= 0 || random.chance(0.6)) return randomScalar(random);
  if (random.chance(0.5)) return Array.from({ length: random.int(4) }, () => randomValue(random, depth - 1));
  const value: Mapping = {};
  const taken = new Set<string>();
  for (let index = 0, count = random.int(4); index < count; index++) value[randomKey(random, taken)] = randomValue(random, depth - 1);
  return value;
}

/** A random openAPIV3Schema node; earlier nodes are sometimes reused (emitted as YAML anchors and aliases). */
function randomSchema(random: Random, depth: number, budget: { nodes: number }, pool: Mapping[]): Mapping {
  budget.nodes--;
  if (pool.length > 0 && random.chance(0.08)) return random.pick(pool);
  const schema: Mapping = {};
  if (random.chance(0.5)) schema.description = randomString(random);
  const kind = depth <= 0 || budget.nodes <= 0 ? 'leaf' : random.pick(['object', 'object', 'array', 'leaf']);
  if (kind === 'object') {
    schema.type = 'object';
    const properties: Mapping = {};
    const taken = new Set<string>();
    for (let index = 0, count = 1 + random.int(4); index < count && budget.nodes > 0; index++) {
      properties[randomKey(random, taken)] = randomSchema(random, depth - 1, budget, pool);
    }
    schema.properties = properties;
    if (random.chance(0.4)) schema.required = Object.keys(properties).filter(() => random.chance(0.5));
    if (random.chance(0.1)) schema['x-kubernetes-preserve-unknown-fields'] = true;
  } else if (kind === 'array') {
    schema.type = 'array';
    schema.items = randomSchema(random, depth - 1, budget, pool);
    if (random.chance(0.3)) schema['x-kubernetes-list-type'] = random.pick(['atomic', 'set', 'map']);
  } else {
    schema.type = random.pick(['string', 'integer', 'number', 'boolean']);
    if (random.chance(0.3)) schema.pattern = random.pick(['^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))$', '^{{.*}}$', "^'.*'$"]);
    if (random.chance(0.2)) schema.enum = Array.from({ length: 1 + random.int(4) }, () => randomScalar(random));
    if (random.chance(0.2)) schema.default = randomValue(random, 2);
    if (random.chance(0.2)) schema.maxLength = random.int(100_000);
    if (random.chance(0.1)) schema['x-kubernetes-int-or-string'] = true;
  }
  if (random.chance(0.05)) schema.example = randomValue(random, 3);
  if (kind !== 'leaf' || random.chance(0.5)) pool.push(schema);
  return schema;
}

function randomCrd(random: Random, index: number): Mapping {
  const group = `${random.pick(['serving', 'batch', 'ml', 'data'])}${index}.example${random.int(10)}.io`;
  const singular = `${random.pick(['widget', 'gadget', 'model', 'runtime', 'service'])}${random.int(1000)}`;
  const plural = `${singular}s`;
  const kind = singular[0].toUpperCase() + singular.slice(1);
  const pool: Mapping[] = [];
  const versions: Json[] = [];
  const versionCount = 1 + random.int(2);
  for (let v = 0; v < versionCount; v++) {
    const version: Mapping = { name: `v1${['', 'beta1', 'alpha1'][v]}`, served: random.chance(0.9), storage: v === 0 };
    version.schema = { openAPIV3Schema: randomSchema(random, 4, { nodes: 5 + random.int(12) }, pool) };
    if (random.chance(0.3)) {
      version.additionalPrinterColumns = Array.from({ length: 1 + random.int(3) }, (_, column) => ({
        jsonPath: `.status.conditions[?(@.type=='Ready')].status${column}`,
        name: `Column${column}`,
        type: random.pick(['string', 'date', 'integer']),
      }));
    }
    if (random.chance(0.3)) version.subresources = { status: {} };
    versions.push(version);
  }
  const metadata: Mapping = { name: `${plural}.${group}` };
  if (random.chance(0.5)) metadata.annotations = { 'cert-manager.io/inject-ca-from': 'example-system/serving-cert', 'controller-gen.kubebuilder.io/version': 'v0.16.4' };
  if (random.chance(0.5)) metadata.labels = { 'app.kubernetes.io/part-of': randomWord(random) };
  const spec: Mapping = {
    group,
    names: { kind, listKind: `${kind}List`, plural, singular, ...(random.chance(0.5) ? { shortNames: [singular.slice(0, 3)] } : {}) },
    scope: random.pick(['Namespaced', 'Cluster']),
    versions,
  };
  if (random.chance(0.3)) {
    spec.conversion = {
      strategy: 'Webhook',
      webhook: { clientConfig: { service: { name: 'webhook-service', namespace: 'system', path: '/convert' } }, conversionReviewVersions: ['v1'] },
    };
  }
  // Keys in Kustomize's order (sorted) or the order the file had: both occur.
  return { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata, spec };
}

// ---------------------------------------------------------------------------------------------------------------
// A YAML writer that picks a random (valid) style for every node

const RESERVED = /^(?:true|false|yes|no|on|off|y|n|null|~)$/i;
const PLAIN_SAFE = /^[A-Za-z_][A-Za-z0-9 ._/'"()$^\u00C0-\uFFFF-]*$/u;
const PRINTABLE = /^[\t\n\x20-\x7E\u00A0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

function canBePlain(text: string, flow: boolean): boolean {
  return (
    text !== '' &&
    PLAIN_SAFE.test(text) &&
    !RESERVED.test(text) &&
    !/\s$/.test(text) &&
    !text.includes(' #') &&
    !text.includes(': ') &&
    !(flow && /[,[\]{}]/.test(text)) &&
    !/[\u00A0\u2028\u2029\uFEFF]/.test(text)
  );
}

function doubleQuoted(text: string): string {
  // JSON's escapes are YAML double-quoted escapes; DEL and C1 controls are not printable in YAML: escape them too.
  return JSON.stringify(text).replace(/[\u007F-\u009F\u2028\u2029\uFEFF]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

class YamlWriter {
  private readonly anchors = new Map<object, string>();
  private readonly emitted = new Set<object>();

  constructor(
    private readonly random: Random,
    /** Objects referenced more than once in the document: they get an anchor, later uses an alias. */
    private readonly shared: Set<object>,
    /** The styles written, so a test can check the generator covers them. */
    readonly used = new Set<string>(),
  ) {}

  document(value: Mapping): string {
    const comment = this.random.chance(0.2) ? `# ${randomWord(this.random)} generated for a test\n` : '';
    return comment + this.blockMapping(value, 0);
  }

  private key(key: string, flow: boolean): string {
    return canBePlain(key, flow) && !/^[-?:,[\]{}#&*!|>'"%@`]/.test(key) && !/^\d/.test(key) ? key : doubleQuoted(key);
  }

  private scalar(value: Json, flow: boolean): string {
    if (value === null) return this.random.pick(flow ? ['null', '~'] : ['null', '~', 'null']);
    if (typeof value === 'boolean') return String(value);
    if (typeof value === 'number') return String(value);
    const text = value as string;
    const styles: string[] = ['double'];
    if (canBePlain(text, flow) && !/^[-?:,[\]{}#&*!|>'"%@`]/.test(text) && !/^[\d.+-]/.test(text)) styles.push('plain', 'plain', 'plain');
    if (!/[\n\r]/.test(text) && PRINTABLE.test(text) && !/[\u0000-\u0008\u000B-\u001F\u007F]/.test(text)) styles.push('single');
    const style = this.random.pick(styles);
    this.used.add(style === 'double' && /\\/.test(doubleQuoted(text)) ? 'double-quoted with escapes' : `${style}-quoted`);
    switch (style) {
      case 'plain':
        return text;
      case 'single':
        return `'${text.replace(/'/g, "''")}'`;
      default:
        return doubleQuoted(text);
    }
  }

  /** A block scalar for `text` at `indent`, or undefined when no block style can hold it exactly. */
  private blockScalar(text: string, indent: number): string | undefined {
    if (text === '' || !PRINTABLE.test(text) || /\r|\t/.test(text) || /^\n*$/.test(text)) return undefined;
    const body = text.replace(/\n+$/, '');
    const lines = body.split('\n');
    if (lines.some((line) => /^\s+$/.test(line) || /^ /.test(line)) || /[\u00A0\u2028\u2029\uFEFF\u0085]/.test(text)) return undefined;
    const trailing = text.length - body.length;
    const pad = ' '.repeat(indent);
    const content = lines.map((line) => (line === '' ? '' : pad + line)).join('\n');
    if (lines.length === 1 && trailing === 0 && !/ $/.test(body) && !/  /.test(body) && this.random.chance(0.3)) {
      this.used.add('folded block');
      return `>-\n${content}\n`; // folded, one line: exactly the line
    }
    const chomping = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
    this.used.add(`literal block |${chomping}`);
    return `|${chomping}\n${content}\n${'\n'.repeat(Math.max(0, trailing - 1))}`;
  }

  private anchorOrAlias(value: Json): { alias?: string; anchor?: string } {
    if (typeof value !== 'object' || value === null || !this.shared.has(value)) return {};
    if (this.emitted.has(value)) {
      this.used.add('alias');
      return { alias: `*${this.anchors.get(value)}` };
    }
    this.emitted.add(value);
    this.used.add('anchor');
    const name = `${this.random.pick(['a', 'schema', 'ref'])}${this.anchors.size + 1}`;
    this.anchors.set(value, name);
    return { anchor: `&${name}` };
  }

  flow(value: Json): string {
    const { alias, anchor } = this.anchorOrAlias(value);
    if (alias) return alias;
    const prefix = anchor ? `${anchor} ` : '';
    if (Array.isArray(value)) return `${prefix}[${value.map((item) => this.flow(item)).join(', ')}]`;
    if (isMapping(value)) return `${prefix}{${Object.entries(value).map(([key, item]) => `${this.key(key, true)}: ${this.flow(item)}`).join(', ')}}`;
    return this.scalar(value, true);
  }

  /** The text after `key:` (starting with a space or a newline), for a value in a block mapping at `indent`. */
  private mappingValue(value: Json, indent: number): string {
    const { alias, anchor } = this.anchorOrAlias(value);
    if (alias) return ` ${alias}\n`;
    const tag = anchor ? ` ${anchor}` : '';
    if (isMapping(value)) {
      if (Object.keys(value).length === 0 || this.random.chance(0.1)) {
        if (Object.keys(value).length > 0) this.used.add('flow mapping');
        return `${tag} ${this.flowBody(value)}\n`;
      }
      return `${tag}\n${this.blockMapping(value, indent + 2)}`;
    }
    if (Array.isArray(value)) {
      if (value.length === 0 || this.random.chance(0.15)) {
        if (value.length > 0) this.used.add('flow sequence');
        return `${tag} ${this.flowBody(value)}\n`;
      }
      // Kustomize writes sequences indentless (`key:\n- a`); other tools indent them.
      const indentless = this.random.chance(0.6);
      this.used.add(indentless ? 'indentless sequence' : 'indented sequence');
      return `${tag}\n${this.blockSequence(value, indentless ? indent : indent + 2)}`;
    }
    if (typeof value === 'string' && this.random.chance(/\n/.test(value) ? 0.8 : 0.15)) {
      const block = this.blockScalar(value, indent + 2);
      if (block) return ` ${block}`;
    }
    if (value === null && this.random.chance(0.3)) {
      this.used.add('null as nothing');
      return '\n'; // `key:` with nothing is null
    }
    return ` ${this.scalar(value, false)}${this.random.chance(0.05) ? ' # trailing comment' : ''}\n`;
  }

  /** A flow collection without the anchor (the caller placed it). */
  private flowBody(value: Mapping | Json[]): string {
    if (Array.isArray(value)) return `[${value.map((item) => this.flow(item)).join(', ')}]`;
    return `{${Object.entries(value).map(([key, item]) => `${this.key(key, true)}: ${this.flow(item)}`).join(', ')}}`;
  }

  private blockMapping(value: Mapping, indent: number): string {
    const pad = ' '.repeat(indent);
    let text = '';
    for (const [key, item] of Object.entries(value)) {
      if (this.random.chance(0.03)) text += `${pad}# about ${randomWord(this.random)}\n`;
      text += `${pad}${this.key(key, false)}:${this.mappingValue(item, indent)}`;
    }
    return text;
  }

  private blockSequence(items: Json[], indent: number): string {
    const pad = ' '.repeat(indent);
    let text = '';
    for (const item of items) {
      const shared = typeof item === 'object' && item !== null && this.shared.has(item);
      if (isMapping(item) && Object.keys(item).length > 0 && !shared && this.random.chance(0.85)) {
        this.used.add('compact mapping in sequence');
        // Compact: the first key on the dash's line, the others aligned with it.
        const inner = this.blockMapping(item, indent + 2);
        text += `${pad}- ${inner.slice(indent + 2)}`;
      } else if (typeof item === 'string' && /\n/.test(item) && this.random.chance(0.7)) {
        const block = this.blockScalar(item, indent + 2);
        text += `${pad}- ${block ?? `${this.scalar(item, false)}\n`}`;
      } else {
        text += `${pad}- ${this.flow(item)}\n`;
      }
    }
    return text;
  }
}

/** Objects reachable more than once from `root`. */
function sharedObjects(root: Json): Set<object> {
  const seen = new Set<object>();
  const shared = new Set<object>();
  const visit = (value: Json): void => {
    if (typeof value !== 'object' || value === null) return;
    if (seen.has(value)) {
      shared.add(value);
      return;
    }
    seen.add(value);
    for (const child of Array.isArray(value) ? value : Object.values(value)) visit(child);
  };
  visit(root);
  return shared;
}

function writeYaml(random: Random, value: Mapping, used?: Set<string>): string {
  return new YamlWriter(random, sharedObjects(value), used).document(value);
}

// ---------------------------------------------------------------------------------------------------------------
// Single-field changes, with the path diffValues must name

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const namesOf = (list: Json[]): string[] | undefined => {
  const names = list.map((item) => (isMapping(item) && typeof item.name === 'string' ? item.name : undefined));
  if (names.some((name) => name === undefined)) return undefined;
  return new Set(names).size === names.length ? (names as string[]) : undefined;
};

interface Change {
  readonly changed: Mapping;
  readonly expected: Difference;
}

/** Changes one field of a copy of `crd`: replaces a value, removes a key or adds one. */
function changeOneField(random: Random, crd: Mapping): Change | undefined {
  const changed = JSON.parse(JSON.stringify(crd)) as Mapping;
  // Walk down from the root to a random mapping, remembering how to name each step.
  const steps: { container: Json; key: string | number }[] = [];
  let current: Json = changed;
  while (random.chance(0.75)) {
    const children: (string | number)[] = isMapping(current)
      ? Object.keys(current).filter((key) => typeof current === 'object' && current !== null && typeof (current as Mapping)[key] === 'object' && (current as Mapping)[key] !== null)
      : Array.isArray(current)
        ? current.map((_, index) => index).filter((index) => typeof (current as Json[])[index] === 'object' && (current as Json[])[index] !== null)
        : [];
    if (children.length === 0) break;
    const key = random.pick(children);
    steps.push({ container: current, key });
    current = (current as Record<string | number, Json>)[key];
  }
  if (!isMapping(current)) return undefined;
  const mapping = current;
  const atRoot = steps.length === 0;
  const inNamedList = steps.length > 0 && Array.isArray(steps[steps.length - 1].container);
  // The CRD's identity stays: without kind or metadata.name the chart would define another object, not a changed CRD.
  const editable = Object.keys(mapping).filter(
    (key) => !(atRoot && ['apiVersion', 'kind', 'metadata'].includes(key)) && !(steps.length === 1 && steps[0].key === 'metadata' && key === 'name'),
  );
  const action = random.pick(editable.length > 0 ? ['replace', 'remove', 'add'] : ['add']);
  let key: string;
  let difference: Omit<Difference, 'path'>;
  if (action === 'add') {
    key = randomKey(random, new Set(Object.keys(mapping)));
    if (inNamedList && key === 'name') return undefined;
    mapping[key] = randomValue(random, 2);
    difference = { kind: 'unexpected', actual: mapping[key] };
  } else {
    key = random.pick(editable);
    if (inNamedList && key === 'name') return undefined; // renaming a list item is a different kind of change
    if (action === 'remove') {
      difference = { kind: 'missing', expected: mapping[key] };
      delete mapping[key];
    } else {
      const before = mapping[key];
      let after = randomScalar(random);
      for (let tries = 0; isDeepStrictEqual(after, before) && tries < 10; tries++) after = randomScalar(random);
      if (isDeepStrictEqual(after, before)) return undefined;
      mapping[key] = after;
      difference = { kind: 'changed', expected: before, actual: after };
    }
  }
  // The path, as diffValues names it: lists of uniquely named items by name (on both sides), others by index.
  const original = crd;
  let path = '';
  let originalNode: Json = original;
  for (const step of steps) {
    if (Array.isArray(step.container)) {
      const names = namesOf(originalNode as Json[]);
      const index = step.key as number;
      path += names && namesOf(step.container) ? `[name=${names[index]}]` : `[${index}]`;
    } else {
      const name = step.key as string;
      path = PLAIN_KEY.test(name) ? (path === '' ? name : `${path}.${name}`) : `${path}[${JSON.stringify(name)}]`;
    }
    originalNode = (originalNode as Record<string | number, Json>)[step.key];
  }
  path = PLAIN_KEY.test(key) ? (path === '' ? key : `${path}.${key}`) : `${path}[${JSON.stringify(key)}]`;
  return { changed, expected: { path, ...difference } as Difference };
}

// ---------------------------------------------------------------------------------------------------------------

const source = { kustomization: 'config/crd', regenerate: 'nx run chart:crds' };
const DIRECTORIES = ['crds', 'templates', 'templates/crd'];
const FILE_NAMES = ['{group}_{plural}.yaml', '{plural}.{group}.yaml', '{name}.yml'];
const CASES = 300;
const STYLES = [
  'anchor', 'alias', 'flow mapping', 'flow sequence', 'indentless sequence', 'indented sequence', 'compact mapping in sequence',
  'literal block |', 'literal block |-', 'literal block |+', 'folded block', 'plain-quoted', 'single-quoted', 'double-quoted',
  'double-quoted with escapes', 'null as nothing',
];
const TEXT_FEATURES: readonly (readonly [string, RegExp])[] = [
  ['Helm braces', /\{\{/],
  ['non-ASCII text', /[^\x00-\x7F]/],
  ['astral-plane characters (emoji)', /[\u{10000}-\u{10FFFF}]/u],
  ['a line of 500+ characters', /^.{500,}$/m],
  ['comments', /^\s*# /m],
];
const BASE_SEED = 0x5eed;

/** A Kustomize-like stream of the CRDs, with other objects between them. */
function stream(random: Random, texts: readonly string[]): string {
  const parts: string[] = [];
  for (const text of texts) {
    if (random.chance(0.3)) parts.push(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${randomWord(random)}\ndata:\n  key: ${doubleQuoted(randomLine(random))}\n`);
    parts.push(text);
  }
  return (random.chance(0.5) ? '---\n' : '') + parts.join('---\n') + (random.chance(0.2) ? '---\n' : '');
}

function chartFile(crd: Crd, directory: string, fileName: string, text: string): ChartFile {
  const path = `${directory}/${crdFileName(crd, fileName)}`;
  const content = renderGeneratedFile(text, source, isHelmTemplatePath(path));
  return readChartFileText(path, content);
}

describe('round trip of random CRDs through the chart (property test)', () => {
  it(`${CASES} seeded cases: split → write → read equals the source data, and verify names every single-field change exactly`, () => {
    let changesChecked = 0;
    let bytes = 0;
    const used = new Set<string>();
    const seenText = new Set<string>();
    for (let caseIndex = 0; caseIndex < CASES; caseIndex++) {
      const seed = BASE_SEED + caseIndex;
      const random = prng(seed);
      const context = (what: string) => `seed ${seed} (case ${caseIndex}): ${what}`;

      const values = Array.from({ length: 1 + random.int(2) }, (_, index) => randomCrd(random, index));
      const texts = values.map((value) => writeYaml(random, value, used));
      for (const text of texts) {
        bytes += text.length;
        for (const [what, pattern] of TEXT_FEATURES) if (pattern.test(text)) seenText.add(what);
      }
      const yaml = stream(random, texts);
      const directory = random.pick(DIRECTORIES);
      const fileName = random.pick(FILE_NAMES);

      // Split: every CRD comes out with the data it was generated from, and its text as it was written.
      let crds: Crd[];
      try {
        crds = collectCrds(splitYamlDocuments(yaml, 'stream.yaml'), 'stream.yaml');
      } catch (error) {
        assert.fail(context(`the generated stream does not parse: ${(error as Error).message}\n${yaml}`));
      }
      assert.equal(crds.length, values.length, context('CRD count'));
      crds.forEach((crd, index) => {
        assert.deepEqual(diffValues(values[index], crd.document.value), [], context(`split changed ${crd.name}\n${texts[index]}`));
        assert.equal(crd.document.text, texts[index], context(`split changed the text of ${crd.name}`));
      });

      // Write and read back, in crds/ (verbatim) or templates/ (braces escaped).
      const files = crds.map((crd) => chartFile(crd, directory, fileName, crd.document.text));
      files.forEach((file, index) => {
        assert.equal(file.kind, 'generated', context(`${file.path} is not recognised as generated`));
        const body = generatedFileBody(file.text!, isHelmTemplatePath(file.path));
        if (!texts[index].startsWith('#')) assert.equal(body, texts[index], context(`${file.path}: the body is not the CRD text`));
        assert.ok(file.documents?.length === 1, context(`${file.path} does not hold one document`));
        assert.deepEqual(diffValues(values[index], file.documents[0].value), [], context(`${file.path} reads back different data`));
      });

      // Verify: in sync as written.
      const report = verifyChartCrds(crds, files, {});
      assert.ok(report.inSync, context(`not in sync: ${JSON.stringify(report.crds.filter((verdict) => verdict.status !== 'in-sync'))}`));
      assert.deepEqual(report.crds.map((verdict) => verdict.status), crds.map(() => 'in-sync'), context('statuses'));

      // One field of one chart CRD changed: verify reports exactly that difference, at exactly its path.
      for (let attempt = 0; attempt < 3; attempt++) {
        const target = random.int(values.length);
        const change = changeOneField(random, values[target]);
        if (!change) continue;
        const changedText = writeYaml(random, change.changed, used);
        const changedFiles = files.map((file, index) => (index === target ? chartFile(crds[index], directory, fileName, changedText) : file));
        const changed = verifyChartCrds(crds, changedFiles, {});
        assert.equal(changed.inSync, false, context(`a change at ${change.expected.path} went unnoticed`));
        const verdicts = Object.fromEntries(changed.crds.map((verdict) => [verdict.name, verdict]));
        assert.equal(verdicts[crds[target].name]?.status, 'differs', context(`status after a change at ${change.expected.path}`));
        assert.deepEqual(verdicts[crds[target].name].differences, [change.expected], context(`differences for a change at ${change.expected.path}`));
        for (const [index, crd] of crds.entries()) {
          if (index !== target) assert.equal(verdicts[crd.name].status, 'in-sync', context(`${crd.name} changed too`));
        }
        changesChecked++;
        break;
      }
    }
    assert.ok(changesChecked >= CASES * 0.9, `only ${changesChecked} of ${CASES} cases checked a change`);
    // The generator really wrote what the property is about (so a change to it cannot silently make the test easy).
    assert.deepEqual(STYLES.filter((style) => !used.has(style)), [], 'YAML styles never written');
    assert.deepEqual(TEXT_FEATURES.map(([what]) => what).filter((what) => !seenText.has(what)), [], 'text features never written');
    assert.ok(bytes > CASES * 1000, `only ${bytes} bytes of CRDs generated`);
  });
});
