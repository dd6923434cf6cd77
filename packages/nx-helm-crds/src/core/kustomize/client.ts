import { UserError } from '../shared/errors';
import { withProgress, type ProgressReporter } from '../process/progress';
import { ProcessError, runProcess } from '../process/runner';
import { probeTool, type ToolCommand } from '../process/tool-resolution';

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
function isKubectlKustomize(kustomize: ToolCommand): boolean {
  return kustomize.args[0] === 'kustomize';
}

/** How one flag of `kustomize build` / `kubectl kustomize` may appear in `args`. */
interface FlagRule {
  /** A boolean flag takes no separate value (`--flag` or `--flag=false`); any other flag takes one. */
  readonly boolean: boolean;
  /** The executor option that must be set before args may carry this flag (with a value that loosens). */
  readonly option?: keyof KustomizeSafety;
  /** For a gated value flag: whether this value keeps Kustomize's default, so needs no option. */
  readonly harmless?: (value: string) => boolean;
  /** Never accepted in args: Kustomize's output must reach us on standard output. */
  readonly redirectsOutput?: boolean;
}

/**
 * Every flag args may carry, by long name: the `kustomize build` and `kubectl kustomize` flags of Kustomize v5
 * (kubectl's global client flags, such as --kubeconfig or --profile-output, are not among them). Flags that
 * let Kustomize run programs, read more files or use the network need their option; the rest change only the
 * rendering. Anything else is refused, so a new or misspelt flag cannot slip past the guard.
 */
const FLAG_RULES: Readonly<Record<string, FlagRule>> = {
  reorder: { boolean: false },
  'stack-trace': { boolean: true },
  'enable-managedby-label': { boolean: true },
  'helm-api-versions': { boolean: false },
  'helm-kube-version': { boolean: false },
  'helm-debug': { boolean: true },
  'enable-helm': { boolean: true, option: 'enableHelm' },
  // The program Kustomize runs as helm: a script in the workspace would run with every build.
  'helm-command': { boolean: false, option: 'enableHelm' },
  'enable-alpha-plugins': { boolean: true, option: 'enableAlphaPlugins' },
  // How plugin functions run: their environment, mounts of host files, network and user.
  env: { boolean: false, option: 'enableAlphaPlugins' },
  mount: { boolean: false, option: 'enableAlphaPlugins' },
  network: { boolean: true, option: 'enableAlphaPlugins' },
  'network-name': { boolean: false, option: 'enableAlphaPlugins' },
  'as-current-user': { boolean: true, option: 'enableAlphaPlugins' },
  'enable-exec': { boolean: true, option: 'enableExec' },
  'load-restrictor': { boolean: false, option: 'loadRestrictor', harmless: (value) => value === 'LoadRestrictionsRootOnly' },
  output: { boolean: false, redirectsOutput: true },
};

/** The rule of a flag, by long name (own keys only: `--constructor` is not a flag). */
function ruleOf(name: string): FlagRule | undefined {
  return Object.hasOwn(FLAG_RULES, name) ? FLAG_RULES[name] : undefined;
}

/** Single-letter shorthands of the flags above. */
const SHORTHANDS: Readonly<Record<string, string>> = { e: 'env', o: 'output' };

const OPTION_VALUE: Record<keyof KustomizeSafety, string> = {
  enableHelm: 'enableHelm: true',
  enableAlphaPlugins: 'enableAlphaPlugins: true',
  enableExec: 'enableExec: true',
  loadRestrictor: 'loadRestrictor: "none"',
};

const OPTION_ALLOWS: Record<keyof KustomizeSafety, (safety: KustomizeSafety) => boolean> = {
  enableHelm: (s) => !!s.enableHelm,
  enableAlphaPlugins: (s) => !!s.enableAlphaPlugins,
  enableExec: (s) => !!s.enableExec,
  loadRestrictor: (s) => s.loadRestrictor === 'none',
};

/** The values Go's strconv.ParseBool reads as false; any other value of a boolean flag is treated as switching it on. */
const FALSE_VALUES = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False']);

/** One flag as Kustomize's flag parser (cobra/pflag) reads it. */
export interface ParsedFlag {
  /** The long name, `_` read as `-` (kubectl's flag normalisation), e.g. `enable-helm`; a shorthand is expanded. */
  readonly name: string;
  readonly value: string | undefined;
  /** The argument naming the flag, as written. */
  readonly arg: string;
  /** The same with its value when that is the next argument, for messages. */
  readonly written: string;
}

/**
 * Reads `args` the way cobra/pflag does (kubectl's WordSepNormalizeFunc included): `--flag`, `--flag=value`,
 * `--flag value` (for flags that take a value), `_` as `-` in long names, shorthands `-e value`, `-evalue`,
 * `-e=value` and grouped boolean shorthands. A flag it does not know ends the list (whether it takes a value,
 * and so what the next argument is, is unknown). Anything that is not a flag (an argument after `--` included)
 * is refused: Kustomize builds one directory, the kustomization option's.
 */
export function parseKustomizeFlags(args: readonly string[]): ParsedFlag[] {
  const flags: ParsedFlag[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    const valueAt = (name: string, inline: string | undefined): [string | undefined, string] => {
      if (inline !== undefined || ruleOf(name)?.boolean !== false) return [inline, arg];
      if (index + 1 >= args.length) throw new UserError(`args ${JSON.stringify(args)}: ${arg} needs a value.`);
      index++;
      return [args[index], `${arg} ${args[index]}`];
    };
    if (arg.startsWith('--') && arg !== '--') {
      const equals = arg.indexOf('=');
      const name = (equals === -1 ? arg.slice(2) : arg.slice(2, equals)).replace(/_/g, '-');
      const [value, written] = valueAt(name, equals === -1 ? undefined : arg.slice(equals + 1));
      flags.push({ name, value, arg, written });
      if (!ruleOf(name)) return flags;
    } else if (arg.startsWith('-') && arg.length > 1 && arg !== '--') {
      // Grouped shorthands: each letter is a flag until one that takes a value, which takes the rest.
      for (let position = 1; position < arg.length; position++) {
        const name = SHORTHANDS[arg[position]] ?? `-${arg[position]}`;
        const rest = arg.slice(position + 1);
        if (ruleOf(name)?.boolean === false && rest !== '') {
          flags.push({ name, value: rest.startsWith('=') ? rest.slice(1) : rest, arg, written: arg });
          break;
        }
        const [value, written] = rest === '' ? valueAt(name, undefined) : [undefined, arg];
        flags.push({ name, value, arg, written });
        if (!ruleOf(name)) return flags;
      }
    } else {
      throw new UserError(
        `args ${JSON.stringify(args)} hold ${JSON.stringify(arg)}, which is not a flag: Kustomize builds one directory, the one the ` +
          'kustomization option names. Remove it from args (a flag\'s value goes right after the flag, or as --flag=value).',
      );
    }
  }
  return flags;
}

const ACCEPTED_FLAGS = Object.entries(FLAG_RULES)
  .filter(([, rule]) => !rule.redirectsOutput)
  .map(([name, rule]) => `--${name}${rule.option ? ` (with ${rule.option})` : ''}`)
  .join(', ');

/**
 * Refuses extra arguments that would switch off a safety default behind the back of its option, that would
 * send the output anywhere but to us, or that are not a known harmless flag. Flags are read as Kustomize's
 * flag parser reads them (parseKustomizeFlags), so no other spelling of a guarded flag gets past.
 */
export function checkExtraArgs(extraArgs: readonly string[], safety: KustomizeSafety): void {
  for (const flag of parseKustomizeFlags(extraArgs)) {
    const rule = ruleOf(flag.name);
    if (!rule) {
      throw new UserError(
        `args ${JSON.stringify(extraArgs)} contain ${flag.written}, which nx-helm-crds does not pass to Kustomize. ` +
          `Accepted in args: ${ACCEPTED_FLAGS}. Remove it from args.`,
      );
    }
    if (rule.redirectsOutput) {
      throw new UserError(
        `args ${JSON.stringify(extraArgs)} redirect Kustomize's output (${flag.arg}), which nx-helm-crds reads from standard output. ` +
          'Remove it and set the outputFile option instead.',
      );
    }
    if (!rule.option || OPTION_ALLOWS[rule.option](safety)) continue;
    const loosens = rule.boolean ? flag.value === undefined || !FALSE_VALUES.has(flag.value) : !rule.harmless?.(flag.value ?? '');
    if (loosens) {
      throw new UserError(
        `args ${JSON.stringify(extraArgs)} contain ${flag.written}, which switches off a Kustomize safety default. ` +
          `Remove it from args and set the kustomize-build option \`${OPTION_VALUE[rule.option]}\` ` +
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

/** Runs `kustomize build` (or `kubectl kustomize`) and returns the rendered YAML stream. */
export async function kustomizeBuild(request: KustomizeBuildRequest): Promise<string> {
  const args = kustomizeBuildArgs(request);
  const run = runProcess({ tool: 'kustomize', file: request.kustomize.file, args, timeout: request.timeout });
  try {
    return (await withProgress(`kustomize build ${request.displayDirectory}`, run, request.progress)).stdout;
  } catch (error) {
    if (!(error instanceof ProcessError) || (error.reason !== 'timeout' && error.reason !== 'exit' && error.reason !== 'signal')) throw error;
    const { stderr } = error.details;
    if (error.reason === 'timeout') {
      throw new UserError(
        `kustomize build of ${request.displayDirectory} did not finish within ${request.timeout} ms and was killed (${error.commandLine}).\n` +
          (stderr ? `Its output so far:\n${trimLines(stderr, 40)}\n` : '') +
          'Raise the timeout option if the kustomization is really that slow, or look for a remote resource or plugin that hangs.',
      );
    }
    const reason = error.reason === 'exit' ? `exited with code ${error.details.exitCode}` : `was killed by ${error.details.signal}`;
    throw new UserError(
      `kustomize build of ${request.displayDirectory} failed: ${error.commandLine} ${reason}.\n` +
        (stderr ? `${trimLines(stderr, 40)}\n` : '') +
        `Fix the kustomization in ${request.displayDirectory} (run the command above to reproduce).`,
    );
  }
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
