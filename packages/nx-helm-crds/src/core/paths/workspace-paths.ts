import { existsSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, posix, relative, resolve, sep } from 'node:path';
import { UserError } from '../shared/errors';

/** A workspace-relative path as options are compared: `/`-separated, normalised, no `./` or trailing slash. */
export function normalizeWorkspacePath(path: string): string {
  return posix.normalize(path.replace(/\\/g, '/')).replace(/\/+$/, '') || '.';
}

/**
 * The one "is it inside?" check: `path` (absolute) relative to `root`, with the platform's separator, `''` for
 * `root` itself; undefined when it is not inside (`..`, `../x`, another drive). A name that merely starts with
 * two dots (`..hidden`) is inside. Callers compare real paths with real roots when links matter.
 */
export function relativeInside(root: string, path: string): string | undefined {
  const fromRoot = relative(root, path);
  return fromRoot === '..' || fromRoot.startsWith(`..${sep}`) || isAbsolute(fromRoot) ? undefined : fromRoot;
}

/** Resolves a workspace-relative path from an option, refusing anything that leaves the workspace. */
export function resolveInWorkspace(workspaceRoot: string, path: string, option: string): string {
  const absolute = resolve(workspaceRoot, path);
  if (isAbsolute(path) || relativeInside(workspaceRoot, absolute) === undefined) {
    throw new UserError(`${option} "${path}" is outside the workspace (${workspaceRoot}): give a path relative to the workspace root.`);
  }
  return absolute;
}

/**
 * Refuses an existing path inside the workspace that symbolic links lead outside it (a chart folder linked
 * from elsewhere): Nx could not hash it, and writes would land outside the repository.
 */
export function requireRealPathInWorkspace(workspaceRoot: string, absolute: string, option: string, path: string): void {
  if (!existsSync(absolute)) return;
  const real = realpathSync(absolute);
  if (relativeInside(realpathSync(workspaceRoot), real) === undefined) {
    throw new UserError(
      `${option} "${path}" leads outside the workspace through a symbolic link (it is really ${real}). ` +
        'nx-helm-crds writes only inside the workspace: point the option at the real folder inside it, or replace the link with the folder.',
    );
  }
}

/** `display` names the path in the message (workspace-relative, as the user wrote it); defaults to `path`. */
export function requireDirectory(path: string, description: string, fix: string, display = path): void {
  if (!existsSync(path) || !statSync(path).isDirectory()) {
    throw new UserError(`${description} ${display} does not exist or is not a directory. ${fix}${display === path ? '' : ` (Looked for ${path}.)`}`);
  }
}

/** A path for messages: workspace-relative when inside the workspace, absolute otherwise. */
export function displayPath(workspaceRoot: string, absolute: string): string {
  return relativeInside(workspaceRoot, absolute) ?? absolute;
}
