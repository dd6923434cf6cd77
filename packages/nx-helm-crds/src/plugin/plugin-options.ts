import type { Placement } from '../core/chart-sync';

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
  /** Extra `kustomize build` arguments. */
  readonly args?: readonly string[];
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
