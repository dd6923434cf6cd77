import type { CreateNodes, CreateNodesContext, CreateNodesResult } from '@nx/devkit';
// What @nx/devkit and @nx/devkit/internal re-export, from the Nx modules that define it: Nx's plugin worker
// has loaded these before it loads a plugin, while loading either barrel costs the worker 0.15-0.4 s.
import { hashObject } from 'nx/src/hasher/file-hasher';
import { createNodesFromFiles } from 'nx/src/project-graph/plugins/utils';
import { workspaceDataDirectory } from 'nx/src/utils/cache-directory';
import { PluginCache } from 'nx/src/utils/plugin-cache-utils';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { IDENTITY_MEMO } from '../constants';
import { currentKeyVersions, type KeyVersions } from '../core/process/key-versions';
import { UserError } from '../core/shared/errors';
import type { GraphSources, KustomizationGraph } from '../core/kustomize/graph';
import { discoverCharts, type ChartWorkspace, type ConfiguredChart } from './chart-discovery';
import type { ChartTargetsRequest } from './chart-targets';
import { withKeyVersions } from './target-key-versions';
import { executorOptionNames, readExecutorSchemas } from './executor-schemas';
import { pluginEntryIndex, validatePluginOptions, type WorkspaceView } from './options-validation';
import { chartOptionExecutors, targetNames, type ChartOptionExecutors, type NxHelmCrdsPluginOptions } from './plugin-options';

const CHART_GLOB = '**/Chart.yaml';

/**
 * The cache file of these options and this plugin code: what another version of the plugin (or a rebuild)
 * inferred is never used.
 */
function cacheFile(options: NxHelmCrdsPluginOptions | undefined, pluginCode: string): string {
  return join(workspaceDataDirectory, `nx-helm-crds-${hashObject({ options: options ?? {}, pluginCode })}.json`);
}

/** A chart's inferred project, and the kustomization graphs it was inferred from (valid while their sources are unchanged). */
interface CachedProject {
  readonly graphs: readonly CachedGraph[];
  readonly project: CreateNodesResult;
}

interface CachedGraph {
  readonly kustomization: string;
  readonly sources: GraphSources;
  readonly sourcesFingerprint: string;
}

type CacheEntry = CachedProject | { readonly chartName: unknown };

/** The plugin cache of one inference, written back only when the inference added to it. */
class InferenceCache {
  private readonly entries: PluginCache<CacheEntry>;
  private changed = false;
  /** Whether a graph is current, per kustomization and fingerprint: charts that share a kustomization check it once. */
  private readonly current = new Map<string, boolean>();

  constructor(path: string) {
    this.entries = new PluginCache<CacheEntry>(path);
  }

  get(key: string): CacheEntry | undefined {
    return this.entries.get(key);
  }

  set(key: string, entry: CacheEntry): void {
    this.entries.set(key, entry);
    this.changed = true;
  }

  isCurrent(workspaceRoot: string, graph: CachedGraph): boolean {
    const key = `${graph.kustomization}\n${graph.sourcesFingerprint}`;
    let current = this.current.get(key);
    if (current === undefined) this.current.set(key, (current = kustomizationGraphs().graphSourcesFingerprint(workspaceRoot, graph.sources) === graph.sourcesFingerprint));
    return current;
  }

  write(): void {
    if (this.changed) this.entries.writeToDisk();
  }
}

// Loaded only when the cache cannot answer: they bring the YAML readers, minimatch and the chart model.
const kustomizationGraphs = () => require('../core/kustomize/graph') as typeof import('../core/kustomize/graph');
const targetInference = () => require('./chart-targets') as typeof import('./chart-targets');
const yamlDocuments = () => require('../core/yaml/documents') as typeof import('../core/yaml/documents');

/**
 * Infers the CRD pipeline for every chart named in the plugin options. Each chart's project is cached in Nx's
 * workspace data directory (one file per plugin options and plugin code, written when inference ends) under a key of
 * everything it was inferred from, and used while the kustomization graphs it read (the files Kustomize
 * reads) are unchanged: the files they parsed, the folders they listed and the paths they looked up.
 */
export const createNodes: CreateNodes<NxHelmCrdsPluginOptions> = [
  CHART_GLOB,
  async (chartFiles, options, context) => {
    const schemas = readExecutorSchemas();
    validatePluginOptions(options, schemas, workspaceView(context.workspaceRoot, chartFiles), pluginEntryIndex(context.nxJsonConfiguration.plugins, options));
    // Read on every inference, not per process: with the daemon, inference runs again when the workspace files
    // or the environment change, and the key must name the tools the tasks will find then.
    const keyVersions = currentKeyVersions({
      workspaceRoot: context.workspaceRoot,
      memoFile: join(workspaceDataDirectory, IDENTITY_MEMO),
      kustomize: { explicit: options?.kustomize },
      helm: { explicit: options?.helmBinary },
    });
    const cache = new InferenceCache(cacheFile(options, keyVersions.plugin));
    try {
      const optionExecutors = chartOptionExecutors(executorOptionNames(schemas));
      const charts = new Map(discoverCharts(chartFiles, options, optionExecutors, chartWorkspace(context.workspaceRoot, cache)).map((chart) => [chart.chartFile, chart]));
      return await createNodesFromFiles(
        (chartFile, pluginOptions, nodeContext) => chartProject(charts.get(chartFile), { options: pluginOptions, optionExecutors, context: nodeContext, cache, keyVersions }),
        chartFiles,
        options,
        context,
      );
    } finally {
      cache.write();
    }
  },
];

function workspaceView(workspaceRoot: string, chartFiles: readonly string[]): WorkspaceView {
  return {
    kind: (path) => {
      const stats = statSync(join(workspaceRoot, path), { throwIfNoEntry: false });
      return !stats ? 'missing' : stats.isDirectory() ? 'directory' : 'file';
    },
    chartDirectories: chartFiles.map((file) => dirname(file)),
  };
}

function chartWorkspace(workspaceRoot: string, cache: InferenceCache): ChartWorkspace {
  return {
    projectJson: (chart) => readProjectJson(workspaceRoot, chart),
    chartName: (chartFile) => {
      const text = readFileSync(join(workspaceRoot, chartFile), 'utf8');
      const key = `chart-name-${hashObject({ chartFile, text })}`;
      const cached = cache.get(key);
      if (cached && 'chartName' in cached) return cached.chartName;
      const [document] = yamlDocuments().splitYamlDocuments(text, chartFile);
      const chartName = (document?.value as { name?: unknown } | undefined)?.name;
      cache.set(key, { chartName });
      return chartName;
    },
  };
}

interface Inference {
  readonly options: NxHelmCrdsPluginOptions | undefined;
  readonly optionExecutors: ChartOptionExecutors;
  readonly context: CreateNodesContext;
  readonly cache: InferenceCache;
  readonly keyVersions: KeyVersions;
}

function chartProject(configured: ConfiguredChart | undefined, inference: Inference): CreateNodesResult {
  if (!configured) return {};
  const project = inferredProject(configured, inference);
  return {
    projects: Object.fromEntries(
      Object.entries(project.projects ?? {}).map(([root, inferred]) => [root, { ...inferred, targets: inferred.targets && withKeyVersions(inferred.targets, inference.keyVersions, configured.config.enableHelm === true) }]),
    ),
  };
}

/** The chart's project as inferred from its files (cached while they are unchanged), before the tool versions. */
function inferredProject(configured: ConfiguredChart, { options, optionExecutors, context, cache }: Inference): CreateNodesResult {
  const { workspaceRoot } = context;
  const { chart, config, projectName, sharedBuildProject, baselineCharts } = configured;
  const request: Omit<ChartTargetsRequest, 'kustomizationFiles' | 'graphProblem' | 'remoteReferences' | 'referenceOverlayFiles'> = {
    chart,
    projectName,
    config,
    names: targetNames(options),
    optionExecutors,
    kustomize: options?.kustomize,
    helmBinary: options?.helmBinary,
    remoteResources: options?.remoteResources ?? 'fail',
    unreadableInputs: options?.unreadableInputs ?? 'fail',
    sharedBuildProject,
    baselineCharts,
  };
  const key = `project-${hashObject(request)}`;
  const cached = cache.get(key);
  if (cached && 'project' in cached && cached.graphs.every((graph) => cache.isCurrent(workspaceRoot, graph))) {
    return cached.project;
  }
  const graph = kustomizationGraphOrFallback(workspaceRoot, config.kustomization);
  const overlay = config.verify?.referenceOverlay ? kustomizationGraphOrFallback(workspaceRoot, config.verify.referenceOverlay) : undefined;
  const project: CreateNodesResult = {
    projects: {
      [chart]: {
        name: projectName,
        root: chart,
        targets: targetInference().chartTargets({
          ...request,
          kustomizationFiles: graph.files,
          graphProblem: graph.problem,
          remoteReferences: graph.remote.map((remote) => remote.reference),
          referenceOverlayFiles: overlay?.files,
        }),
      },
    },
  };
  // A graph that failed is not cached: it is read again on every inference until it is fixed.
  const graphs = [
    { kustomization: config.kustomization, read: graph },
    ...(overlay ? [{ kustomization: config.verify!.referenceOverlay!, read: overlay }] : []),
  ];
  if (graphs.every(({ read }) => read.problem === undefined)) {
    cache.set(key, { graphs: graphs.map(({ kustomization, read }) => ({ kustomization, sources: read.sources!, sourcesFingerprint: read.sourcesFingerprint! })), project });
  }
  return project;
}

/**
 * A broken kustomization must not break the whole project graph (every nx command would fail): its target
 * falls back to every file under the kustomization folder, and the kustomize-build run reports the problem.
 */
function kustomizationGraphOrFallback(workspaceRoot: string, kustomization: string): Pick<KustomizationGraph, 'files' | 'remote'> & Partial<Pick<KustomizationGraph, 'sources' | 'sourcesFingerprint'>> & { problem?: string } {
  try {
    return kustomizationGraphs().readKustomizationGraph(workspaceRoot, kustomization);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return { files: [`${kustomization}/**/*`], remote: [], problem: error.message };
  }
}

/**
 * A project.json beside the chart keeps its own name and target options (Nx merges our targets into it). One
 * that is not valid JSON is left to Nx's own project.json plugin, which names the file and the error.
 */
function readProjectJson(workspaceRoot: string, chart: string): { name?: unknown; targets?: Record<string, unknown> } | undefined {
  const projectJson = join(workspaceRoot, chart, 'project.json');
  if (!existsSync(projectJson)) return undefined;
  try {
    return JSON.parse(readFileSync(projectJson, 'utf8')) as { name?: unknown; targets?: Record<string, unknown> };
  } catch {
    return undefined;
  }
}
