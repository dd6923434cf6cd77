import { UserError } from './errors';
import { withProgress, type ProgressReporter } from './progress';
import { probeTool, type ToolCommand } from './tool-resolution';

/**
 * What Kustomize may do beyond reading local files. Everything is off by default, as in Kustomize itself:
 * each switch lets a kustomization run code or read files that are not part of Nx's cache key.
 */
export interface KustomizeSafety {
  /** `--enable-helm`: inflate helmCharts by running helm (which may pull charts from the network). */
  readonly enableHelm?: boolean;
  /** `--enable-alpha-plugins`: run generator/transformer plugins, including KRM function containers. */
  readonly enableAlphaPlugins?: boolean;
  /** `--enable-exec` (standalone kustomize only): let plugins run local executables. */
  readonly enableExec?: boolean;
  /** `none`: `--load-restrictor LoadRestrictionsNone`, files outside the kustomization's folder may be read. */
  readonly loadRestrictor?: 'rootOnly' | 'none';
}

export interface KustomizeBuildRequest extends KustomizeSafety {
  readonly kustomize: ToolCommand;
  /** Absolute kustomization directory. */
  readonly directory: string;
  /** Workspace-relative kustomization directory, for messages. */
  readonly displayDirectory: string;
  readonly extraArgs?: readonly string[];
  /** Milliseconds before the process is killed; 0 waits forever. */
  readonly timeout?: number;
  readonly progress?: ProgressReporter;
}

/** `kubectl kustomize` embeds Kustomize but lacks some of the standalone binary's flags (`--enable-exec`). */
export function isKubectlKustomize(kustomize: ToolCommand): boolean {
  return kustomize.args[0] === 'kustomize';
}

interface GuardedFlag {
  readonly flag: string;
  /** The executor option that allows it. */
  readonly option: keyof KustomizeSafety;
  /** Whether the flag, with this value, loosens what Kustomize may do. */
  readonly loosens: (value: string | undefined) => boolean;
  readonly allowed: (safety: KustomizeSafety) => boolean;
  readonly takesValue: boolean;
}

const enabling = (value: string | undefined) => value === undefined || value.toLowerCase() !== 'false';

/** Flags that switch off a Kustomize safety default: only their executor option may set them. */
const GUARDED_FLAGS: readonly GuardedFlag[] = [
  { flag: '--enable-helm', option: 'enableHelm', loosens: enabling, allowed: (s) => !!s.enableHelm, takesValue: false },
  { flag: '--enable-alpha-plugins', option: 'enableAlphaPlugins', loosens: enabling, allowed: (s) => !!s.enableAlphaPlugins, takesValue: false },
  { flag: '--enable-exec', option: 'enableExec', loosens: enabling, allowed: (s) => !!s.enableExec, takesValue: false },
  // Starlark functions are plugins too: they run only with --enable-alpha-plugins.
  { flag: '--enable-star', option: 'enableAlphaPlugins', loosens: enabling, allowed: (s) => !!s.enableAlphaPlugins, takesValue: false },
  {
    flag: '--load-restrictor',
    option: 'loadRestrictor',
    loosens: (value) => value !== 'LoadRestrictionsRootOnly',
    allowed: (s) => s.loadRestrictor === 'none',
    takesValue: true,
  },
];

const OPTION_VALUE: Record<keyof KustomizeSafety, string> = {
  enableHelm: 'enableHelm: true',
  enableAlphaPlugins: 'enableAlphaPlugins: true',
  enableExec: 'enableExec: true',
  loadRestrictor: 'loadRestrictor: "none"',
};

/**
 * Refuses extra arguments that would switch off a safety default behind the back of its option, or that would
 * send the output anywhere but to us. Flags are matched as Kustomize's flag parser reads them: `--flag`,
 * `--flag=value`, or `--flag value` for flags that take a value.
 */
export function checkExtraArgs(extraArgs: readonly string[], safety: KustomizeSafety): void {
  for (let index = 0; index < extraArgs.length; index++) {
    const arg = extraArgs[index];
    if (arg === '--') break;
    const [name, inlineValue] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (name === '-o' || name === '--output' || /^-o./.test(arg)) {
      throw new UserError(
        `args ${JSON.stringify(extraArgs)} redirect Kustomize's output (${arg}), which nx-helm-crds reads from standard output. ` +
          'Remove it and set the outputFile option instead.',
      );
    }
    const guarded = GUARDED_FLAGS.find((candidate) => candidate.flag === name);
    if (!guarded) continue;
    const value = inlineValue ?? (guarded.takesValue ? extraArgs[index + 1] : undefined);
    if (guarded.takesValue && inlineValue === undefined) index++;
    if (guarded.loosens(value) && !guarded.allowed(safety)) {
      throw new UserError(
        `args ${JSON.stringify(extraArgs)} contain ${arg}${guarded.takesValue && inlineValue === undefined && value !== undefined ? ` ${value}` : ''}, ` +
          `which switches off a Kustomize safety default. Remove it from args and set the kustomize-build option \`${OPTION_VALUE[guarded.option]}\` ` +
          '(nx.json charts entry or project.json target options), after reading the risk its description names.',
      );
    }
  }
}

/** The flags the safety options map to, for `kustomize build` or `kubectl kustomize`. */
export function safetyFlags(safety: KustomizeSafety, kustomize: ToolCommand): string[] {
  const flags: string[] = [];
  if (safety.enableHelm) flags.push('--enable-helm');
  if (safety.enableExec && !safety.enableAlphaPlugins) {
    throw new UserError('enableExec needs enableAlphaPlugins: true as well: Kustomize runs exec functions only as alpha plugins.');
  }
  if (safety.enableAlphaPlugins) flags.push('--enable-alpha-plugins');
  if (safety.enableExec) {
    if (isKubectlKustomize(kustomize)) {
      throw new UserError(
        `enableExec needs a standalone kustomize binary: \`kubectl kustomize\` (${kustomize.file}, from ${kustomize.origin}) has no --enable-exec flag. ` +
          'Set the kustomize option (or $NX_HELM_CRDS_KUSTOMIZE) to a kustomize binary, or drop enableExec.',
      );
    }
    flags.push('--enable-exec');
  }
  if (safety.loadRestrictor === 'none') flags.push('--load-restrictor', 'LoadRestrictionsNone');
  return flags;
}

/**
 * The argument list for one build: never a shell string, so no user text is ever interpreted. Safety flags
 * come only from the options; extra arguments that would loosen them are refused.
 */
export function kustomizeBuildArgs(request: KustomizeBuildRequest): string[] {
  const extraArgs = request.extraArgs ?? [];
  checkExtraArgs(extraArgs, request);
  return [...request.kustomize.args, request.directory, ...safetyFlags(request, request.kustomize), ...extraArgs];
}

function commandLine(kustomize: ToolCommand, args: readonly string[]): string {
  return [kustomize.file, ...args].join(' ');
}

/** Runs `kustomize build` (or `kubectl kustomize`) and returns the rendered YAML stream. */
export async function kustomizeBuild(request: KustomizeBuildRequest): Promise<string> {
  const args = kustomizeBuildArgs(request);
  const { execa } = await import('execa');
  const subprocess = execa(request.kustomize.file, args, {
    reject: false,
    timeout: request.timeout || undefined,
    maxBuffer: 512 * 1024 * 1024,
    stripFinalNewline: false,
  });
  // A killed kustomize may leave children (git, helm, a plugin) holding its output pipes open; once it has
  // exited on the timeout, stop reading instead of waiting for them.
  subprocess.once('exit', () => {
    if (subprocess.killed) {
      subprocess.stdout?.destroy();
      subprocess.stderr?.destroy();
    }
  });
  const result = await withProgress(`kustomize build ${request.displayDirectory}`, subprocess, request.progress);
  const stderr = String(result.stderr ?? '').trim();
  if (result.timedOut) {
    throw new UserError(
      `kustomize build of ${request.displayDirectory} did not finish within ${request.timeout} ms and was killed ` +
        `(${commandLine(request.kustomize, args)}).\n` +
        (stderr ? `Its output so far:\n${trimLines(stderr, 40)}\n` : '') +
        'Raise the timeout option if the kustomization is really that slow, or look for a remote resource or plugin that hangs.',
    );
  }
  if (result.failed) {
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
  const isKubectl = isKubectlKustomize(kustomize);
  const { ok, output } = probeTool(kustomize, isKubectl ? ['version', '--client'] : ['version']);
  const match = isKubectl ? /Kustomize Version:\s*(\S+)/.exec(output) : /(v?\d+\.\d+\.\d+\S*)/.exec(output);
  if (!ok || !match) throw new UserError(`Cannot read the kustomize version from ${kustomize.file} (${kustomize.origin}): ${output}`);
  return match[1];
}

/** At most `maxLines` lines of `text`, then how many were left out. */
export function trimLines(text: string, maxLines: number): string {
  const lines = text.split('\n');
  return lines.length <= maxLines ? text : [...lines.slice(0, maxLines), `… (${lines.length - maxLines} more lines)`].join('\n');
}
