import type { Placement } from '../core/chart/plan';
import type { CompatibilityOptions } from '../core/verify/compatibility/guard';

/** How one chart receives its CRDs: the keys of `charts` in the plugin options are chart directories. */
export interface ChartCrdsConfig {
  /** Workspace-relative kustomization directory whose CRDs the chart receives, e.g. `config/crd`. */
  readonly kustomization: string;
  readonly placement?: Placement;
  readonly directory?: string;
  readonly fileName?: string;
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
  readonly unmanaged?: readonly string[];
  /** Accept include globs that match no CRD, and an empty selection (see the helm-crds executor). */
  readonly allowEmpty?: boolean;
  /** Extra `kustomize build` arguments. */
  readonly args?: readonly string[];
  /** Kustomize safety switches, all off by default (see the kustomize-build executor for each one's risk). */
  readonly enableHelm?: boolean;
  readonly enableAlphaPlugins?: boolean;
  readonly enableExec?: boolean;
  readonly loadRestrictor?: 'rootOnly' | 'none';
  /** templates placement: Helm template syntax around the CRDs (see the helm-crds executor). */
  readonly namespaceTemplate?: boolean;
  readonly installValue?: string;
  readonly keep?: boolean;
  readonly sharedGuard?: boolean;
  /** The revision the data-loss guard (helm-crds) and the compatibility guard (verify) compare with (default HEAD; in CI e.g. origin/main), or the data-loss guard switched off. */
  readonly previousRevision?: string;
  readonly skipDataLossGuard?: boolean;
  readonly allowCrdRemoval?: boolean;
  /** false: another tool generates the chart's CRD files; helm-crds writes nothing and verify checks them. */
  readonly generate?: boolean;
  /** Options of the verify target (helm rendering, ignore paths, reference overlay, report format). */
  readonly verify?: ChartVerifyConfig;
}

/** The executors whose options a chart entry sets; their schema.json files declare those options. */
export type OptionExecutor = 'kustomize-build' | 'helm-crds' | 'verify';

/**
 * Which executor each chart option belongs to: its type and meaning come from that executor's schema.json
 * (the plugin validates against it), and the inferred target of that executor receives it. `satisfies`
 * keeps this in step with ChartCrdsConfig; a unit test keeps it in step with the schemas.
 */
export const CHART_OPTION_EXECUTORS = {
  kustomization: 'kustomize-build',
  args: 'kustomize-build',
  enableHelm: 'kustomize-build',
  enableAlphaPlugins: 'kustomize-build',
  enableExec: 'kustomize-build',
  loadRestrictor: 'kustomize-build',
  placement: 'helm-crds',
  directory: 'helm-crds',
  fileName: 'helm-crds',
  include: 'helm-crds',
  exclude: 'helm-crds',
  unmanaged: 'helm-crds',
  allowEmpty: 'helm-crds',
  namespaceTemplate: 'helm-crds',
  installValue: 'helm-crds',
  keep: 'helm-crds',
  sharedGuard: 'helm-crds',
  previousRevision: 'helm-crds',
  skipDataLossGuard: 'helm-crds',
  allowCrdRemoval: 'helm-crds',
  generate: 'helm-crds',
  verify: 'verify',
} as const satisfies Record<keyof ChartCrdsConfig, OptionExecutor>;

/** verify options the plugin sets itself (helmBinary from the plugin's `helm`), so a chart's `verify` cannot. */
export const PLUGIN_SET_VERIFY_OPTIONS = ['helmBinary', 'helmCrdsTarget'] as const;

/** The chart options that go to one executor's target, those set only, in a fixed order (charts with equal options share a build). */
export function chartOptionsFor(config: ChartCrdsConfig, executor: Exclude<OptionExecutor, 'verify'>): Record<string, unknown> {
  return Object.fromEntries(
    (Object.keys(CHART_OPTION_EXECUTORS) as (keyof ChartCrdsConfig)[])
      .filter((key) => CHART_OPTION_EXECUTORS[key] === executor && config[key] !== undefined)
      .map((key) => [key, config[key]]),
  );
}

export interface ChartVerifyConfig {
  readonly helm?: 'auto' | 'always' | 'never';
  readonly namespace?: string;
  readonly releaseName?: string;
  /** Workspace-relative values files; they become inputs of the verify target. */
  readonly values?: readonly string[];
  readonly set?: readonly string[];
  readonly ignore?: readonly string[];
  /** A full overlay (e.g. config/default) whose Service and Certificate the CRDs must point at; its files become inputs. */
  readonly referenceOverlay?: string;
  /** Fail when the chart's dependencies are not vendored in charts/, instead of rendering without them. */
  readonly requireDependencies?: boolean;
  readonly format?: 'text' | 'json' | 'github';
  /** Workspace-relative JSON report file (never inside a chart). */
  readonly report?: string;
  readonly compatibility?: CompatibilityOptions;
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

/** Options of the `nx-helm-crds` entry in nx.json `plugins`. */
export interface NxHelmCrdsPluginOptions {
  /** Chart directory (workspace-relative, holding Chart.yaml) → where its CRDs come from. */
  readonly charts?: Readonly<Record<string, ChartCrdsConfig>>;
  /** Override the inferred target names. */
  readonly targetNames?: Partial<TargetNames>;
  /** The kustomize command for every chart (else $NX_HELM_CRDS_KUSTOMIZE, then PATH). */
  readonly kustomize?: string;
  /** The helm command verify renders with (else $NX_HELM_CRDS_HELM, then PATH). */
  readonly helm?: string;
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
