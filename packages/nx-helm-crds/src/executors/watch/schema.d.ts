// Generated from schema.json by tools/schema-types.mjs (`npm run build`); edit schema.json, not this file.

/** Local development: runs the project's CRD pipeline, then re-runs it whenever a file its kustomization reads changes (debounced). Keeps watching through errors; never re-triggers on the chart files it writes. Works without the Nx daemon. */
export interface WatchExecutorSchema {
  /** The target of this project to re-run (normally the crds pipeline). */
  target?: string;
  /** Milliseconds of quiet after a change before the pipeline runs, so an editor's save burst triggers one run. */
  debounce?: number;
  /** The kustomize-build target whose kustomization is watched: `target` of this project, or `project:target`. Only needed when it is not this project's one kustomize-build target. */
  buildTarget?: string;
}
