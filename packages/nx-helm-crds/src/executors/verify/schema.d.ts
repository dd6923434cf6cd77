// Generated from schema.json by tools/schema-types.mjs (`npm run build`); edit schema.json, not this file.

/** Proves the chart installs exactly the CRDs Kustomize renders: renders the chart with the real helm (when available) and compares the CRDs as data, with every differing path; runs CRD sanity and size checks. Read-only; takes the chart, selection and Kustomize output from the project's helm-crds and kustomize-build targets. Fails on drift or on a sanity error. */
export interface VerifyExecutorSchema {
  /** Render the chart with `helm template --include-crds` before comparing, so templated files (`.Files.Get` wrappers, `if` blocks, namespace templating) are verified too. `auto`: when a helm binary is found, else compare the files and say so; `always`: fail without helm; `never`: compare the chart files as they are. */
  helm?: 'auto' | 'always' | 'never';
  /** The helm to run: a path relative to the workspace root or a command on PATH. When unset: $NX_HELM_CRDS_HELM, then `helm` on PATH. */
  helmBinary?: string;
  /** Release namespace to render with. Defaults to the namespace Kustomize put into the CRDs (conversion webhook service, inject-ca-from), else `default`, so namespace templating must reproduce Kustomize exactly. */
  namespace?: string;
  /** Release name to render with. Defaults to the project name. */
  releaseName?: string;
  /** Workspace-relative values files passed to helm template (--values), in order. Files outside the chart folder are not in the cache key: add them to the target's inputs. */
  values?: string[];
  /** key=value pairs passed to helm template (--set), in order. */
  set?: string[];
  /** Paths, in the report's notation, left out of the comparison and listed as ignored, e.g. `metadata.labels["helm.sh/chart"]`. The keep annotation (`helm.sh/resource-policy`) is always ignored, whoever added it. */
  ignore?: string[];
  /** A full overlay (e.g. `config/default`) built with kustomize to check that the conversion webhook Service and the inject-ca-from Certificate each CRD points at exist there with the same namespace and name. */
  referenceOverlay?: string;
  /** Fail when the chart's dependencies (Chart.yaml `dependencies`) are not in its charts/ folder. By default such a chart is rendered from a temporary copy without them (their `condition` values set to false), and the report lists them in missingDependencies; the chart itself is never touched. */
  requireDependencies?: boolean;
  /** How the result is printed: `text` for people; `json` prints the report (schemas/verify-report.schema.json); `github` adds workflow annotations (`::error file=…,line=…`) at the differing line of each chart file. Unset: `github` when $GITHUB_ACTIONS is true, else `text`. The JSON report file is written in every format. */
  format?: 'text' | 'json' | 'github';
  /** The helm-crds target whose chart and CRD selection are verified: `target` of this project, or `project:target` of another. Only needed when it is not this project's one helm-crds target. */
  helmCrdsTarget?: string;
  /** Workspace-relative file for the JSON report. Defaults to `dist/nx-helm-crds/<project>/<target>.json`. */
  report?: string;
  /** The compatibility guard: each CRD the chart will ship is compared with the same CRD in the chart committed at the helm-crds previousRevision (default HEAD); a breaking change (removed property or served version, narrowed type or bound, new required field, …) fails verify. See the README's Compatibility guard section for every rule. */
  compatibility?: {
    /** Run the guard. Outside a git repository it is skipped with a note. */
    enabled?: boolean;
    /** Fail on warnings too (changed defaults, new or changed x-kubernetes-validations rules), not only on breaking findings. */
    failOnWarnings?: boolean;
    /** Findings accepted after review, printed with their reason. An entry covers its path and everything below it. */
    allow?: Array<{
      /** CRD name (metadata.name) or a glob of names. */
      crd: string;
      /** The path as the report prints it, e.g. spec.versions[name=v1].schema.openAPIV3Schema.properties.spec.properties.replicas.maximum */
      path: string;
      /** Why the change is safe; printed whenever the entry applies. */
      reason: string;
    }>;
  };
  /** Set by the nx-helm-crds plugin, not by hand: the versions of the plugin, kustomize and helm (unless `helm` is `never`) when Nx inferred this target. Nx hashes options, so they are part of the cache key. The task fails if the plugin or helm it runs is another version now (a tool replaced while the Nx daemon kept the inferred targets), rather than cache its result under a key that names other versions. */
  toolVersions?: {
    /** nx-helm-crds' version and a hash of its compiled code. */
    plugin?: string;
    /** kustomize's version (or `not found`). */
    kustomize?: string;
    /** helm's version (or `not found`). */
    helm?: string;
  };
}
