#!/usr/bin/env node
/**
 * Deterministic synthetic workload for the nx-helm-crds benchmark.
 *
 *   node tools/bench/generate-workload.mjs --charts 10 --seed 1 --out /tmp/x
 *
 * `generateWorkload({ root, charts, seed })` writes an Nx workspace into `root`:
 *
 *   nx.json                     the repo's nx.json; when it wires charts through the nx-helm-crds plugin entry
 *                               (options.charts), that map lists the generated charts instead of the example
 *   package.json, .gitignore    (dist/ and .nx/ ignored, as in the repo)
 *   node_modules -> <repo>/node_modules   (symlink, like test/e2e/workspace.ts; run.mjs passes a snapshot)
 *   operators/op-<k>/config/crd/{kustomization.yaml,bases/*.yaml,patches/*.yaml}
 *   charts/chart-<i>/{Chart.yaml,values.yaml,project.json}
 *   bench-workload.json         what the benchmark needs to know (charts, CRDs, the incremental edit)
 *   bench-crds.tsv              one line per chart CRD, read by shell-baseline.sh
 *
 * Chart i builds its own operator, except every third chart (i % 3 == 2), which reuses the previous chart's
 * operator kustomization and takes only the CRDs of its second API group (helm-crds `include` filter): a
 * kustomization shared by two charts. The wiring follows the repo's (read at generation time): project.json is
 * the embedded example's (examples/operator/chart/project.json) with its paths and name rewritten; when the
 * repo's nx.json infers the targets (an `nx-helm-crds` plugin entry with options.charts), the generated nx.json
 * lists each chart there (the example's chart config with kustomization and include replaced).
 *
 * Each operator has 4-6 CRDs, ~2.5 MB of CRD YAML in total (each CRD 100 KB-2 MB), across two API groups;
 * CRDs have 1-3 versions with exactly one storage version; every multi-version CRD gets a conversion
 * webhook patch and a cert-manager CA-injection patch. Schemas are nested objects, arrays of objects, maps,
 * int-or-string, enums and patterns, with controller-gen style (often multi-line) descriptions.
 * The 3-chart workload is ~12 chart CRDs and ~7.5 MB of kustomize output (2 operators, one built twice).
 * Same (charts, seed) => byte-identical files.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const EXAMPLE_PROJECT_JSON = join(REPO_ROOT, 'examples/operator/chart/project.json');
export const EXAMPLE_KUSTOMIZATION = 'examples/operator/config/crd';
export const EXAMPLE_CHART = 'examples/operator/chart';
const CONTROLLER_GEN_ANNOTATION = 'controller-gen.kubebuilder.io/version: v0.16.4';

/** mulberry32: small, fast, good enough, and the same on every machine. */
export function prng(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min, max) => min + Math.floor(next() * (max - min + 1));
  const pick = (list) => list[Math.floor(next() * list.length)];
  return { next, int, pick };
}

const WORDS = (
  'the of a to and in is for that by with on be as are this field when from it if or not an at which ' +
  'must will should may can default value set used specifies defines resource object name namespace ' +
  'container pod service model runtime storage endpoint request limit replica scale policy condition ' +
  'status version api cluster node volume secret config map label selector annotation port protocol ' +
  'timeout interval retry backoff threshold traffic route gateway ingress egress certificate key token ' +
  'credential image pull registry tag digest artifact bucket path uri format protocol transformer predictor ' +
  'explainer batcher logger metric probe liveness readiness startup handler command argument environment ' +
  'variable mount claim template strategy rollout canary percent weight priority affinity toleration taint ' +
  'schedule window deadline generation observed reason message type last transition time'
).split(' ');
const NAME_WORDS = (
  'storage runtime model predictor transformer explainer container resource limit request replica scale ' +
  'target metric probe timeout retry backoff route gateway traffic canary weight image registry secret ' +
  'volume mount claim template selector label annotation affinity toleration priority schedule window ' +
  'deadline policy config endpoint protocol port path bucket artifact format handler command arg env ' +
  'credential token certificate key logger batcher queue worker pool shard partition index cache'
).split(' ');
const KIND_PREFIXES = 'Inference Trained Serving Data Stream Edge Global Tenant Batch Feature Vector Model Pipeline Cluster Backup'.split(' ');
const KIND_NOUNS = 'Service Runtime Model Pipeline Policy Gateway Route Snapshot Schedule Job Pool Volume Quota Binding Endpoint Broker Topic Trigger Workflow Template Dataset Index Queue Graph'.split(' ');
const GROUP_WORDS = 'serving data inference ml ops infra stream batch edge platform'.split(' ');
const VERSION_SETS = [['v1'], ['v1beta1'], ['v1alpha1', 'v1beta1'], ['v1beta1', 'v1'], ['v1alpha1', 'v1beta1', 'v1']];

const capitalize = (word) => word[0].toUpperCase() + word.slice(1);
const pluralOf = (lower) => (/(s|x|ch|sh)$/.test(lower) ? `${lower}es` : /[^aeiou]y$/.test(lower) ? `${lower.slice(0, -1)}ies` : `${lower}s`);

/** Emits one CRD schema as YAML lines (2-space indentation, controller-gen layout), to a byte budget. */
class SchemaWriter {
  constructor(rng) {
    this.rng = rng;
    this.lines = [];
    this.bytes = 0;
  }

  line(indent, text) {
    const line = `${' '.repeat(indent)}${text}`;
    this.lines.push(line);
    this.bytes += line.length + 1;
  }

  sentence() {
    const { rng } = this;
    const words = Array.from({ length: rng.int(5, 16) }, () => rng.pick(WORDS));
    words[0] = capitalize(words[0]);
    if (rng.next() < 0.2) words.splice(rng.int(1, words.length - 1), 0, `\`${rng.pick(NAME_WORDS)}${capitalize(rng.pick(NAME_WORDS))}\``);
    if (rng.next() < 0.08) words.push('(see https://kubernetes.io/docs/concepts/overview/working-with-objects/)');
    return `${words.join(' ')}.`;
  }

  description(indent) {
    const { rng } = this;
    const sentences = Array.from({ length: rng.int(1, 5) }, () => this.sentence());
    const text = sentences.join(' ');
    // Backticks and URLs (with ':') only in block scalars, as controller-gen does for multi-line text.
    if (text.length <= 70 && !/[`:]/.test(text)) {
      this.line(indent, `description: ${text}`);
      return;
    }
    this.line(indent, 'description: |-');
    for (const sentence of sentences) {
      let current = '';
      for (const word of sentence.split(' ')) {
        if (current && current.length + word.length + 1 > 100) {
          this.line(indent + 2, current);
          current = word;
        } else current = current ? `${current} ${word}` : word;
      }
      if (current) this.line(indent + 2, current);
    }
  }

  propertyName(taken) {
    const { rng } = this;
    for (;;) {
      const name = rng.next() < 0.35 ? rng.pick(NAME_WORDS) : `${rng.pick(NAME_WORDS)}${capitalize(rng.pick(NAME_WORDS))}`;
      if (!taken.has(name)) {
        taken.add(name);
        return name;
      }
    }
  }

  /** A scalar-ish property at `indent` (the `name:` line) with its schema at indent + 2. */
  leaf(indent, name) {
    const { rng } = this;
    const at = indent + 2;
    this.line(indent, `${name}:`);
    const kind = rng.next();
    if (kind < 0.1) {
      this.line(at, 'anyOf:');
      this.line(at, '- type: integer');
      this.line(at, '- type: string');
      this.description(at);
      this.line(at, 'pattern: ^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$');
      this.line(at, 'x-kubernetes-int-or-string: true');
    } else if (kind < 0.2) {
      this.line(at, 'additionalProperties:');
      this.line(at + 2, 'type: string');
      this.description(at);
      this.line(at, 'type: object');
    } else if (kind < 0.32) {
      this.description(at);
      this.line(at, 'items:');
      this.line(at + 2, 'type: string');
      this.line(at, 'type: array');
      this.line(at, `x-kubernetes-list-type: ${rng.pick(['atomic', 'set'])}`);
    } else if (kind < 0.45) {
      this.description(at);
      this.line(at, `format: ${rng.pick(['int32', 'int64'])}`);
      if (rng.next() < 0.5) this.line(at, `minimum: ${rng.int(0, 1)}`);
      this.line(at, 'type: integer');
    } else if (kind < 0.55) {
      this.description(at);
      this.line(at, 'type: boolean');
    } else if (kind < 0.62) {
      if (rng.next() < 0.5) this.line(at, `default: ${capitalize(rng.pick(NAME_WORDS))}`);
      this.description(at);
      this.line(at, 'enum:');
      const values = new Set(Array.from({ length: rng.int(2, 5) }, () => capitalize(rng.pick(NAME_WORDS))));
      for (const value of values) this.line(at, `- ${value}`);
      this.line(at, 'type: string');
    } else if (kind < 0.66) {
      this.description(at);
      this.line(at, 'type: object');
      this.line(at, 'x-kubernetes-preserve-unknown-fields: true');
    } else {
      this.description(at);
      if (rng.next() < 0.15) this.line(at, 'format: date-time');
      else if (rng.next() < 0.15) this.line(at, `maxLength: ${rng.pick([63, 253, 316, 1024, 32768])}`);
      else if (rng.next() < 0.1) this.line(at, 'pattern: ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$');
      this.line(at, 'type: string');
    }
  }

  /**
   * The `properties:` block of an object whose schema is at `indent`; spends about `budget` bytes. Returns
   * the names of the properties (some of which become `required`).
   */
  properties(indent, depth, budget) {
    const { rng } = this;
    const start = this.bytes;
    const taken = new Set();
    this.line(indent, 'properties:');
    const childCount = rng.int(2, 14);
    const weights = Array.from({ length: childCount }, () => 0.2 + rng.next());
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    for (const weight of weights) {
      const share = (budget * weight) / total;
      const name = this.propertyName(taken);
      if (depth < 9 && share > 2500) this.object(indent + 2, name, depth + 1, share);
      else this.leaf(indent + 2, name);
      if (this.bytes - start >= budget) break;
    }
    return [...taken];
  }

  /** An object (or, sometimes, an array of objects, or a map of objects) property, to a byte budget. */
  object(indent, name, depth, budget) {
    const { rng } = this;
    const at = indent + 2;
    this.line(indent, `${name}:`);
    const shape = rng.next();
    if (shape < 0.3) {
      this.description(at);
      this.line(at, 'items:');
      this.line(at + 2, 'description: One entry.');
      const names = this.properties(at + 2, depth, budget - 300);
      this.required(at + 2, names);
      this.line(at + 2, 'type: object');
      this.line(at, 'type: array');
      if (names.includes('name')) {
        this.line(at, 'x-kubernetes-list-map-keys:');
        this.line(at, '- name');
        this.line(at, 'x-kubernetes-list-type: map');
      }
    } else if (shape < 0.38) {
      this.line(at, 'additionalProperties:');
      const names = this.properties(at + 2, depth, budget - 300);
      this.required(at + 2, names);
      this.line(at + 2, 'type: object');
      this.description(at);
      this.line(at, 'type: object');
    } else {
      this.description(at);
      const names = this.properties(at, depth, budget - 300);
      this.required(at, names);
      this.line(at, 'type: object');
    }
  }

  required(indent, names) {
    const { rng } = this;
    const required = names.filter(() => rng.next() < 0.15).sort();
    if (required.length === 0) return;
    this.line(indent, 'required:');
    for (const name of required) this.line(indent, `- ${name}`);
  }
}

/** The `openAPIV3Schema:` value lines (indent 8 under `schema:`), about `budget` bytes. */
function openApiSchema(rng, kind, budget, extraField) {
  const writer = new SchemaWriter(rng);
  const at = 8;
  writer.line(at, `description: ${kind} is the Schema for the ${kind} API`);
  writer.line(at, 'properties:');
  writer.line(at + 2, 'apiVersion:');
  writer.line(at + 4, 'description: |-');
  writer.line(at + 6, 'APIVersion defines the versioned schema of this representation of an object.');
  writer.line(at + 6, 'Servers should convert recognized schemas to the latest internal value, and');
  writer.line(at + 6, 'may reject unrecognized values.');
  writer.line(at + 6, 'More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources');
  writer.line(at + 4, 'type: string');
  writer.line(at + 2, 'kind:');
  writer.line(at + 4, 'description: |-');
  writer.line(at + 6, 'Kind is a string value representing the REST resource this object represents.');
  writer.line(at + 6, 'Servers may infer this from the endpoint the client submits requests to.');
  writer.line(at + 6, 'Cannot be updated.');
  writer.line(at + 6, 'In CamelCase.');
  writer.line(at + 6, 'More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds');
  writer.line(at + 4, 'type: string');
  writer.line(at + 2, 'metadata:');
  writer.line(at + 4, 'type: object');
  for (const [section, share] of [['spec', 0.75], ['status', 0.25]]) {
    writer.line(at + 2, `${section}:`);
    writer.line(at + 4, `description: ${kind}${capitalize(section)} defines the ${section === 'spec' ? 'desired' : 'observed'} state of ${kind}`);
    const sectionStart = writer.bytes;
    const sectionBudget = Math.max(0, budget * share - 400);
    const taken = new Set(['conditions', 'observedGeneration']);
    writer.line(at + 4, 'properties:');
    if (section === 'spec' && extraField) writer.leaf(at + 6, extraField);
    // Keep adding top-level fields until the section has spent its budget.
    while (writer.bytes - sectionStart < sectionBudget) {
      const remaining = sectionBudget - (writer.bytes - sectionStart);
      const name = writer.propertyName(taken);
      if (remaining > 2500) writer.object(at + 6, name, 1, Math.min(remaining, 40_000 + rng.next() * 160_000));
      else writer.leaf(at + 6, name);
    }
    writer.line(at + 4, 'type: object');
  }
  writer.line(at, 'type: object');
  return writer.lines;
}

function crdDocument(rng, crd) {
  const lines = [
    '---',
    'apiVersion: apiextensions.k8s.io/v1',
    'kind: CustomResourceDefinition',
    'metadata:',
    '  annotations:',
    `    ${CONTROLLER_GEN_ANNOTATION}`,
    `  name: ${crd.name}`,
    'spec:',
    `  group: ${crd.group}`,
    '  names:',
    `    kind: ${crd.kind}`,
    `    listKind: ${crd.kind}List`,
    `    plural: ${crd.plural}`,
    '    shortNames:',
    `    - ${crd.kind.replace(/[a-z]/g, '').toLowerCase()}`,
    `    singular: ${crd.kind.toLowerCase()}`,
    `  scope: ${crd.scope}`,
    '  versions:',
  ];
  // Versions share one generated schema (as real CRDs mostly do); older ones carry one extra, deprecated field.
  const base = openApiSchema(rng, crd.kind, crd.bytes / crd.versions.length, undefined);
  crd.versions.forEach((version, index) => {
    lines.push('  - additionalPrinterColumns:');
    lines.push('    - jsonPath: .status.conditions[?(@.type==\'Ready\')].status');
    lines.push('      name: Ready');
    lines.push('      type: string');
    lines.push('    - jsonPath: .metadata.creationTimestamp');
    lines.push('      name: Age');
    lines.push('      type: date');
    if (version !== crd.storage && index < crd.versions.length - 1) lines.push('    deprecated: true');
    lines.push(`    name: ${version}`);
    lines.push('    schema:');
    lines.push('      openAPIV3Schema:');
    if (version === crd.storage) lines.push(...base);
    else {
      // The same schema plus one version-specific field at the top of spec.properties.
      const specProperties = base.findIndex((line, at) => line === '            properties:' && base[at - 2] === '          spec:');
      const extra = new SchemaWriter(prng(crd.bytes + index));
      extra.leaf(14, `legacy${capitalize(version)}Field`);
      lines.push(...base.slice(0, specProperties + 1), ...extra.lines, ...base.slice(specProperties + 1));
    }
    lines.push(`    served: true`);
    lines.push(`    storage: ${version === crd.storage}`);
    lines.push('    subresources:');
    lines.push('      status: {}');
  });
  return `${lines.join('\n')}\n`;
}

/** The CRDs of operator k, with their byte budgets (each 100 KB-2 MB, ~2.5 MB in all). */
function planOperator(rng, k) {
  const groups = [0, 1].map((index) => `${GROUP_WORDS[(k * 2 + index) % GROUP_WORDS.length]}.op${k}.example.io`);
  const count = rng.int(4, 6);
  const target = 2_500_000 * (0.9 + 0.2 * rng.next());
  const weights = Array.from({ length: count }, () => Math.exp(rng.next() * 2.3));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const kinds = new Set();
  const crds = [];
  weights.forEach((weight, index) => {
    let kind;
    do kind = `${rng.pick(KIND_PREFIXES)}${rng.pick(KIND_NOUNS)}`;
    while (kinds.has(kind));
    kinds.add(kind);
    const versions = rng.pick(VERSION_SETS);
    // Exactly one storage version: usually the newest, sometimes the one before it (mid-migration).
    const storage = versions.length > 1 && rng.next() < 0.3 ? versions[versions.length - 2] : versions[versions.length - 1];
    const plural = pluralOf(kind.toLowerCase());
    const group = groups[index % 2];
    crds.push({
      name: `${plural}.${group}`,
      group,
      kind,
      plural,
      scope: rng.next() < 0.85 ? 'Namespaced' : 'Cluster',
      versions,
      storage,
      bytes: Math.round(Math.min(2_000_000, Math.max(100_000, (target * weight) / total))),
    });
  });
  return { k, groups, crds };
}

function writeFile(root, relative, content) {
  const path = join(root, relative);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

function writeOperator(root, rng, operator) {
  const dir = `operators/op-${operator.k}/config/crd`;
  const namespace = `op-${operator.k}-system`;
  const resources = [];
  const webhookPatches = [];
  const caPatches = [];
  for (const crd of operator.crds) {
    const base = `bases/${crd.group}_${crd.plural}.yaml`;
    crd.sourceFile = `${dir}/${base}`;
    writeFile(root, crd.sourceFile, crdDocument(rng, crd));
    resources.push(base);
    if (crd.versions.length > 1) {
      const webhook = `patches/webhook_in_${crd.plural}.yaml`;
      const ca = `patches/cainjection_in_${crd.plural}.yaml`;
      writeFile(
        root,
        `${dir}/${webhook}`,
        '# The following patch enables a conversion webhook for the CRD\n' +
          `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: ${crd.name}\n` +
          `spec:\n  conversion:\n    strategy: Webhook\n    webhook:\n      clientConfig:\n        service:\n` +
          `          namespace: ${namespace}\n          name: op-${operator.k}-webhook-service\n          path: /convert\n` +
          '      conversionReviewVersions:\n      - v1\n',
      );
      writeFile(
        root,
        `${dir}/${ca}`,
        '# The following patch adds a directive for certmanager to inject CA into the CRD\n' +
          `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  annotations:\n` +
          `    cert-manager.io/inject-ca-from: ${namespace}/op-${operator.k}-serving-cert\n  name: ${crd.name}\n`,
      );
      webhookPatches.push(webhook);
      caPatches.push(ca);
    }
  }
  const kustomization = [
    '# Builds the CustomResourceDefinitions of the operator (generated by tools/bench/generate-workload.mjs).',
    'resources:',
    ...resources.map((path) => `- ${path}`),
    '# +kubebuilder:scaffold:crdkustomizeresource',
    '',
    'patches:',
    '# [WEBHOOK] patches here enable the conversion webhook for each multi-version CRD',
    ...webhookPatches.map((path) => `- path: ${path}`),
    '# +kubebuilder:scaffold:crdkustomizewebhookpatch',
    '',
    '# [CERTMANAGER] patches here enable the CA injection for each CRD with a conversion webhook',
    ...caPatches.map((path) => `- path: ${path}`),
    '# +kubebuilder:scaffold:crdkustomizecainjectionpatch',
    '',
    'labels:',
    '- pairs:',
    `    app.kubernetes.io/part-of: op-${operator.k}`,
    '  includeSelectors: false',
  ];
  if (webhookPatches.length === 0) kustomization.splice(kustomization.indexOf('patches:'), 9);
  writeFile(root, `${dir}/kustomization.yaml`, `${kustomization.join('\n')}\n`);
  return dir;
}

/**
 * How the repo wires a chart today, read from its nx.json and the example's project.json: `inferred` when
 * nx.json has an `nx-helm-crds` plugin entry with `options.charts` (createNodes), else `project.json` (explicit
 * targets in the chart's project.json). Generated workspaces follow whichever it is.
 */
export function repoWiring() {
  const nxJson = JSON.parse(readFileSync(join(REPO_ROOT, 'nx.json'), 'utf8'));
  const index = (nxJson.plugins ?? []).findIndex((entry) => (typeof entry === 'string' ? entry : entry.plugin) === 'nx-helm-crds');
  const entry = index >= 0 ? nxJson.plugins[index] : undefined;
  const charts = typeof entry === 'object' ? entry.options?.charts : undefined;
  return {
    mode: charts ? 'inferred' : 'project.json',
    nxJson,
    pluginIndex: index,
    // The example's per-chart config, the template for generated charts (kustomization and include replaced).
    chartConfig: charts ? (charts[EXAMPLE_CHART] ?? Object.values(charts)[0] ?? {}) : undefined,
  };
}

/**
 * Where the example chart's CRD files go and how they are named (helm-crds options `directory`/`placement`
 * and `fileName`, from nx.json or project.json); generated charts use the same.
 */
export function crdLayout(wiring = repoWiring()) {
  let config = wiring.chartConfig;
  if (!config) {
    const project = JSON.parse(readFileSync(EXAMPLE_PROJECT_JSON, 'utf8'));
    config = Object.values(project.targets ?? {}).find((target) => target.executor === 'nx-helm-crds:helm-crds')?.options ?? {};
  }
  const pattern = config.fileName ?? '{group}_{plural}.yaml';
  return {
    directory: (config.directory ?? config.placement ?? 'crds').replace(/\/+$/, ''),
    fileName: (crd) => pattern.replace(/\{(group|plural|kind|name)\}/g, (_, key) => crd[key].toLowerCase()),
  };
}

/** nx.json for a workspace whose charts are `charts` ([{ chart, kustomization, include }]). */
export function workspaceNxJson(charts, wiring = repoWiring()) {
  const nxJson = structuredClone(wiring.nxJson);
  if (wiring.mode === 'inferred') {
    const entry = nxJson.plugins[wiring.pluginIndex];
    entry.options.charts = Object.fromEntries(
      charts.map(({ chart, kustomization, include }) => [chart, { ...wiring.chartConfig, kustomization, ...(include ? { include } : {}) }]),
    );
  }
  return nxJson;
}

/**
 * The example's project.json with its kustomization, chart and name replaced (so it tracks the example). In
 * project.json wiring the include filter goes into the helm-crds target's options; inferred wiring puts it in
 * nx.json (workspaceNxJson).
 */
export function chartProjectJson({ name, kustomization, chart, include }) {
  const example = readFileSync(EXAMPLE_PROJECT_JSON, 'utf8')
    .split(EXAMPLE_KUSTOMIZATION).join(kustomization)
    .split(EXAMPLE_CHART).join(chart);
  const project = JSON.parse(example);
  project.name = name;
  project.$schema = `${'../'.repeat(chart.split('/').length)}node_modules/nx/schemas/project-schema.json`;
  const helmCrds = Object.values(project.targets ?? {}).find((candidate) => candidate.executor === 'nx-helm-crds:helm-crds');
  if (include && helmCrds) helmCrds.options = { ...helmCrds.options, include };
  return `${JSON.stringify(project, null, 2)}\n`;
}

/** Workspace files shared by generated workloads and the copy of the embedded example. */
export function writeWorkspaceShell(root, name, nodeModules = join(REPO_ROOT, 'node_modules'), nxJson = repoWiring().nxJson) {
  mkdirSync(root, { recursive: true });
  writeFile(root, 'nx.json', `${JSON.stringify(nxJson, null, 2)}\n`);
  writeFile(root, 'package.json', `${JSON.stringify({ name, private: true }, null, 2)}\n`);
  writeFile(root, '.gitignore', 'node_modules/\ndist/\n.nx/\n');
  if (!existsSync(join(root, 'node_modules'))) symlinkSync(nodeModules, join(root, 'node_modules'), 'dir');
}

/** Writes the manifest the benchmark and shell-baseline.sh read. */
export function writeManifest(root, manifest) {
  writeFile(root, 'bench-workload.json', `${JSON.stringify(manifest, null, 2)}\n`);
  const rows = manifest.charts.flatMap((chart) => chart.crds.map((crd) => [chart.kustomization, crd.name, `${chart.chart}/${chart.crdDirectory}/${crd.file}`].join('\t')));
  writeFile(root, 'bench-crds.tsv', `${rows.join('\n')}\n`);
}

/** `nodeModules`: what the workspace's node_modules links to (default: the repo's, like test/e2e/workspace.ts). */
export function generateWorkload({ root, charts, seed = 1, nodeModules }) {
  if (!Number.isInteger(charts) || charts < 1) throw new Error(`charts must be a positive integer, got ${charts}`);
  rmSync(root, { recursive: true, force: true });
  const wiring = repoWiring();
  const layout = crdLayout(wiring);
  const rng = prng(seed);
  const operators = [];
  const chartEntries = [];
  for (let i = 0; i < charts; i++) {
    const shares = i % 3 === 2;
    let operator;
    let include;
    if (shares) {
      operator = operators[operators.length - 1];
      include = [`*.${operator.groups[1]}`];
    } else {
      operator = planOperator(rng, operators.length);
      operator.dir = writeOperator(root, rng, operator);
      operators.push(operator);
    }
    const chart = `charts/chart-${i}`;
    const project = `chart-${i}`;
    writeFile(
      root,
      `${chart}/Chart.yaml`,
      `apiVersion: v2\nname: ${project}\ndescription: Helm chart of operator op-${operator.k} (bench workload, seed ${seed}).\n` +
        'type: application\nversion: 0.1.0\nappVersion: "0.1.0"\n',
    );
    writeFile(
      root,
      `${chart}/values.yaml`,
      `replicaCount: 1\nimage:\n  repository: ghcr.io/example/op-${operator.k}\n  pullPolicy: IfNotPresent\n  tag: ""\n` +
        `webhook:\n  port: 9443\n  certSecretName: op-${operator.k}-webhook-server-cert\n`,
    );
    writeFile(root, `${chart}/project.json`, chartProjectJson({ name: project, kustomization: operator.dir, chart, include }));
    const crds = operator.crds.filter((crd) => !include || crd.group === operator.groups[1]);
    chartEntries.push({
      project,
      chart,
      kustomization: operator.dir,
      include,
      crdDirectory: layout.directory,
      crds: crds.map((crd) => ({ name: crd.name, file: layout.fileName(crd) })),
    });
  }
  writeWorkspaceShell(root, `bench-${charts}-charts-seed-${seed}`, nodeModules, workspaceNxJson(chartEntries, wiring));
  // The incremental scenario's edit: one CRD source of the first operator (used by chart-0 only).
  const edited = operators[0].crds[0];
  const manifest = {
    generator: 'tools/bench/generate-workload.mjs',
    seed,
    chartCount: charts,
    wiring: wiring.mode,
    charts: chartEntries,
    kustomizations: operators.map((operator) => ({
      dir: operator.dir,
      crds: operator.crds.map((crd) => ({ name: crd.name, versions: crd.versions, storage: crd.storage, budgetBytes: crd.bytes })),
    })),
    edit: {
      kustomization: operators[0].dir,
      file: edited.sourceFile,
      crd: edited.name,
      search: CONTROLLER_GEN_ANNOTATION,
      replace: `${CONTROLLER_GEN_ANNOTATION}-bench-edit`,
    },
  };
  writeManifest(root, manifest);
  return manifest;
}

function parseArgs(argv) {
  const args = { charts: 3, seed: 1, out: undefined };
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index];
    const value = argv[++index];
    if (flag === '--charts') args.charts = Number(value);
    else if (flag === '--seed') args.seed = Number(value);
    else if (flag === '--out') args.out = value;
    else throw new Error(`Unknown argument ${flag}. Usage: generate-workload.mjs --charts N --seed S --out DIR`);
  }
  if (!args.out) throw new Error('Usage: generate-workload.mjs --charts N --seed S --out DIR');
  return args;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { charts, seed, out } = parseArgs(process.argv.slice(2));
    const manifest = generateWorkload({ root: resolve(out), charts, seed });
    const chartCrds = manifest.charts.reduce((sum, chart) => sum + chart.crds.length, 0);
    const distinct = manifest.kustomizations.reduce((sum, k) => sum + k.crds.length, 0);
    console.log(
      `wrote ${resolve(out)}: ${charts} chart(s), ${manifest.kustomizations.length} kustomization(s), ` +
        `${distinct} distinct CRD(s), ${chartCrds} chart CRD(s)`,
    );
  } catch (error) {
    console.error(error.message);
    process.exit(2);
  }
}
