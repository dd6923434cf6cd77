import { accessSync, constants, statSync } from 'node:fs';
import { basename, delimiter, isAbsolute, join, resolve } from 'node:path';
import { UserError } from '../shared/errors';
import { ProcessError, runProcessSync } from './runner';

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

export interface ToolResolution {
  /** The tool option: a path (relative to the workspace) or a command name on PATH. */
  readonly explicit?: string;
  readonly workspaceRoot: string;
  readonly env?: NodeJS.ProcessEnv;
}

interface ToolSpec {
  /** For messages: `kustomize`, `helm`. */
  readonly tool: string;
  readonly envVariable: string;
  /** Commands tried on PATH, in order, when neither the option nor the variable is set. */
  readonly onPath: readonly string[];
  readonly command: (file: string, origin: string) => ToolCommand;
  readonly notFound: string;
  /** Where to get the tool, for messages. */
  readonly install: string;
}

/** One lookup for every tool: the explicit option, then the environment variable, then PATH. */
function resolveTool(spec: ToolSpec, { explicit, workspaceRoot, env = process.env }: ToolResolution): ToolCommand {
  // `env` is the whole environment: without PATH nothing is on PATH (findOnPath would fall back to ours).
  const searchPath = env.PATH ?? '';
  const configured: [string | undefined, string][] = [
    [explicit, `the ${spec.tool} option`],
    [env[spec.envVariable], `$${spec.envVariable}`],
  ];
  for (const [value, origin] of configured) {
    if (!value) continue;
    const file = value.includes('/') || isAbsolute(value) ? resolve(workspaceRoot, value) : findOnPath(value, searchPath);
    if (!file || !isExecutable(file)) {
      throw new UserError(
        `${spec.tool} was configured as "${value}" by ${origin}, but that is not an executable file` +
          `${file && file !== value ? ` (looked at ${file})` : value.includes('/') || isAbsolute(value) ? '' : ' (not found on PATH)'}. ` +
          `Point it at a ${spec.onPath.join(' or ')} binary (a path relative to the workspace root, or a command on PATH), ` +
          `or install one (${spec.install}).`,
      );
    }
    return spec.command(file, origin);
  }
  for (const name of spec.onPath) {
    const file = findOnPath(name, searchPath);
    if (file) return spec.command(file, 'PATH');
  }
  throw new UserError(spec.notFound);
}

/** The binaries each tool is looked up as on PATH, in order; also the names its binaries go by. */
export const KUSTOMIZE_BINARIES = ['kustomize', 'kubectl'] as const;
export const HELM_BINARIES = ['helm'] as const;

const KUSTOMIZE: ToolSpec = {
  tool: 'kustomize',
  envVariable: KUSTOMIZE_ENV,
  onPath: KUSTOMIZE_BINARIES,
  command: kustomizeCommand,
  install: 'https://kubectl.docs.kubernetes.io/installation/kustomize/',
  notFound:
    'Cannot find kustomize: neither `kustomize` nor `kubectl` is on PATH. Install one ' +
    '(https://kubectl.docs.kubernetes.io/installation/kustomize/), or set the kustomize option or ' +
    `$${KUSTOMIZE_ENV} to the path of a kustomize or kubectl binary.`,
};

const HELM_ENV = 'NX_HELM_CRDS_HELM';

const HELM: ToolSpec = {
  tool: 'helm',
  envVariable: HELM_ENV,
  onPath: HELM_BINARIES,
  command: (file, origin) => ({ file, args: [], origin }),
  install: 'https://helm.sh/docs/intro/install/',
  notFound:
    'Cannot find helm on PATH. Install it (https://helm.sh/docs/intro/install/), or set the helmBinary option or ' +
    `$${HELM_ENV} to the path of a helm binary, or set helm: "never" to verify the chart files without rendering.`,
};

/**
 * Finds kustomize: the explicit option, then $NX_HELM_CRDS_KUSTOMIZE, then `kustomize` on PATH, then
 * `kubectl` on PATH (whose `kubectl kustomize` embeds kustomize).
 */
export function resolveKustomize(resolution: ToolResolution): ToolCommand {
  return resolveTool(KUSTOMIZE, resolution);
}

/** Finds helm: the explicit option, then $NX_HELM_CRDS_HELM, then `helm` on PATH. */
export function resolveHelm(resolution: ToolResolution): ToolCommand {
  return resolveTool(HELM, resolution);
}

/**
 * A tool's version line, through the runner's synchronous form (see runProcessSync for why). Returns stdout
 * and stderr together, and whether the probe succeeded.
 */
export function probeTool(tool: ToolCommand, args: readonly string[]): { ok: boolean; output: string } {
  try {
    const result = runProcessSync({ tool: basename(tool.file), file: tool.file, args, timeout: 30_000, maxOutput: 1024 * 1024 });
    return { ok: true, output: `${result.stdout}\n${result.stderr}`.trim() };
  } catch (error) {
    if (!(error instanceof ProcessError)) throw error;
    return { ok: false, output: error.details.spawnMessage ?? error.message };
  }
}
