// Generated from schema.json by tools/schema-types.mjs (`npm run build`); edit schema.json, not this file.

/** Renders a kustomization with the real kustomize (or `kubectl kustomize`) into one YAML file that the helm-crds and verify targets of the same project read. */
export interface KustomizeBuildExecutorSchema {
  /** Workspace-relative directory holding kustomization.yaml, e.g. `config/crd` or `config/default`. */
  kustomization: string;
  /** Workspace-relative file the rendered YAML stream is written to (atomically). Defaults to `dist/nx-helm-crds/<project>/kustomize.yaml`; if you change it, change the target's `outputs` to match. */
  outputFile?: string;
  /** The kustomize to run: a path relative to the workspace root or a command on PATH. A `kubectl` binary is run as `kubectl kustomize`. When unset: $NX_HELM_CRDS_KUSTOMIZE, then `kustomize` on PATH, then `kubectl` on PATH. */
  kustomize?: string;
  /** Extra arguments after the kustomization directory, e.g. ["--reorder", "none"]. Passed as an argument list, never through a shell, and read as kustomize/kubectl read flags (`_` as `-`, --flag=value, shorthands). Accepted: --reorder, --stack-trace, --enable-managedby-label, --helm-api-versions, --helm-kube-version, --helm-debug, --load-restrictor LoadRestrictionsRootOnly; with enableHelm: --enable-helm, --helm-command; with enableAlphaPlugins: --enable-alpha-plugins, -e/--env, --mount, --network, --network-name, --as-current-user; with enableExec: --enable-exec; with loadRestrictor "none": --load-restrictor LoadRestrictionsNone. Anything else (-o/--output: use outputFile; kubectl client flags; a second directory) is refused. */
  args?: string[];
  /** Milliseconds after which a kustomize that has not finished is killed and the target fails; 0 waits forever. */
  timeout?: number;
  /** Let the kustomization reference remote resources (URLs, git repositories). Off by default: their content is not in the cache key, so a cached result could be stale, and a pull request could make CI fetch arbitrary content. When you turn it on, also set `cache: false` on the target (the plugin's `remoteResources: "uncached"` does both). */
  allowRemoteResources?: boolean;
  /** Build the kustomization even when nx-helm-crds cannot read its input files (e.g. a base outside the workspace): the files it reads are then unknown, so not in the cache key, and remote resources it references are not refused. Off by default: such a build fails with the reason. When you turn it on, also set `cache: false` on the target (the plugin's `unreadableInputs: "uncached"` does both). */
  allowUnreadableInputs?: boolean;
  /** Pass --enable-helm: Kustomize inflates `helmCharts` by running helm. Risk: helm runs with the chart's templates and may pull charts from the network (a `repo` entry), and the helm version is not part of the cache key; vendor charts under the kustomization (chartHome) so their files are cache inputs. */
  enableHelm?: boolean;
  /** Pass --enable-alpha-plugins: Kustomize runs generator, transformer and validator plugins, including KRM functions in containers. Risk: a kustomization (or a pull request changing one) can run code; what that code reads is not in the cache key. Only for kustomizations you trust. */
  enableAlphaPlugins?: boolean;
  /** Pass --enable-exec (needs enableAlphaPlugins, and a standalone kustomize: `kubectl kustomize` has no such flag): plugins may run any local executable. Risk: arbitrary code execution by whoever can edit the kustomization, on developer machines and in CI. Only for kustomizations you trust. */
  enableExec?: boolean;
  /** `rootOnly` (Kustomize's default): a kustomization reads files only inside its own folder tree. `none` passes --load-restrictor LoadRestrictionsNone: files anywhere may be read. Risk: the build can read files outside the kustomization (and outside the workspace, which Nx cannot hash), and the kustomization is no longer relocatable. */
  loadRestrictor?: 'rootOnly' | 'none';
  /** Set by the nx-helm-crds plugin, not by hand: the versions of the plugin and kustomize (and helm, with enableHelm) when Nx inferred this target. Nx hashes options, so they are part of the cache key. The task fails if the plugin or kustomize it runs is another version now (a tool replaced while the Nx daemon kept the inferred targets), rather than cache its result under a key that names other versions. */
  toolVersions?: {
    /** nx-helm-crds' version and a hash of its compiled code. */
    plugin?: string;
    /** kustomize's version (or `not found`). */
    kustomize?: string;
    /** helm's version (or `not found`), when kustomize inflates Helm charts (enableHelm). */
    helm?: string;
  };
}
