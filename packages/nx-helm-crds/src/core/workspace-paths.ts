import { existsSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { UserError } from './errors';

/** Resolves a workspace-relative path from an option, refusing anything that leaves the workspace. */
export function resolveInWorkspace(workspaceRoot: string, path: string, option: string): string {
  const absolute = resolve(workspaceRoot, path);
  const fromRoot = relative(workspaceRoot, absolute);
  if (isAbsolute(path) || fromRoot === '..' || fromRoot.startsWith(`..${sep}`) || isAbsolute(fromRoot)) {
    throw new UserError(`${option} "${path}" is outside the workspace (${workspaceRoot}): give a path relative to the workspace root.`);
  }
  return absolute;
}

export function requireDirectory(path: string, description: string, fix: string): void {
  if (!existsSync(path) || !statSync(path).isDirectory()) {
    throw new UserError(`${description} ${path} does not exist or is not a directory. ${fix}`);
  }
}

/** A path for messages: workspace-relative when inside the workspace, absolute otherwise. */
export function displayPath(workspaceRoot: string, absolute: string): string {
  const fromRoot = relative(workspaceRoot, absolute);
  return fromRoot.startsWith('..') || isAbsolute(fromRoot) ? absolute : fromRoot;
}
