/** Names and paths shared by the executors, the inferred targets and the generators. */
import { join } from 'node:path';

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

/** The installed package (dist/constants.js is one level below it): its package.json and compiled code. */
export const PACKAGE_ROOT = join(__dirname, '..');

/**
 * The memo of tool versions and code hashes by file identity (IdentityMemo), in Nx's workspace data directory,
 * which `nx reset` clears.
 */
export const IDENTITY_MEMO = 'nx-helm-crds-identity-memo.json';
