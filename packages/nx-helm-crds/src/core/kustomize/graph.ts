import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readdirSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import { join, posix, relative, resolve, sep } from 'node:path';
import { UserError } from '../shared/errors';
import { relativeInside, resolveInWorkspace } from '../paths/workspace-paths';
import { YamlSyntaxError, splitYamlDocuments } from '../yaml/documents';
import { isMapping, type Mapping } from '../yaml/values';
import { KUSTOMIZATION_FILE_NAMES } from './file-names';
import { kustomizationFileName, parseKustomization, type KustomizationKind } from './kustomization-file';
import { isHttpUrl, isRemoteBase, looksRemote } from './remote-references';

/**
 * The local files one `kustomize build` reads, found by reading the kustomization files the way Kustomize v5
 * does (sigs.k8s.io/kustomize api/internal/target/kusttarget.go and api/internal/loader/fileloader.go), so that
 * a cached `kustomize-build` task can declare exactly these files as its inputs.
 */
export interface KustomizationGraph {
  /** Workspace-relative, '/'-separated, sorted, de-duplicated file paths Kustomize reads (kustomization files included). */
  readonly files: readonly string[];
  /** Remote references (URLs, git refs like github.com/org/repo//path?ref=x, https://...) found, with where they were found. */
  readonly remote: readonly RemoteReference[];
  /** Workspace-relative kustomization directories visited (root first). */
  readonly kustomizations: readonly string[];
  /** What the graph was read from: reading it again gives the same graph as long as these are unchanged. */
  readonly sources: GraphSources;
  /** The fingerprint of the sources as they were when the graph was read (compare with graphSourcesFingerprint). */
  readonly sourcesFingerprint: string;
}

/** Workspace-relative paths the graph depends on, by how it depends on them. */
export interface GraphSources {
  /** Files whose content was parsed: kustomization files, and plugin configuration files naming other files. */
  readonly parsed: readonly string[];
  /** Directories whose whole (recursive) listing was relied on: Helm chart folders, which helm reads whole. */
  readonly listed: readonly string[];
  /** Paths whose existence, type and symlink target were relied on: every path a field names, every kustomization file name tried. */
  readonly probed: readonly string[];
}

export interface RemoteReference {
  /** The reference as written. */
  readonly reference: string;
  /** Workspace-relative path of the kustomization file that names it. */
  readonly kustomization: string;
  /** Where in that file, e.g. `resources[2]` or `patches[0].path`. */
  readonly field: string;
}

/**
 * Reads the kustomization in `kustomizationDir` (workspace-relative) and every kustomization it includes, and
 * returns the files they read. Remote references are listed, not followed. Throws a UserError for anything
 * Kustomize would refuse to build: a missing file, a directory without a kustomization, a cycle, an unknown
 * field; and for a path that leaves the workspace, which Nx could not hash.
 */
export function readKustomizationGraph(workspaceRoot: string, kustomizationDir: string): KustomizationGraph {
  const root = resolve(workspaceRoot);
  const start = resolveInWorkspace(root, kustomizationDir, 'Kustomization directory');
  if (!statSync(start, { throwIfNoEntry: false })?.isDirectory()) {
    throw new UserError(`Kustomization directory "${kustomizationDir}" does not exist or is not a directory (looked in ${root}).`);
  }
  const walk: Walk = {
    root, realRoot: realpathSync(root), files: new Set(), remote: [], kustomizations: [], visited: new Map(), stack: [], lstats: new Map(),
    sources: { parsed: new Map(), listed: new Map(), probed: new Map() },
  };
  visitKustomization(walk, workspacePath(root, start), 'Kustomization', undefined);
  const sources = Object.fromEntries(SOURCE_KINDS.map((kind) => [kind, [...walk.sources[kind].keys()].sort()])) as unknown as GraphSources;
  return { files: [...walk.files].sort(), remote: walk.remote, kustomizations: walk.kustomizations, sources, sourcesFingerprint: fingerprint(walk.sources) };
}

// ---------------------------------------------------------------------------------------------------------------
// Sources: what a cached graph must be checked against

type SourceKind = keyof GraphSources;
const SOURCE_KINDS: readonly SourceKind[] = ['parsed', 'listed', 'probed'];
/** Per kind, path → signature of what was seen there. */
type SourceSignatures = Record<SourceKind, Map<string, string>>;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * The fingerprint the sources have now, on disk: equal to a graph's `sourcesFingerprint` exactly when reading
 * the graph again would read the same contents, listings and paths (so would give the same graph). It reads
 * only the parsed files, lists only the listed folders and stats the probed paths, so it costs a fraction of
 * reading the graph.
 */
export function graphSourcesFingerprint(workspaceRoot: string, sources: GraphSources): string {
  const root = resolve(workspaceRoot);
  const realRoot = realpathSync(root);
  const lstats: LinkStats = new Map();
  const signatures: SourceSignatures = {
    parsed: new Map(sources.parsed.map((path) => [path, contentSignature(readIfFile(join(root, path)))])),
    listed: new Map(sources.listed.map((dir) => [dir, listingSignature(root, listIfDirectory(join(root, dir)))])),
    probed: new Map(sources.probed.map((path) => [path, probeSignature(root, realRoot, path, lstats)])),
  };
  return fingerprint(signatures);
}

function fingerprint(signatures: SourceSignatures): string {
  const lines = SOURCE_KINDS.flatMap((kind) => [...signatures[kind]].map(([path, signature]) => `${kind} ${path} ${signature}`));
  return sha256(lines.sort().join('\n'));
}

function contentSignature(text: string | undefined): string {
  return text === undefined ? 'missing' : sha256(text);
}

function listingSignature(root: string, entries: readonly Dirent[] | undefined): string {
  if (entries === undefined) return 'missing';
  const lines = entries.map((entry) => `${entry.isDirectory() ? 'd' : entry.isSymbolicLink() ? 'l' : 'f'} ${workspacePath(root, join(entry.parentPath ?? entry.path, entry.name))}`);
  return sha256(lines.sort().join('\n'));
}

/** Whether the path exists, what it is, where it really is, and the symlinks on the way (the walk relies on all four). */
function probeSignature(root: string, realRoot: string, path: string, lstats: LinkStats): string {
  try {
    const symlinks: string[] = [];
    let stats: Stats | undefined;
    for (const prefix of pathPrefixes(path)) {
      stats = linkStats(root, prefix, lstats);
      if (!stats) return 'missing';
      if (stats.isSymbolicLink()) symlinks.push(prefix);
    }
    // Without a link on the way the path is where it says and lstat is stat: most probed paths, so most are
    // answered from the lstat of their folders, which the other paths share.
    if (symlinks.length > 0) stats = statSync(join(root, path), { throwIfNoEntry: false });
    if (!stats) return 'missing';
    const kind = stats.isDirectory() ? 'directory' : stats.isFile() ? 'file' : 'other';
    const real = relative(realRoot, symlinks.length > 0 ? realpathSync(join(root, path)) : join(realRoot, path));
    return `${kind} ${real} ${symlinks.join(',')}`;
  } catch (error) {
    return `error ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
  }
}

/** lstat results by workspace path, for one walk or one fingerprint. */
type LinkStats = Map<string, Stats | undefined>;

function linkStats(root: string, path: string, lstats: LinkStats): Stats | undefined {
  if (!lstats.has(path)) lstats.set(path, lstatSync(join(root, path), { throwIfNoEntry: false }));
  return lstats.get(path);
}

/** `a`, `a/b`, `a/b/c` for `a/b/c`. */
function pathPrefixes(path: string): string[] {
  const segments = path.split('/');
  return segments.map((_, index) => segments.slice(0, index + 1).join('/'));
}

function readIfFile(absolute: string): string | undefined {
  try {
    return readFileSync(absolute, 'utf8');
  } catch {
    return undefined;
  }
}

function listIfDirectory(absolute: string): Dirent[] | undefined {
  try {
    return readdirSync(absolute, { recursive: true, withFileTypes: true });
  } catch {
    return undefined;
  }
}

/** Reads a file the graph depends on the content of. */
function parseSource(walk: Walk, file: string): string {
  const text = readFileSync(join(walk.root, file), 'utf8');
  walk.sources.parsed.set(file, contentSignature(text));
  return text;
}

/** Records that the graph depends on whether `path` exists and what it is. */
function probe(walk: Walk, path: string): void {
  if (!walk.sources.probed.has(path)) walk.sources.probed.set(path, probeSignature(walk.root, walk.realRoot, path, walk.lstats));
}

// ---------------------------------------------------------------------------------------------------------------
// The walk

interface Walk {
  /** Absolute workspace root. */
  readonly root: string;
  /** The same with symlinks resolved, to place the targets of symlinks. */
  readonly realRoot: string;
  readonly files: Set<string>;
  readonly remote: RemoteReference[];
  readonly kustomizations: string[];
  readonly visited: Map<string, VisitedKustomization>;
  /** Kustomization directories being read, outermost first: Kustomize refuses a base at or above any of them. */
  readonly stack: string[];
  readonly sources: SourceSignatures;
  readonly lstats: LinkStats;
}

interface VisitedKustomization {
  readonly kind: KustomizationKind;
  /** Files this kustomization loads as resources, its bases' and components' included: plugin configs may live there. */
  readonly resourceFiles: readonly string[];
}

/** The kustomization whose fields are being read: paths in it are relative to `dir`. Both workspace-relative. */
interface Site {
  readonly dir: string;
  readonly file: string;
}

/** Where a directory was referenced from, for messages. */
interface Referrer {
  readonly site: Site;
  readonly field: string;
  readonly reference: string;
}

function visitKustomization(walk: Walk, dir: string, expected: KustomizationKind, referrer: Referrer | undefined): VisitedKustomization {
  refuseCycle(walk, dir, referrer);
  const seen = walk.visited.get(dir);
  if (seen) {
    requireKind(seen.kind, expected, referrer);
    return seen;
  }
  const file = findKustomizationFile(walk, dir, referrer);
  const { kind, fields } = parseKustomization(parseSource(walk, file), file);
  requireKind(kind, expected, referrer);
  walk.files.add(file);
  walk.kustomizations.push(dir);
  walk.stack.push(dir);
  const resourceFiles = readFields(walk, { dir, file }, fields);
  walk.stack.pop();
  const visited = { kind, resourceFiles };
  walk.visited.set(dir, visited);
  return visited;
}

/** Reads every field that names files, in the order Kustomize reads them (accumulateDirectory, then accumulateTarget). */
function readFields(walk: Walk, site: Site, fields: Mapping): string[] {
  readOpenApi(walk, site, fields.openapi);
  const resourceFiles = [
    ...readResources(walk, site, 'resources', fields.resources),
    ...readResources(walk, site, 'bases', fields.bases),
  ];
  readFileList(walk, site, 'configurations', fields.configurations);
  readFileList(walk, site, 'crds', fields.crds);
  readKeyValueGenerators(walk, site, 'configMapGenerator', fields.configMapGenerator);
  readKeyValueGenerators(walk, site, 'secretGenerator', fields.secretGenerator);
  readHelm(walk, site, fields);
  readPluginEntries(walk, site, 'generators', fields.generators);
  resourceFiles.push(...readComponents(walk, site, fields.components));
  readPatches(walk, site, 'patches', fields.patches);
  readPatches(walk, site, 'patchesJson6902', fields.patchesJson6902);
  readStrategicMergePatches(walk, site, 'patchesStrategicMerge', fields.patchesStrategicMerge);
  readReplacements(walk, site, 'replacements', fields.replacements);
  readPluginEntries(walk, site, 'transformers', fields.transformers);
  readPluginEntries(walk, site, 'validators', fields.validators);
  return resourceFiles;
}

/** Kustomize's loader refuses a base equal to or above any kustomization on the way to it ("cycle detected"). */
function refuseCycle(walk: Walk, dir: string, referrer: Referrer | undefined): void {
  const contained = walk.stack.find((open) => dir === '.' || open === dir || open.startsWith(`${dir}/`));
  if (contained === undefined || referrer === undefined) return;
  const chain = [...walk.stack, dir].join(' -> ');
  throw new UserError(
    `${referrer.site.file}: ${referrer.field} "${referrer.reference}" is ${dir}, which ${contained === dir ? 'is' : 'contains'} ` +
      `${contained}, a kustomization already being read (${chain}). Kustomize refuses such cycles ("cycle detected"): ` +
      'a kustomization may only include directories beside or below it, never itself or a parent.',
  );
}

function findKustomizationFile(walk: Walk, dir: string, referrer: Referrer | undefined): string {
  for (const name of KUSTOMIZATION_FILE_NAMES) probe(walk, posix.join(dir, name));
  const where = referrer ? `${referrer.site.file}: ${referrer.field} "${referrer.reference}" is the directory ${dir}, which` : dir;
  return posix.join(dir, kustomizationFileName(join(walk.root, dir), where));
}

function requireKind(actual: KustomizationKind, expected: KustomizationKind, referrer: Referrer | undefined): void {
  // The kustomization being built may be either kind; Kustomize checks the kind of included ones only.
  if (actual === expected || referrer === undefined) return;
  const prefix = `${referrer.site.file}: ${referrer.field} "${referrer.reference}"`;
  throw new UserError(
    expected === 'Component'
      ? `${prefix} is a Kustomization, not a Component: components must hold \`kind: Component\` ` +
          '(apiVersion kustomize.config.k8s.io/v1alpha1). List it under resources instead, or change its kind.'
      : `${prefix} is a Component (kind: Component): Kustomize only accepts it under components. Move it there.`,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Fields

/** `resources` and `bases`: each entry is a file, a kustomization directory, or a remote base. Returns the files loaded as resources. */
function readResources(walk: Walk, site: Site, field: string, value: unknown): string[] {
  return stringsAt(site, field, value).flatMap((entry) => readResource(walk, site, entry.field, entry.value));
}

/** Kustomize tries a resource as a file first, then as a kustomization directory or remote base (accumulateResources). */
function readResource(walk: Walk, site: Site, field: string, reference: string): readonly string[] {
  if (isRemoteBase(reference)) {
    addRemote(walk, site, field, reference);
    return [];
  }
  const local = existingLocal(walk, site, field, reference);
  if (local.stats.isDirectory()) return visitKustomization(walk, local.real, 'Kustomization', { site, field, reference }).resourceFiles;
  addFile(walk, local);
  return [local.real];
}

/** `components`: directories holding a `kind: Component` kustomization, or remote bases. */
function readComponents(walk: Walk, site: Site, value: unknown): string[] {
  return stringsAt(site, 'components', value).flatMap(({ field, value: reference }) => {
    if (isRemoteBase(reference)) {
      addRemote(walk, site, field, reference);
      return [];
    }
    const local = existingLocal(walk, site, field, reference);
    if (!local.stats.isDirectory()) {
      throw new UserError(
        `${site.file}: ${field} "${reference}" is a file; components must be directories holding a \`kind: Component\` kustomization.`,
      );
    }
    return visitKustomization(walk, local.real, 'Component', { site, field, reference }).resourceFiles;
  });
}

/** A list of files: `crds`, `configurations`, generator `envs`, helm `additionalValuesFiles`. */
function readFileList(walk: Walk, site: Site, field: string, value: unknown): void {
  for (const entry of stringsAt(site, field, value)) readFile(walk, site, entry.field, entry.value);
}

/** `patches` and `patchesJson6902`: a patch is either `path` (a file) or `patch` (inline, reads nothing). */
function readPatches(walk: Walk, site: Site, field: string, value: unknown): void {
  for (const entry of recordsAt(site, field, value)) readPatch(walk, site, entry.field, entry.value);
}

function readPatch(walk: Walk, site: Site, field: string, patch: Mapping): void {
  if (patch.path !== undefined && patch.path !== null && patch.path !== '') {
    readFile(walk, site, `${field}.path`, stringAt(site, `${field}.path`, patch.path));
  }
}

/** `patchesStrategicMerge`: each entry is a file path or, when it parses as YAML objects, an inline patch. */
function readStrategicMergePatches(walk: Walk, site: Site, field: string, value: unknown): void {
  for (const entry of stringsAt(site, field, value)) {
    if (inlineDocuments(entry.value, `${site.file}: ${entry.field}`) === undefined) readFile(walk, site, entry.field, entry.value);
  }
}

/** `replacements`: each entry is `path` (a file of replacements) or an inline replacement. */
function readReplacements(walk: Walk, site: Site, field: string, value: unknown): void {
  for (const { field: entryField, value: replacement } of recordsAt(site, field, value)) {
    if (replacement.path !== undefined && replacement.path !== null && replacement.path !== '') {
      readFile(walk, site, `${entryField}.path`, stringAt(site, `${entryField}.path`, replacement.path));
    }
  }
}

/** `openapi.path`: a schema file (`openapi.version` names a built-in schema and reads nothing). */
function readOpenApi(walk: Walk, site: Site, value: unknown): void {
  if (value === undefined || value === null) return;
  const openapi = recordAt(site, 'openapi', value);
  if (openapi.path !== undefined && openapi.path !== '') readFile(walk, site, 'openapi.path', stringAt(site, 'openapi.path', openapi.path));
}

/** `configMapGenerator` and `secretGenerator`: `files` (`key=path` or `path`), `envs` and the deprecated `env`. */
function readKeyValueGenerators(walk: Walk, site: Site, field: string, value: unknown): void {
  for (const entry of recordsAt(site, field, value)) readKeyValueSources(walk, site, entry.field, entry.value);
}

function readKeyValueSources(walk: Walk, site: Site, field: string, generator: Mapping): void {
  for (const entry of stringsAt(site, `${field}.files`, generator.files)) {
    readFile(walk, site, entry.field, filePathOfSource(site, entry.field, entry.value));
  }
  readFileList(walk, site, `${field}.envs`, generator.envs);
  // Kustomize drops an empty `env` (FixKustomization), so only a non-empty one is read.
  const env = optionalStringAt(site, `${field}.env`, generator.env);
  if (env) readFile(walk, site, `${field}.env`, env);
}

/** `key=path` names the file after the first `=`; a bare `path` uses its base name as key (generators.ParseFileSource). */
function filePathOfSource(site: Site, field: string, source: string): string {
  const separator = source.indexOf('=');
  if (separator === -1) return source;
  const path = source.slice(separator + 1);
  if (separator === 0 || path === '') {
    throw new UserError(`${site.file}: ${field} "${source}" is not \`key=path\` or \`path\`: give both a key and a file path.`);
  }
  return path;
}

// ---------------------------------------------------------------------------------------------------------------
// Helm

/** The keys of one chart's fields: `helmCharts` entries and the legacy `helmChartInflationGenerator` entries spell them differently. */
interface ChartKeys {
  readonly name: string;
  readonly version: string;
  readonly repo: string;
  readonly valuesFile: string;
  readonly additionalValuesFiles?: string;
}

const HELM_CHART_KEYS: ChartKeys = {
  name: 'name', version: 'version', repo: 'repo', valuesFile: 'valuesFile', additionalValuesFiles: 'additionalValuesFiles',
};
const LEGACY_CHART_KEYS: ChartKeys = { name: 'chartName', version: 'chartVersion', repo: 'chartRepoUrl', valuesFile: 'values' };

/** The directory charts live in, and the field that sets it (for messages). */
interface ChartHome {
  readonly path: string;
  readonly field: string;
  /** The field is absent and Kustomize's default applies. */
  readonly isDefault: boolean;
}

const DEFAULT_CHART_HOME = 'charts';

function defaultChartHome(field: string): ChartHome {
  return { path: DEFAULT_CHART_HOME, field, isDefault: true };
}

/**
 * `helmCharts` with `helmGlobals`, and the legacy `helmChartInflationGenerator`, which Kustomize converts into
 * them (types.SplitHelmParameters): its last non-empty `chartHome` applies only when `helmGlobals` is absent.
 */
function readHelm(walk: Walk, site: Site, fields: Mapping): void {
  const charts = recordsAt(site, 'helmCharts', fields.helmCharts).map(({ field, value }) => ({ field, chart: value, keys: HELM_CHART_KEYS }));
  const legacyCharts = recordsAt(site, 'helmChartInflationGenerator', fields.helmChartInflationGenerator).map(({ field, value }) => ({
    field, chart: value, keys: LEGACY_CHART_KEYS,
  }));
  if (charts.length + legacyCharts.length === 0) return;
  const home = chartHomeOf(site, fields.helmGlobals, legacyCharts);
  for (const { field, chart, keys } of [...charts, ...legacyCharts]) readHelmChart(walk, site, field, chart, keys, home);
}

function chartHomeOf(site: Site, globalsValue: unknown, legacyCharts: readonly { field: string; chart: Mapping }[]): ChartHome {
  if (globalsValue !== undefined && globalsValue !== null) {
    const globals = recordAt(site, 'helmGlobals', globalsValue);
    if (globals.chartHome !== undefined && globals.chartHome !== null && globals.chartHome !== '') {
      return { path: stringAt(site, 'helmGlobals.chartHome', globals.chartHome), field: 'helmGlobals.chartHome', isDefault: false };
    }
    return defaultChartHome('helmGlobals.chartHome');
  }
  const legacy = legacyCharts.filter(({ chart }) => typeof chart.chartHome === 'string' && chart.chartHome !== '').at(-1);
  if (legacy) return { path: legacy.chart.chartHome as string, field: `${legacy.field}.chartHome`, isDefault: false };
  return defaultChartHome('helmGlobals.chartHome');
}

/**
 * Helm reads the whole chart directory: `{chartHome}/{name}`, or `{chartHome}/{name}-{version}/{name}` when both
 * repo and version are given (where Kustomize pulls versioned charts). A missing chart with a repo is pulled
 * by Kustomize, so it is remote; without a repo Kustomize fails.
 */
function readHelmChart(walk: Walk, site: Site, field: string, chart: Mapping, keys: ChartKeys, home: ChartHome): void {
  const name = optionalStringAt(site, `${field}.${keys.name}`, chart[keys.name]);
  if (!name) throw new UserError(`${site.file}: ${field}.${keys.name} is missing: Kustomize needs the chart's name.`);
  const version = optionalStringAt(site, `${field}.${keys.version}`, chart[keys.version]);
  const repo = optionalStringAt(site, `${field}.${keys.repo}`, chart[keys.repo]);
  // Checked even when the chart is pulled: Kustomize then writes it into the chart home.
  resolveLocal(walk, site, home.isDefault ? `${home.field} (default "${home.path}")` : home.field, home.path);
  const chartPath = repo && version ? join(home.path, `${name}-${version}`, name) : join(home.path, name);
  const chartDir = resolveLocal(walk, site, `${field}.${keys.name}`, chartPath);
  if (chartDir.stats?.isDirectory()) {
    for (const file of filesUnder(walk, existingLocal(walk, site, `${field}.${keys.name}`, chartPath).real)) walk.files.add(file);
  } else if (repo) {
    addRemote(walk, site, `${field}.${keys.repo}`, repo);
  } else {
    throw new UserError(
      `${site.file}: ${field}.${keys.name} "${name}": no chart directory at ${chartDir.path} and no ${field}.${keys.repo} to pull it from. ` +
        `Put the chart there, set ${home.field} to the directory holding it, or give a repo.`,
    );
  }
  const valuesFile = optionalStringAt(site, `${field}.${keys.valuesFile}`, chart[keys.valuesFile]);
  if (valuesFile) readFile(walk, site, `${field}.${keys.valuesFile}`, valuesFile);
  if (keys.additionalValuesFiles) readFileList(walk, site, `${field}.${keys.additionalValuesFiles}`, chart[keys.additionalValuesFiles]);
}

function filesUnder(walk: Walk, dir: string): string[] {
  const entries = readdirSync(join(walk.root, dir), { recursive: true, withFileTypes: true });
  walk.sources.listed.set(dir, listingSignature(walk.root, entries));
  return entries
    .filter((entry) => !entry.isDirectory())
    .map((entry) => workspacePath(walk.root, join(entry.parentPath ?? entry.path, entry.name)));
}

// ---------------------------------------------------------------------------------------------------------------
// Generator, transformer and validator plugins

/**
 * `generators`, `transformers`, `validators`: each entry is inline YAML, a file, a kustomization directory or a
 * remote base holding plugin configurations. Configurations of Kustomize's builtin plugins (`apiVersion: builtin`)
 * name files of their own, relative to this kustomization (Kustomize configures them with its loader).
 */
function readPluginEntries(walk: Walk, site: Site, field: string, value: unknown): void {
  for (const { field: where, value: reference } of stringsAt(site, field, value)) {
    const inline = inlineDocuments(reference, `${site.file}: ${where}`);
    if (inline !== undefined) {
      readBuiltinPluginConfigs(walk, site, where, inline);
      continue;
    }
    for (const file of readResource(walk, site, where, reference)) {
      const documents = splitYamlDocuments(parseSource(walk, file), file).map((document) => document.value);
      readBuiltinPluginConfigs(walk, site, `${where} (${file})`, documents);
    }
  }
}

type BuiltinPluginReader = (walk: Walk, site: Site, field: string, config: Mapping) => void;

/** The builtin plugins whose configuration names files, and how to read them (api/internal/builtins). */
const BUILTIN_PLUGIN_READERS: Readonly<Record<string, BuiltinPluginReader>> = {
  ConfigMapGenerator: readKeyValueSources,
  SecretGenerator: readKeyValueSources,
  PatchTransformer: readPatch,
  PatchJson6902Transformer: readPatch,
  PatchStrategicMergeTransformer: (walk, site, field, config) => readStrategicMergePatches(walk, site, `${field}.paths`, config.paths),
  ReplacementTransformer: (walk, site, field, config) => readReplacements(walk, site, `${field}.replacements`, config.replacements),
  HelmChartInflationGenerator: (walk, site, field, config) => {
    const home = optionalStringAt(site, `${field}.chartHome`, config.chartHome);
    const chartHome = home ? { path: home, field: `${field}.chartHome`, isDefault: false } : defaultChartHome(`${field}.chartHome`);
    readHelmChart(walk, site, field, config, HELM_CHART_KEYS, chartHome);
  },
};

function readBuiltinPluginConfigs(walk: Walk, site: Site, field: string, documents: readonly unknown[]): void {
  for (const config of documents) {
    if (!isMapping(config) || config.apiVersion !== 'builtin' || typeof config.kind !== 'string') continue;
    BUILTIN_PLUGIN_READERS[config.kind]?.(walk, site, `${field} ${config.kind}`, config);
  }
}

/**
 * The documents of an entry that is inline YAML rather than a path. Kustomize tries each entry as YAML
 * resources first; a path parses as a plain string, which is not a resource. YAML that is refused (an alias
 * bomb) is an error naming `source`, not a path.
 */
function inlineDocuments(entry: string, source: string): unknown[] | undefined {
  let values: unknown[];
  try {
    values = splitYamlDocuments(entry, source).map((document) => document.value);
  } catch (error) {
    if (error instanceof YamlSyntaxError) return undefined;
    throw error;
  }
  return values.some((value) => value !== null && typeof value === 'object') ? values : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Paths

interface LocalPath {
  /** Workspace-relative, '/'-separated; '.' for the workspace root. */
  readonly path: string;
  readonly stats: Stats | undefined;
  /** `path` with symlinks resolved, when it exists. */
  readonly real: string | undefined;
}

interface ExistingPath extends LocalPath {
  readonly stats: Stats;
  readonly real: string;
}

/** A file-only field: Kustomize's loader fetches http(s) URLs and reads anything else from disk (fileloader.go, Load). */
function readFile(walk: Walk, site: Site, field: string, reference: string): void {
  if (isHttpUrl(reference)) {
    addRemote(walk, site, field, reference);
    return;
  }
  const local = existingLocal(walk, site, field, reference);
  if (local.stats.isDirectory()) {
    throw new UserError(`${site.file}: ${field} "${reference}" is a directory; Kustomize reads a single file here. Name the file.`);
  }
  addFile(walk, local);
}

/** A file Kustomize reads, at its real path (existingLocal recorded the symlinks on the way). */
function addFile(walk: Walk, local: ExistingPath): void {
  walk.files.add(local.real);
}

/**
 * An existing path, its symlinks recorded: Kustomize follows every link on the way to what it reads (so
 * replacing or retargeting a link changes the build), and then reads the link's target.
 */
function existingLocal(walk: Walk, site: Site, field: string, reference: string): ExistingPath {
  const local = resolveLocal(walk, site, field, reference);
  if (!local.stats || local.real === undefined) throw missing(site, field, reference, local.path);
  if (local.real !== local.path) for (const link of symlinksAlong(walk.root, local.path)) walk.files.add(link);
  return { ...local, stats: local.stats, real: local.real };
}

/** The symlinks among `path` and its parent directories (as written, not resolved), workspace-relative. */
function symlinksAlong(root: string, path: string): string[] {
  return pathPrefixes(path).filter((prefix) => lstatSync(join(root, prefix), { throwIfNoEntry: false })?.isSymbolicLink());
}

function resolveLocal(walk: Walk, site: Site, field: string, reference: string): LocalPath {
  if (reference === '') throw new UserError(`${site.file}: ${field} is empty: give a path relative to ${site.dir}.`);
  const absolute = resolve(walk.root, site.dir, reference);
  if (relativeInside(walk.root, absolute) === undefined) {
    throw new UserError(
      `${site.file}: ${field} "${reference}" points outside the workspace (${absolute}). ` +
        'Nx can only cache a build whose inputs are inside the workspace: move or copy the file into the workspace.',
    );
  }
  const path = workspacePath(walk.root, absolute);
  probe(walk, path);
  const stats = statSync(absolute, { throwIfNoEntry: false });
  return { path, stats, real: stats && realWorkspacePath(walk, site, field, reference, absolute) };
}

/**
 * Kustomize resolves symlinks before it reads (filesys.ConfirmDir, the load restrictor), and a directory's
 * paths are relative to where the link points. A target outside the workspace is refused like any outside path.
 */
function realWorkspacePath(walk: Walk, site: Site, field: string, reference: string, absolute: string): string {
  const real = realpathSync(absolute);
  const fromRoot = relativeInside(walk.realRoot, real);
  if (fromRoot === undefined) {
    throw new UserError(
      `${site.file}: ${field} "${reference}" is a symlink to ${real}, outside the workspace. ` +
        'Nx can only cache a build whose inputs are inside the workspace: copy the target into the workspace.',
    );
  }
  return fromRoot.split(sep).join('/') || '.';
}

function workspacePath(root: string, absolute: string): string {
  return relative(root, absolute).split(sep).join('/') || '.';
}

function missing(site: Site, field: string, reference: string, path: string): UserError {
  const fix = looksRemote(reference)
    ? 'If it is meant to be remote: Kustomize v5 fetches only http(s):// URLs, and clones git references written with a scheme ' +
      '(https://, ssh://, file://), as user@host:org/repo, or as github.com/org/repo; anything else is a local path.'
    : `Fix the path (it is relative to ${site.dir}) or create the file.`;
  return new UserError(`${site.file}: ${field} "${reference}" does not exist (looked for ${path}). ${fix}`);
}

function addRemote(walk: Walk, site: Site, field: string, reference: string): void {
  walk.remote.push({ reference, kustomization: site.file, field });
}

// ---------------------------------------------------------------------------------------------------------------
// Shapes

function listAt(site: Site, field: string, value: unknown): readonly unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new UserError(`${site.file}: ${field} must be a list.`);
  return value;
}

/** One entry of a list, with its field name for messages, e.g. `crds[2]`. */
interface Entry<T> {
  readonly field: string;
  readonly value: T;
}

function stringsAt(site: Site, field: string, value: unknown): Entry<string>[] {
  return listAt(site, field, value).map((entry, index) => ({ field: `${field}[${index}]`, value: stringAt(site, `${field}[${index}]`, entry) }));
}

function recordsAt(site: Site, field: string, value: unknown): Entry<Mapping>[] {
  return listAt(site, field, value).map((entry, index) => ({ field: `${field}[${index}]`, value: recordAt(site, `${field}[${index}]`, entry) }));
}

function recordAt(site: Site, field: string, value: unknown): Mapping {
  if (!isMapping(value)) throw new UserError(`${site.file}: ${field} must be a mapping of fields.`);
  return value;
}

function stringAt(site: Site, field: string, value: unknown): string {
  if (typeof value !== 'string') throw new UserError(`${site.file}: ${field} must be a string (a path), not ${JSON.stringify(value)}.`);
  return value;
}

function optionalStringAt(site: Site, field: string, value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : stringAt(site, field, value);
}
