import { spawnSync } from 'node:child_process';
import { UserError } from '../shared/errors';

/**
 * The one way nx-helm-crds runs another program (kustomize, helm, git, nx): never through a shell, with a
 * timeout that kills (SIGTERM, then SIGKILL after a grace period), a cap on what is kept of its output, and
 * failures that name the tool, the command line, the exit code or signal and the end of its standard error.
 */
export interface ProcessRequest {
  /** The tool's name in messages: `kustomize`, `helm`, `git`. */
  readonly tool: string;
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  /** Added to this process's environment. */
  readonly env?: NodeJS.ProcessEnv;
  /** Written to the process's standard input. */
  readonly input?: string;
  /** Milliseconds before the process is killed; 0 or absent waits forever. */
  readonly timeout?: number;
  /** Milliseconds between SIGTERM and SIGKILL, for a process that ignores SIGTERM. */
  readonly killGrace?: number;
  /** Bytes (characters for text output) kept of standard output and of standard error; the process is killed beyond. */
  readonly maxOutput?: number;
  /** Exit codes that are answers rather than failures (`git rev-parse --verify` says "no" with 1); `any` accepts every code. */
  readonly exitCodes?: readonly number[] | 'any';
  /** `inherit`: the process writes to our terminal (nothing is captured). */
  readonly stdio?: 'pipe' | 'inherit';
}

export interface ProcessResult<Output = string> {
  readonly stdout: Output;
  readonly stderr: string;
  readonly exitCode: number;
}

const DEFAULT_MAX_OUTPUT = 512 * 1024 * 1024;
const DEFAULT_KILL_GRACE = 5_000;
const STDERR_TAIL_LINES = 40;

export type ProcessFailureReason = 'spawn' | 'timeout' | 'output-cap' | 'signal' | 'exit';

/** A process that could not start, was killed, flooded its output or exited with a code that is not an answer. */
export class ProcessError extends UserError {
  constructor(
    message: string,
    readonly reason: ProcessFailureReason,
    readonly request: ProcessRequest,
    readonly details: {
      readonly exitCode?: number;
      readonly signal?: string;
      /** Trimmed standard error (what was read of it when the process was killed). */
      readonly stderr: string;
      /** The system's own message when the process could not start, e.g. `spawnSync git ENOENT`. */
      readonly spawnMessage?: string;
    },
  ) {
    super(message);
  }

  get commandLine(): string {
    return commandLine(this.request);
  }
}

export function commandLine(request: Pick<ProcessRequest, 'file' | 'args'>): string {
  return [request.file, ...request.args].join(' ');
}

/** The last `maxLines` lines of `text`, after a line saying how many came before. */
export function tailLines(text: string, maxLines: number): string {
  const lines = text.split('\n');
  return lines.length <= maxLines ? text : [`… (${lines.length - maxLines} lines before)`, ...lines.slice(-maxLines)].join('\n');
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MiB` : `${bytes} bytes`;
}

interface Outcome {
  readonly spawnMessage?: string;
  readonly timedOut: boolean;
  readonly overCap: boolean;
  readonly exitCode?: number;
  readonly signal?: string;
  readonly stderr: string;
}

/** The error for an outcome that is not a success, or undefined when the exit code is an accepted answer. */
function failure(request: ProcessRequest, outcome: Outcome): ProcessError | undefined {
  const command = commandLine(request);
  const stderr = outcome.stderr.trim();
  const details = { exitCode: outcome.exitCode, signal: outcome.signal, stderr, spawnMessage: outcome.spawnMessage };
  const withStderr = (text: string) => (stderr ? `${text}\n${tailLines(stderr, STDERR_TAIL_LINES)}` : text);
  if (outcome.spawnMessage !== undefined) {
    return new ProcessError(`${request.tool} could not be started (${command}): ${outcome.spawnMessage}.`, 'spawn', request, details);
  }
  if (outcome.timedOut) {
    return new ProcessError(withStderr(`${request.tool} did not finish within ${request.timeout} ms and was killed (${command}).`), 'timeout', request, details);
  }
  if (outcome.overCap) {
    const cap = formatBytes(request.maxOutput ?? DEFAULT_MAX_OUTPUT);
    return new ProcessError(
      `${request.tool} wrote more than ${cap} of output and was stopped (${command}): nx-helm-crds keeps at most ${cap} of a tool's output ` +
        'so that a runaway tool cannot exhaust memory. Look for what makes it print so much (a loop in the input, a debug flag).',
      'output-cap',
      request,
      details,
    );
  }
  if (outcome.exitCode === undefined) {
    return new ProcessError(withStderr(`${request.tool} was killed by ${outcome.signal ?? 'a signal'} (${command}).`), 'signal', request, details);
  }
  const accepted = request.exitCodes ?? [0];
  if (accepted === 'any' || accepted.includes(outcome.exitCode)) return undefined;
  return new ProcessError(withStderr(`${request.tool} failed: ${command} exited with code ${outcome.exitCode}.`), 'exit', request, details);
}

/** Runs a process to its end and returns its output; throws a ProcessError on any failure (see ProcessRequest.exitCodes). */
export async function runProcess(request: ProcessRequest & { readonly encoding?: 'utf8' }): Promise<ProcessResult<string>>;
export async function runProcess(request: ProcessRequest & { readonly encoding: 'buffer' }): Promise<ProcessResult<Uint8Array>>;
export async function runProcess(request: ProcessRequest & { readonly encoding?: 'utf8' | 'buffer' }): Promise<ProcessResult<string | Uint8Array>> {
  // Loaded on first use: execa's module graph costs ~150 ms, which paths that never spawn should not pay.
  const { execa } = await import('execa');
  const cap = request.maxOutput ?? DEFAULT_MAX_OUTPUT;
  const inherit = request.stdio === 'inherit';
  const subprocess = execa(request.file, [...request.args], {
    cwd: request.cwd,
    env: request.env,
    input: request.input,
    reject: false,
    timeout: request.timeout || undefined,
    killSignal: 'SIGTERM',
    forceKillAfterDelay: request.killGrace ?? DEFAULT_KILL_GRACE,
    maxBuffer: cap,
    stripFinalNewline: false,
    encoding: request.encoding === 'buffer' ? 'buffer' : 'utf8',
    ...(inherit ? { stdio: 'inherit' as const } : {}),
  });
  // A killed process may leave children (git, helm, a plugin) holding its output pipes open; once it has
  // exited after a kill, stop reading instead of waiting for them.
  subprocess.once('exit', () => {
    if (subprocess.killed) {
      subprocess.stdout?.destroy();
      subprocess.stderr?.destroy();
    }
  });
  // execa stops buffering at maxBuffer but leaves the process running: a tool that ignores the closed pipe would
  // go on forever, so it is killed there too.
  let overCap = false;
  for (const stream of [subprocess.stdout, subprocess.stderr]) {
    let length = 0;
    stream?.on('data', (chunk: string | Uint8Array) => {
      length += chunk.length;
      if (length <= cap || overCap) return;
      overCap = true;
      subprocess.kill();
    });
  }
  const result = await subprocess;
  const stderr = typeof result.stderr === 'string' ? result.stderr : result.stderr instanceof Uint8Array ? Buffer.from(result.stderr).toString('utf8') : '';
  const spawned = result.exitCode !== undefined || result.signal !== undefined || result.timedOut || result.isMaxBuffer || overCap;
  const error = failure(request, {
    spawnMessage: spawned ? undefined : (result as { originalMessage?: string }).originalMessage || result.shortMessage,
    timedOut: result.timedOut,
    overCap: overCap || result.isMaxBuffer,
    exitCode: result.exitCode,
    signal: result.signal,
    stderr,
  });
  if (error) throw error;
  return { stdout: inherit ? '' : (result.stdout as string | Uint8Array), stderr, exitCode: result.exitCode ?? 0 };
}

/**
 * The same, blocking. Only for tool version probes: they run while Nx infers the targets (in its plugin worker)
 * and before a task runs, and their answer is one line; spawnSync costs ~10 ms where loading execa alone costs
 * ~150 ms (measured). A blocked thread cannot send a second signal, so a timeout kills with
 * SIGKILL at once (a process ignoring SIGTERM would otherwise block us forever).
 */
export function runProcessSync(request: ProcessRequest & { readonly encoding?: 'utf8' }): ProcessResult<string>;
export function runProcessSync(request: ProcessRequest & { readonly encoding: 'buffer' }): ProcessResult<Buffer>;
export function runProcessSync(request: ProcessRequest & { readonly encoding?: 'utf8' | 'buffer' }): ProcessResult<string | Buffer> {
  const result = spawnSync(request.file, [...request.args], {
    cwd: request.cwd,
    env: request.env && { ...process.env, ...request.env },
    input: request.input,
    timeout: request.timeout || undefined,
    killSignal: 'SIGKILL',
    maxBuffer: request.maxOutput ?? DEFAULT_MAX_OUTPUT,
    stdio: request.stdio === 'inherit' ? 'inherit' : 'pipe',
  });
  const code = (result.error as NodeJS.ErrnoException | undefined)?.code;
  const stderr = result.stderr?.toString('utf8') ?? '';
  const error = failure(request, {
    spawnMessage: result.error && code !== 'ETIMEDOUT' && code !== 'ENOBUFS' ? result.error.message : undefined,
    timedOut: code === 'ETIMEDOUT',
    overCap: code === 'ENOBUFS',
    exitCode: result.status ?? undefined,
    signal: result.signal ?? undefined,
    stderr,
  });
  if (error) throw error;
  const stdout = result.stdout ?? Buffer.alloc(0);
  return { stdout: request.encoding === 'buffer' ? stdout : stdout.toString('utf8'), stderr, exitCode: result.status ?? 0 };
}
