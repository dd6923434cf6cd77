import { UserError } from './errors';
import { probeTool, type ToolCommand } from './tool-resolution';

export interface KustomizeBuildRequest {
  readonly kustomize: ToolCommand;
  /** Absolute kustomization directory. */
  readonly directory: string;
  /** Workspace-relative kustomization directory, for messages. */
  readonly displayDirectory: string;
  readonly extraArgs?: readonly string[];
  /** Milliseconds before the process is killed; 0 waits forever. */
  readonly timeout?: number;
}

/** The argument list for one build: never a shell string, so no user text is ever interpreted. */
export function kustomizeBuildArgs(request: KustomizeBuildRequest): string[] {
  return [...request.kustomize.args, request.directory, ...(request.extraArgs ?? [])];
}

function commandLine(kustomize: ToolCommand, args: readonly string[]): string {
  return [kustomize.file, ...args].join(' ');
}

/** Runs `kustomize build` (or `kubectl kustomize`) and returns the rendered YAML stream. */
export async function kustomizeBuild(request: KustomizeBuildRequest): Promise<string> {
  const { execa } = await import('execa');
  const args = kustomizeBuildArgs(request);
  const result = await execa(request.kustomize.file, args, {
    reject: false,
    timeout: request.timeout || undefined,
    maxBuffer: 512 * 1024 * 1024,
    stripFinalNewline: false,
  });
  if (result.timedOut) {
    throw new UserError(
      `kustomize build of ${request.displayDirectory} did not finish within ${request.timeout} ms and was killed ` +
        `(${commandLine(request.kustomize, args)}). Raise the timeout option if the kustomization is really that slow, ` +
        'or look for a remote resource that hangs.',
    );
  }
  if (result.failed) {
    const stderr = String(result.stderr ?? '').trim();
    const reason = result.exitCode !== undefined ? `exited with code ${result.exitCode}` : result.shortMessage;
    throw new UserError(
      `kustomize build of ${request.displayDirectory} failed: ${commandLine(request.kustomize, args)} ${reason}.\n` +
        (stderr ? `${trimLines(stderr, 40)}\n` : '') +
        `Fix the kustomization in ${request.displayDirectory} (run the command above to reproduce).`,
    );
  }
  return String(result.stdout);
}

/** The kustomize version string, e.g. `v5.6.0`, for cache keys. */
export function kustomizeVersion(kustomize: ToolCommand): string {
  const isKubectl = kustomize.args[0] === 'kustomize';
  const { ok, output } = probeTool(kustomize, isKubectl ? ['version', '--client'] : ['version']);
  const match = isKubectl ? /Kustomize Version:\s*(\S+)/.exec(output) : /(v?\d+\.\d+\.\d+\S*)/.exec(output);
  if (!ok || !match) throw new UserError(`Cannot read the kustomize version from ${kustomize.file} (${kustomize.origin}): ${output}`);
  return match[1];
}

function trimLines(text: string, maxLines: number): string {
  const lines = text.split('\n');
  return lines.length <= maxLines ? text : [...lines.slice(0, maxLines), `… (${lines.length - maxLines} more lines)`].join('\n');
}
