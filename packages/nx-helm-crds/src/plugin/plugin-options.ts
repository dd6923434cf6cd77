import type { HelmCrdsExecutorSchema } from '../executors/helm-crds/schema';
import type { KustomizeBuildExecutorSchema } from '../executors/kustomize-build/schema';
import type { VerifyExecutorSchema } from '../executors/verify/schema';

/** The executors whose options a chart entry sets; their schema.json files declare those options. */
export type OptionExecutor = 'kustomize-build' | 'helm-crds' | 'verify';

interface ExecutorOptions {
  readonly 'kustomize-build': KustomizeBuildExecutorSchema;
  readonly 'helm-crds': HelmCrdsExecutorSchema;
  readonly verify: VerifyExecutorSchema;
}

/**
 * The executor options a chart entry cannot set, because the plugin sets them: the chart is the entry's key,
 * the output paths are those the inferred targets declare as outputs, the check run is the `check`
 * configuration, the binaries and the remote/unreadable policies are plugin-wide, the target links follow
 * targetNames, and the tool versions are read while inferring. Every other option of the chart's
 * kustomize-build and helm-crds executors is a chart option, and every other verify option a chart's `verify`
 * option.
 */
export const PLUGIN_SET_OPTIONS = {
  'kustomize-build': ['outputFile', 'kustomize', 'allowRemoteResources', 'allowUnreadableInputs', 'toolVersions'],
  'helm-crds': ['chart', 'check', 'checkReport', 'pipelineTarget', 'buildTarget', 'toolVersions'],
  verify: ['helmBinary', 'helmCrdsTarget', 'toolVersions'],
} as const satisfies { readonly [E in OptionExecutor]: readonly (keyof ExecutorOptions[E])[] };

type ChartOptionsOf<E extends OptionExecutor> = Readonly<Omit<ExecutorOptions[E], (typeof PLUGIN_SET_OPTIONS)[E][number]>>;

/** Options of a chart's verify target (helm rendering, ignore paths, reference overlay, report format). */
export type ChartVerifyConfig = ChartOptionsOf<'verify'>;

/** How one chart receives its CRDs: the keys of `charts` in the plugin options are chart directories. */
export type ChartCrdsConfig = ChartOptionsOf<'kustomize-build'> & ChartOptionsOf<'helm-crds'> & { readonly verify?: ChartVerifyConfig };

/** The plugin-wide options, each the executor option of the same name it sets on every chart's target. */
export const PLUGIN_WIDE_OPTIONS = { kustomize: 'kustomize-build', helmBinary: 'verify' } as const satisfies Record<string, OptionExecutor>;

/** Property names of the executors' schema.json files, by executor (executor-schemas.ts reads them). */
export type ExecutorOptionNames = Readonly<Record<OptionExecutor, readonly string[]>>;

/** Chart option → the executor it belongs to (chartOptionExecutors). */
export type ChartOptionExecutors = Readonly<Record<string, OptionExecutor>>;

/**
 * Which executor each chart option belongs to, from the executors' schemas: every option of kustomize-build
 * and helm-crds the plugin does not set, and `verify` for the verify executor's. Each name belongs to one
 * executor, so a chart entry's key means one thing.
 */
export function chartOptionExecutors(optionNames: ExecutorOptionNames): ChartOptionExecutors {
  const owners: Record<string, OptionExecutor> = { verify: 'verify' };
  for (const executor of ['kustomize-build', 'helm-crds'] as const) {
    for (const key of optionNames[executor]) {
      if ((PLUGIN_SET_OPTIONS[executor] as readonly string[]).includes(key)) continue;
      if (owners[key] !== undefined) throw new Error(`nx-helm-crds: option ${key} is declared by both the ${owners[key]} and the ${executor} executor's schema.json; a chart option must mean one thing`);
      owners[key] = executor;
    }
  }
  return owners;
}

/** The chart options that go to one executor's target, those set only, in the schema's order (charts with equal options share a build). */
export function chartOptionsFor(config: ChartCrdsConfig, executor: Exclude<OptionExecutor, 'verify'>, owners: ChartOptionExecutors): Record<string, unknown> {
  const values = config as Readonly<Record<string, unknown>>;
  return Object.fromEntries(
    Object.keys(owners)
      .filter((key) => owners[key] === executor && values[key] !== undefined)
      .map((key) => [key, values[key]]),
  );
}

export interface TargetNames {
  readonly kustomizeBuild: string;
  readonly helmCrds: string;
  readonly verify: string;
  readonly crds: string;
  readonly watch: string;
}

/** What a kustomization that references remote resources (URLs, git repos) does to its target. */
export const REMOTE_RESOURCE_POLICIES = ['fail', 'uncached'] as const;
export type RemoteResourcePolicy = (typeof REMOTE_RESOURCE_POLICIES)[number];

/** What a kustomization whose input files cannot be read (e.g. a base outside the workspace) does to its target. */
export const UNREADABLE_INPUTS_POLICIES = ['fail', 'uncached'] as const;
export type UnreadableInputsPolicy = (typeof UNREADABLE_INPUTS_POLICIES)[number];

/**
 * Options of the `nx-helm-crds` entry in nx.json `plugins`. The binaries every chart uses keep the names (and
 * descriptions) of the executor options they set: kustomize-build's `kustomize` and verify's `helmBinary`.
 */
export interface NxHelmCrdsPluginOptions extends Readonly<Pick<KustomizeBuildExecutorSchema, 'kustomize'> & Pick<VerifyExecutorSchema, 'helmBinary'>> {
  /** Chart directory (workspace-relative, holding Chart.yaml) → where its CRDs come from. */
  readonly charts?: Readonly<Record<string, ChartCrdsConfig>>;
  /** Override the inferred target names. */
  readonly targetNames?: Partial<TargetNames>;
  /** `fail` (default): refuse remote resources; `uncached`: build them, but never cache the result. */
  readonly remoteResources?: RemoteResourcePolicy;
  /** `fail` (default): a kustomization whose input files cannot be read fails to build; `uncached`: build it, never cached. */
  readonly unreadableInputs?: UnreadableInputsPolicy;
}

export const DEFAULT_TARGET_NAMES: TargetNames = {
  kustomizeBuild: 'kustomize-build',
  helmCrds: 'helm-crds',
  verify: 'verify',
  crds: 'crds',
  watch: 'crds-watch',
};

export function targetNames(options: NxHelmCrdsPluginOptions | undefined): TargetNames {
  return { ...DEFAULT_TARGET_NAMES, ...options?.targetNames };
}

export { normalizeWorkspacePath as normalizeChartDirectory } from '../core/paths/workspace-paths';
