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
 * The script `runtime` inputs run with node, relative to the installed package: through node and a file
 * path it works in every install mode (npm, pnpm, yarn, the Nx wrapper) without an executable bit or a
 * shell PATH. plugin/fingerprint-command.ts finds the package from the workspace root.
 */
export const FINGERPRINT_BIN = 'dist/bin/nx-helm-crds.js';

/**
 * The fingerprint script's memo (tool versions and the plugin code hash by file identity), in Nx's workspace
 * data directory, which `nx reset` clears.
 */
export const FINGERPRINT_MEMO = 'nx-helm-crds-fingerprint-memo.json';
