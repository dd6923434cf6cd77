/**
 * A line now and then while an external tool runs, so a slow kustomize or helm does not look like a hang. Without
 * it a 15 s run prints nothing until it ends; with it, CI logs get a few lines, not a flood: the first after
 * `firstAfterMs`, then one every `everyMs`.
 */
export interface ProgressReporter {
  /** Where the lines go (the task's log). */
  readonly print: (line: string) => void;
  readonly firstAfterMs: number;
  readonly everyMs: number;
  /** The clock and timers to use; the system's unless a test passes a clock it advances itself. */
  readonly timers?: ProgressTimers;
}

export interface ProgressTimers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const SYSTEM_TIMERS: ProgressTimers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Environment variable that sets the first delay in ms (the period is twice that); tests use a short one. */
export const PROGRESS_ENV = 'NX_HELM_CRDS_PROGRESS_MS';
const DEFAULT_FIRST_MS = 5000;

/** The reporter the executors use: 5 s, then every 10 s, unless $NX_HELM_CRDS_PROGRESS_MS says otherwise. */
export function progressReporter(print: (line: string) => void, env: NodeJS.ProcessEnv = process.env): ProgressReporter {
  const configured = Number(env[PROGRESS_ENV]);
  const firstAfterMs = Number.isFinite(configured) && configured > 0 ? configured : DEFAULT_FIRST_MS;
  return { print, firstAfterMs, everyMs: firstAfterMs * 2 };
}

/** Awaits `work`, printing `<what> still running (N s)` while it takes longer than the reporter's delay. */
export async function withProgress<T>(what: string, work: Promise<T>, reporter: ProgressReporter | undefined): Promise<T> {
  if (!reporter) return work;
  const timers = reporter.timers ?? SYSTEM_TIMERS;
  const started = timers.now();
  const tell = () => reporter.print(`${what} still running (${Math.round((timers.now() - started) / 1000)} s)`);
  let timer = timers.setTimeout(function tick() {
    tell();
    timer = timers.setTimeout(tick, reporter.everyMs);
  }, reporter.firstAfterMs);
  try {
    return await work;
  } finally {
    timers.clearTimeout(timer);
  }
}
