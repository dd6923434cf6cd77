import { accessSync, constants, statSync } from 'node:fs';
import { basename, delimiter, isAbsolute, join, resolve } from 'node:path';
import { UserError } from './errors';

/** A resolved command line prefix for a tool, e.g. `kubectl kustomize`. */
export interface ToolCommand {
  readonly file: string;
  readonly args: readonly string[];
  /** Where the choice came from, for messages: `option kustomize`, `NX_HELM_CRDS_KUSTOMIZE`, `PATH`. */
  readonly origin: string;
}

export const KUSTOMIZE_ENV = 'NX_HELM_CRDS_KUSTOMIZE';

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The first executable called `name` on `path` (a PATH-style list), like `which`. */
export function findOnPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const directory of path.split(delimiter)) {
    if (directory === '') continue;
    const candidate = join(directory, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** kubectl bundles kustomize as `kubectl kustomize <dir>`; a kustomize binary wants `kustomize build <dir>`. */
function kustomizeCommand(file: string, origin: string): ToolCommand {
  return basename(file).startsWith('kubectl') ? { file, args: ['kustomize'], origin } : { file, args: ['build'], origin };
}

export interface KustomizeResolution {
  /** The `kustomize` option: a path (relative to the workspace) or a command name on PATH. */
  readonly explicit?: string;
  readonly workspaceRoot: string;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Finds kustomize: the explicit option, then $NX_HELM_CRDS_KUSTOMIZE, then `kustomize` on PATH, then
 * `kubectl` on PATH (whose `kubectl kustomize` embeds kustomize).
 */
export function resolveKustomize({ explicit, workspaceRoot, env = process.env }: KustomizeResolution): ToolCommand {
  // `env` is the whole environment: without PATH nothing is on PATH (findOnPath would fall back to ours).
  const searchPath = env.PATH ?? '';
  const configured: [string | undefined, string][] = [
    [explicit, 'the kustomize option'],
    [env[KUSTOMIZE_ENV], `$${KUSTOMIZE_ENV}`],
  ];
  for (const [value, origin] of configured) {
    if (!value) continue;
    const file = value.includes('/') || isAbsolute(value) ? resolve(workspaceRoot, value) : findOnPath(value, searchPath);
    if (!file || !isExecutable(file)) {
      throw new UserError(
        `kustomize was configured as "${value}" by ${origin}, but that is not an executable file. ` +
          'Point it at a kustomize or kubectl binary (a path relative to the workspace root, or a command on PATH).',
      );
    }
    return kustomizeCommand(file, origin);
  }
  for (const name of ['kustomize', 'kubectl']) {
    const file = findOnPath(name, searchPath);
    if (file) return kustomizeCommand(file, 'PATH');
  }
  throw new UserError(
    'Cannot find kustomize: neither `kustomize` nor `kubectl` is on PATH. Install one ' +
      '(https://kubectl.docs.kubernetes.io/installation/kustomize/), or set the kustomize option or ' +
      `$${KUSTOMIZE_ENV} to the path of a kustomize or kubectl binary.`,
  );
}
