import type { Placement } from '../core/chart-sync';
import type { CompatibilityOptions } from '../core/compatibility/guard';

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
  readonly allowCrdRemoval?: boolean;
  /** The revision the data-loss and compatibility guards compare with (default HEAD); in CI, e.g. origin/main. */
  readonly previousRevision?: string;
  /** Options of the verify target (helm rendering, ignore paths, reference overlay, report format). */
  readonly verify?: ChartVerifyConfig;
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
  readonly format?: 'text' | 'json' | 'github';
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
export type RemoteResourcePolicy = 'fail' | 'uncached';

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

/** Chart directories are compared normalised: `/`-separated, no `./` or trailing slash. */
export function normalizeChartDirectory(directory: string): string {
  return directory.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
}
