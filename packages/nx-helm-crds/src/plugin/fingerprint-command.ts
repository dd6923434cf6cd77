import { existsSync, realpathSync } from 'node:fs';
import { join, sep } from 'node:path';
import { FINGERPRINT_BIN, FINGERPRINT_MEMO, PLUGIN_NAME } from '../constants';
import { UserError } from '../core/shared/errors';
import { relativeInside } from '../core/paths/workspace-paths';

/** The fingerprint script's memo in Nx's workspace data directory. */
export function fingerprintMemoFile(dataDirectory: string): string {
  return join(dataDirectory, FINGERPRINT_MEMO);
}

/**
 * Where package managers put the plugin, relative to the workspace root: node_modules (npm, pnpm, yarn,
 * workspaces), then the Nx wrapper's own installation (`nx init` in a repository without package.json).
 */
const INSTALL_LOCATIONS = [`node_modules/${PLUGIN_NAME}`, `.nx/installation/node_modules/${PLUGIN_NAME}`];

function realpathOrUndefined(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/**
 * The command the `runtime` input runs, from the workspace root as Nx runs it, for the plugin installed at
 * `packageRoot`. Nx puts the command's output into the cache key, so it must reach the plugin by a path
 * relative to the workspace: an absolute path would differ between clones, and a path that does not exist
 * would put node's error (with the clone's path) into the key instead of the tool versions. So the command
 * is refused here, with what to do, rather than left to fail silently on every run.
 */
export function fingerprintCommandFor(workspaceRoot: string, packageRoot: string): string {
  const plugin = realpathOrUndefined(packageRoot);
  const root = realpathOrUndefined(workspaceRoot) ?? workspaceRoot;
  const installed = INSTALL_LOCATIONS.find((location) => plugin !== undefined && realpathOrUndefined(join(root, location)) === plugin);
  const inside = plugin === undefined ? undefined : relativeInside(root, plugin);
  const location = installed ?? (inside === '' ? '.' : inside?.split(sep).join('/'));
  if (location === undefined || !existsSync(join(root, location, FINGERPRINT_BIN))) {
    throw new UserError(
      `${PLUGIN_NAME} is loaded from ${packageRoot}, which the workspace ${workspaceRoot} cannot reach by a relative path ` +
        `(${INSTALL_LOCATIONS.join(' or ')}), or its ${FINGERPRINT_BIN} is missing. Its cache keys need that file: install the plugin ` +
        `in the workspace (\`npm add -D ${PLUGIN_NAME}\`, or \`nx add ${PLUGIN_NAME}\` with the Nx wrapper) and run nx from the workspace root.`,
    );
  }
  return `node ${location}/${FINGERPRINT_BIN} fingerprint`;
}

const commands = new Map<string, string>();

/** fingerprintCommandFor this package in the workspace, once per process (the plugin worker's). */
export function fingerprintCommand(workspaceRoot: string): string {
  let command = commands.get(workspaceRoot);
  if (command === undefined) commands.set(workspaceRoot, (command = fingerprintCommandFor(workspaceRoot, join(__dirname, '..', '..'))));
  return command;
}
