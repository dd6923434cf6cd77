import { createNodesFromFiles, type CreateNodes, type CreateNodesContext, type CreateNodesResult } from '@nx/devkit';
import { PluginCache, hashObject, workspaceDataDirectory } from '@nx/devkit/internal';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UserError } from '../core/shared/errors';
import { graphSourcesFingerprint, readKustomizationGraph, type KustomizationGraph } from '../core/kustomize/graph';
import { splitYamlDocuments } from '../core/yaml/documents';
import { chartTargets, kustomizeBuildOptions } from './chart-targets';
import { pluginEntryIndex, readExecutorSchemas, validatePluginOptions, type WorkspaceView } from './options-validation';
import { normalizeChartDirectory, targetNames, type ChartCrdsConfig, type NxHelmCrdsPluginOptions } from './plugin-options';

export const CHART_GLOB = '**/Chart.yaml';

/** Bumped when the cached graph's shape changes, so an older plugin's cache file is not read. */
const GRAPH_CACHE_FORMAT = 2;

/**
 * Infers the CRD pipeline for every chart named in the plugin options. The kustomization graph (which
 * files Kustomize reads) is cached in Nx's workspace data directory and used while everything it was read
 * from is unchanged: the files it parsed, the folders it listed and the paths it looked up. So a large repo
 * re-reads only the kustomizations that changed, and a config that starts naming a new file is re-read.
 */
export const createNodes: CreateNodes<NxHelmCrdsPluginOptions> = [
  CHART_GLOB,
  async (chartFiles, options, context) => {
    validatePluginOptions(options, readExecutorSchemas(), workspaceView(context.workspaceRoot, chartFiles), pluginEntryIndex(context.nxJsonConfiguration.plugins, options));
    const cache = new PluginCache<KustomizationGraph>(join(workspaceDataDirectory, `nx-helm-crds-${GRAPH_CACHE_FORMAT}-${hashObject(options ?? {})}.json`));
    const charts = configuredCharts(chartFiles, options, context.workspaceRoot);
    try {
      return await createNodesFromFiles((chartFile, pluginOptions, nodeContext) => chartProject(charts.get(chartFile), pluginOptions, nodeContext, cache), chartFiles, options, context);
    } finally {
      cache.writeToDisk();
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

interface ConfiguredChart {
  readonly chart: string;
  readonly config: ChartCrdsConfig;
  readonly projectName: string;
  /** Set when an earlier chart (by path) builds the same kustomization with the same options. */
  readonly sharedBuildProject?: string;
}

/**
 * The charts the options name that exist, by Chart.yaml path, with the one build each kustomization gets.
 * A chart whose project.json sets its own kustomize-build target keeps that build to itself.
 */
function configuredCharts(chartFiles: readonly string[], options: NxHelmCrdsPluginOptions | undefined, workspaceRoot: string): Map<string, ConfiguredChart> {
  const charts = new Map<string, ConfiguredChart>();
  const builders = new Map<string, string>();
  const buildTargetName = targetNames(options).kustomizeBuild;
  for (const chartFile of [...chartFiles].sort()) {
    const chart = dirname(chartFile);
    const config = configFor(options, chart);
    if (!config) continue;
    const projectJson = readProjectJson(workspaceRoot, chart);
    const projectName = typeof projectJson?.name === 'string' ? projectJson.name : chartName(workspaceRoot, chartFile);
    if (projectJson?.targets?.[buildTargetName] !== undefined) {
      charts.set(chartFile, { chart, config, projectName });
      continue;
    }
    const build = JSON.stringify(kustomizeBuildOptions({ ...config, kustomization: normalizeChartDirectory(config.kustomization) }, options?.kustomize, false));
    const builder = builders.get(build);
    if (builder === undefined) builders.set(build, projectName);
    charts.set(chartFile, { chart, config, projectName, sharedBuildProject: builder });
  }
  return charts;
}

function configFor(options: NxHelmCrdsPluginOptions | undefined, chart: string): ChartCrdsConfig | undefined {
  for (const [directory, config] of Object.entries(options?.charts ?? {})) {
    if (normalizeChartDirectory(directory) === chart) return config;
  }
  return undefined;
}

function chartProject(configured: ConfiguredChart | undefined, options: NxHelmCrdsPluginOptions | undefined, context: CreateNodesContext, cache: PluginCache<KustomizationGraph>): CreateNodesResult {
  if (!configured) return {};
  const { chart, config, projectName, sharedBuildProject } = configured;
  const graph = kustomizationGraphOrFallback(context.workspaceRoot, config.kustomization, cache);
  return {
    projects: {
      [chart]: {
        name: projectName,
        root: chart,
        targets: chartTargets({
          chart,
          projectName,
          config,
          kustomizationFiles: graph.files,
          graphProblem: graph.problem,
          remoteReferences: graph.remote.map((remote) => remote.reference),
          names: targetNames(options),
          kustomize: options?.kustomize,
          helm: options?.helm,
          referenceOverlayFiles: config.verify?.referenceOverlay
            ? kustomizationGraphOrFallback(context.workspaceRoot, config.verify.referenceOverlay, cache).files
            : undefined,
          remoteResources: options?.remoteResources ?? 'fail',
          unreadableInputs: options?.unreadableInputs ?? 'fail',
          sharedBuildProject,
        }),
      },
    },
  };
}

/**
 * A broken kustomization must not break the whole project graph (every nx command would fail): its target
 * falls back to every file under the kustomization folder, and the kustomize-build run reports the problem.
 */
function kustomizationGraphOrFallback(
  workspaceRoot: string,
  kustomization: string,
  cache: PluginCache<KustomizationGraph>,
): Pick<KustomizationGraph, 'files' | 'remote'> & { problem?: string } {
  try {
    return kustomizationGraph(workspaceRoot, kustomization, cache);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return { files: [`${kustomization}/**/*`], remote: [], problem: error.message };
  }
}

/** A graph that failed is not cached: it is read again on every inference until it is fixed. */
function kustomizationGraph(workspaceRoot: string, kustomization: string, cache: PluginCache<KustomizationGraph>): KustomizationGraph {
  const cached = cache.get(kustomization);
  if (cached && cached.sourcesFingerprint === graphSourcesFingerprint(workspaceRoot, cached.sources)) return cached;
  const graph = readKustomizationGraph(workspaceRoot, kustomization);
  cache.set(kustomization, graph);
  return graph;
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

function chartName(workspaceRoot: string, chartFile: string): string {
  const [document] = splitYamlDocuments(readFileSync(join(workspaceRoot, chartFile), 'utf8'), chartFile);
  const name = (document?.value as { name?: unknown } | undefined)?.name;
  if (typeof name !== 'string' || name === '') return dirname(chartFile).replace(/\//g, '-');
  // The project name names the folder of the chart's reports (dist/nx-helm-crds/<project>/) and helm's release.
  if (!PROJECT_NAME.test(name)) {
    throw new UserError(
      `${chartFile}: the chart name ${JSON.stringify(name)} cannot name its nx-helm-crds project (it becomes a folder under dist/nx-helm-crds and ` +
        'the release name verify renders with). Use letters, digits, ".", "_" and "-" (Helm requires a lowercase name), or give the chart a project.json with a name.',
    );
  }
  return name;
}

/** One path segment: no "/", no "..", no leading "-" or ".", no control characters. */
const PROJECT_NAME = /^[A-Za-z0-9_@][A-Za-z0-9_.@-]*$/;
