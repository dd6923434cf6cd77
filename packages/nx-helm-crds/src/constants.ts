/** Names and paths shared by the executors, the inferred targets and the generators. */

export const PLUGIN_NAME = 'nx-helm-crds';

export const EXECUTORS = {
  kustomizeBuild: `${PLUGIN_NAME}:kustomize-build`,
  helmCrds: `${PLUGIN_NAME}:helm-crds`,
  verify: `${PLUGIN_NAME}:verify`,
  watch: `${PLUGIN_NAME}:watch`,
} as const;

/** Where every target keeps its files, per project: `dist/nx-helm-crds/<project>/…`. */
export const OUTPUT_ROOT = 'dist/nx-helm-crds';

export function defaultOutputPath(projectName: string, file: string): string {
  return `${OUTPUT_ROOT}/${projectName}/${file}`;
}

/**
 * The command `runtime` inputs call (from the workspace root, as Nx runs them). It goes through node and
 * the package's own path, which works in any workspace that installed the plugin (npm, pnpm, yarn,
 * workspaces) without relying on an executable bit or a shell PATH.
 */
export const FINGERPRINT_COMMAND = `node node_modules/${PLUGIN_NAME}/dist/bin/nx-helm-crds.js fingerprint`;
