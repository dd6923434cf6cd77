import { logger, type ExecutorContext, type TaskGraph } from '@nx/devkit';
import { availableParallelism } from 'node:os';

/** Where an executor's messages go: the terminal for a single task, a buffer per task in a batch. */
export interface TaskLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** One task's work: reports through `log`, resolves to whether it succeeded. */
export type TaskRun<T> = (options: T, context: ExecutorContext, log: TaskLog) => Promise<boolean>;

export interface BatchTaskResult {
  readonly task: string;
  readonly result: { success: boolean; terminalOutput: string; startTime: number; endTime: number };
}

/** The executor as Nx calls it for a single task, reporting to the terminal. */
export function singleTask<T>(run: TaskRun<T>): (options: T, context: ExecutorContext) => Promise<{ success: boolean }> {
  return async (options, context) => ({ success: await run(options, context, logger) });
}

/**
 * The executor's batch form (executors.json `batchImplementation`), used by `nx … --batch` (or NX_BATCH_MODE=true):
 * Nx hands every ready task of the executor to one process. Run one by one, each task pays for a Node process
 * that loads Nx (about a quarter of a second here), which for many charts costs more than the work itself.
 * Tasks run concurrently up to the machine's cores (kustomize is a separate process; our own work interleaves
 * at I/O), each with its own context and its own captured output, and results are reported as each task
 * finishes. Not `preferBatch`: Nx validates every task's options before a batch starts, and one invalid option
 * then fails every task of the batch instead of its own.
 */
export function batchOf<T>(run: TaskRun<T>, concurrency = availableParallelism()) {
  return async function* batch(taskGraph: TaskGraph, inputs: Record<string, T>, _overrides: unknown, context: ExecutorContext): AsyncGenerator<BatchTaskResult> {
    const waiting = Object.keys(taskGraph.tasks);
    const outcome = new Map<string, boolean>();
    const running = new Map<string, Promise<BatchTaskResult>>();
    const inBatchDependencies = (id: string) => (taskGraph.dependencies[id] ?? []).map((edge) => edge.id).filter((dependency) => dependency in taskGraph.tasks);

    while (waiting.length > 0 || running.size > 0) {
      for (const id of [...waiting]) {
        if (running.size >= concurrency) break;
        const dependencies = inBatchDependencies(id);
        if (!dependencies.every((dependency) => outcome.has(dependency))) continue;
        waiting.splice(waiting.indexOf(id), 1);
        const failed = dependencies.filter((dependency) => !outcome.get(dependency));
        running.set(id, failed.length > 0 ? notRun(id, failed) : runTask(run, id, inputs[id], taskGraph, context));
      }
      if (running.size === 0) throw new Error(`The batch's task dependencies form a cycle: ${waiting.join(', ')}`);
      const finished = await Promise.race(running.values());
      running.delete(finished.task);
      outcome.set(finished.task, finished.result.success);
      yield finished;
    }
  };
}

async function runTask<T>(run: TaskRun<T>, id: string, options: T, taskGraph: TaskGraph, context: ExecutorContext): Promise<BatchTaskResult> {
  const { project, target, configuration } = taskGraph.tasks[id].target;
  const lines: string[] = [];
  const log: TaskLog = { info: (message) => lines.push(message), warn: (message) => lines.push(message), error: (message) => lines.push(message) };
  const startTime = Date.now();
  let success: boolean;
  try {
    success = await run(options, { ...context, projectName: project, targetName: target, configurationName: configuration }, log);
  } catch (error) {
    lines.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
    success = false;
  }
  return { task: id, result: { success, terminalOutput: lines.map((line) => `${line}\n`).join(''), startTime, endTime: Date.now() } };
}

async function notRun(id: string, failedDependencies: readonly string[]): Promise<BatchTaskResult> {
  const now = Date.now();
  return { task: id, result: { success: false, terminalOutput: `Not run: ${failedDependencies.join(', ')} failed.\n`, startTime: now, endTime: now } };
}
