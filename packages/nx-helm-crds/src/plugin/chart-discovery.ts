import { dirname } from 'node:path';
import { UserError } from '../core/shared/errors';
import { chartOptionsFor, normalizeChartDirectory, targetNames, type ChartCrdsConfig, type ChartOptionExecutors, type NxHelmCrdsPluginOptions } from './plugin-options';

/** What discovery reads from the workspace, injected so that it is tested without one. */
export interface ChartWorkspace {
  /** The chart's project.json, if there is one that is valid JSON. */
  projectJson(chart: string): { name?: unknown; targets?: Record<string, unknown> } | undefined;
  /** The `name` field of the chart's Chart.yaml, whatever its type (undefined when absent). */
  chartName(chartFile: string): unknown;
}

export interface ConfiguredChart {
  readonly chartFile: string;
  /** Workspace-relative chart directory; also the project root. */
  readonly chart: string;
  readonly config: ChartCrdsConfig;
  readonly projectName: string;
  /** Set when an earlier chart (by path) builds the same kustomization with the same options. */
  readonly sharedBuildProject?: string;
  /** The charts whose compatibility guard has the same baseline revision as this one's (ChartTargetsRequest). */
  readonly baselineCharts: readonly string[];
}

/**
 * The charts the options name that exist, by Chart.yaml path, with the one build each kustomization gets.
 * A chart whose project.json sets its own kustomize-build target keeps that build to itself.
 */
export function discoverCharts(
  chartFiles: readonly string[],
  options: NxHelmCrdsPluginOptions | undefined,
  optionExecutors: ChartOptionExecutors,
  workspace: ChartWorkspace,
): ConfiguredChart[] {
  const charts: Omit<ConfiguredChart, 'baselineCharts'>[] = [];
  const builders = new Map<string, string>();
  const buildTargetName = targetNames(options).kustomizeBuild;
  for (const chartFile of [...chartFiles].sort()) {
    const chart = dirname(chartFile);
    const config = configFor(options, chart);
    if (!config) continue;
    const projectJson = workspace.projectJson(chart);
    const projectName = typeof projectJson?.name === 'string' ? projectJson.name : chartProjectName(chartFile, workspace.chartName(chartFile));
    if (projectJson?.targets?.[buildTargetName] !== undefined) {
      charts.push({ chartFile, chart, config, projectName });
      continue;
    }
    const build = JSON.stringify(kustomizeBuildOptions({ ...config, kustomization: normalizeChartDirectory(config.kustomization) }, options?.kustomize, false, optionExecutors));
    const builder = builders.get(build);
    if (builder === undefined) builders.set(build, projectName);
    charts.push({ chartFile, chart, config, projectName, sharedBuildProject: builder });
  }
  const baselines = new Map<string, string[]>();
  for (const { chart, config } of charts) {
    if (config.verify?.compatibility?.enabled === false) continue;
    const revision = config.previousRevision ?? 'HEAD';
    baselines.set(revision, [...(baselines.get(revision) ?? []), chart]);
  }
  for (const group of baselines.values()) group.sort();
  return charts.map((chart) => ({ ...chart, baselineCharts: baselines.get(chart.config.previousRevision ?? 'HEAD') ?? [] }));
}

function configFor(options: NxHelmCrdsPluginOptions | undefined, chart: string): ChartCrdsConfig | undefined {
  for (const [directory, config] of Object.entries(options?.charts ?? {})) {
    if (normalizeChartDirectory(directory) === chart) return config;
  }
  return undefined;
}

/**
 * The project name of a chart without a named project.json: its Chart.yaml name, else its directory. The
 * project name names the folder of the chart's reports (dist/nx-helm-crds/<project>/) and helm's release.
 */
export function chartProjectName(chartFile: string, name: unknown): string {
  if (typeof name !== 'string' || name === '') return dirname(chartFile).replace(/\//g, '-');
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

/**
 * The kustomize-build options of a chart. Charts whose options are equal (same kustomization, arguments
 * and safety switches) produce the same output, so the plugin gives them one build.
 */
export function kustomizeBuildOptions(config: ChartCrdsConfig, kustomize: string | undefined, uncached: boolean, optionExecutors: ChartOptionExecutors): Record<string, unknown> {
  return definedOnly({ ...chartOptionsFor(config, 'kustomize-build', optionExecutors), kustomize, allowRemoteResources: uncached ? true : undefined });
}

/** Options as Nx shows them: only those set. */
export function definedOnly(options: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}
