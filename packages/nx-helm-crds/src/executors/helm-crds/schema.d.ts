// Generated from schema.json by tools/schema-types.mjs (`npm run build`); edit schema.json, not this file.

/** Splits the CustomResourceDefinitions out of the project's kustomize-build output and writes one file per CRD into the Helm chart, touching only files it generated (plus plain stale copies of the same CRD, which it adopts). */
export interface HelmCrdsExecutorSchema {
  /** Workspace-relative Helm chart directory (the folder with Chart.yaml). */
  chart: string;
  /** `crds`: Helm installs the files before the release and never upgrades or deletes them. `templates`: the CRDs are release resources (upgraded and deleted with the release); `{{`/`}}` in CRD text is escaped so Helm renders it unchanged. */
  placement?: 'crds' | 'templates';
  /** Chart-relative folder for the CRD files, inside the placement folder, e.g. `templates/crd`. Defaults to the placement folder. */
  directory?: string;
  /** File name pattern with placeholders {group}, {plural}, {kind} and {name}. The default is controller-gen's convention; kubebuilder's Helm plugin uses `{plural}.{group}.yaml`. */
  fileName?: string;
  /** Globs of CRD names (metadata.name) to take, e.g. `*.serving.kserve.io`. Empty takes every CRD Kustomize renders. */
  include?: string[];
  /** Globs of CRD names to leave out of the chart (a file generated earlier for them is removed). */
  exclude?: string[];
  /** Globs of CRD names the chart ships from elsewhere: never written or removed, and verify does not report them. */
  unmanaged?: string[];
  /** Accept an `include` glob that matches no CRD Kustomize renders, and a selection with no CRD at all (the chart's generated CRD files are then removed). Off by default: a glob that matches nothing is almost always a typo or a renamed group, and would silently empty the chart. */
  allowEmpty?: boolean;
  /** false: another tool (e.g. kubebuilder's Helm plugin) generates the chart's CRD files; helm-crds writes and checks nothing, and verify proves through helm that the chart installs what Kustomize renders. */
  generate?: boolean;
  /** Write nothing; list the chart files that would change, with their data differences, and record them in the report. Drift does not fail this step: verify, which runs next in the `check` configuration, fails with the full report. */
  check?: boolean;
  /** With check: also write the result as JSON to this workspace-relative file (the verify report's schema, schemas/verify-report.schema.json, with step "helm-crds"; the files are compared without rendering). The recommended target configuration declares it as the check run's only output, so a cached check never restores chart files. */
  checkReport?: string;
  /** templates placement only: replace the Kustomize namespace in the conversion webhook's service namespace and in the namespace part of cert-manager.io/inject-ca-from with {{ .Release.Namespace }}, so the chart works in any release namespace. verify proves that rendering in the Kustomize namespace gives the Kustomize CRDs exactly. */
  namespaceTemplate?: boolean;
  /** templates placement only: a values key (e.g. `crds.install`) the CRDs render under (`{{- if .Values.crds.install }}`); define it in values.yaml. */
  installValue?: string;
  /** templates placement only: add `helm.sh/resource-policy: keep`, so `helm uninstall` (or a CRD dropped from the chart) does not delete the CRD and with it every custom resource of its kind. verify ignores this annotation. */
  keep?: boolean;
  /** templates placement only: for a CRD several charts ship, render it only when it does not exist or this release owns it (Helm `lookup` on its meta.helm.sh/release-name), so two releases never fight over it. */
  sharedGuard?: boolean;
  /** The git revision whose committed chart the data-loss guard compares the new one with: a CRD it rendered from templates/ that the new chart drops is an error (Helm would delete the CRD and every resource of it) unless it carried the keep policy or allowCrdRemoval is set. A revision that does not exist or cannot be read is an error (fetch it, or set skipDataLossGuard); outside a git repository the guard is skipped with a warning. */
  previousRevision?: string;
  /** Do not compare with previousRevision at all (for a checkout without history, e.g. a shallow CI clone). The run then cannot tell that Helm would delete a CRD the chart stops rendering from templates/. */
  skipDataLossGuard?: boolean;
  /** Accept that the new chart stops rendering a CRD from templates/ that the previous revision rendered without the keep policy (Helm will delete it and all its resources on upgrade). */
  allowCrdRemoval?: boolean;
  /** The target of this project that users run to regenerate the chart's CRDs (the inferred targets set it to the `crds` target, whatever targetNames calls it). The generated files' header and every message that suggests a fix name `nx run <project>:<pipelineTarget>`; unset, they name this target. */
  pipelineTarget?: string;
  /** The kustomize-build target whose output is read: `target` of this project, or `project:target` to share another chart's build of the same kustomization (the inferred targets do this for charts that share one). Only needed when it is not this project's one kustomize-build target. */
  buildTarget?: string;
  /** Set by the nx-helm-crds plugin, not by hand: the versions, when Nx inferred this target, of the plugin and of kustomize, whose output it reads (and of helm when that kustomization inflates Helm charts). Nx hashes options, so they are part of the cache key. The task fails if the plugin it runs is another version now (a tool replaced while the Nx daemon kept the inferred targets), rather than cache its result under a key that names other versions. */
  toolVersions?: {
    /** nx-helm-crds' version and a hash of its compiled code. */
    plugin?: string;
    /** kustomize's version (or `not found`). */
    kustomize?: string;
    /** helm's version (or `not found`), when kustomize inflates Helm charts (enableHelm). */
    helm?: string;
  };
}
