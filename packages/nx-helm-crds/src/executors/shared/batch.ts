import { logger, type ExecutorContext, type TaskGraph } from '@nx/devkit';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describeError } from '../../core/shared/errors';
import { recoverInterruptedWrite } from '../../core/chart/write-journal';
import { TaskTiming } from './task-timing';

/** Where an executor's messages go: the terminal for a single task, a buffer per task in a batch. */
export interface TaskLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/**
 * One task's work: reports through `log`, resolves to whether it succeeded, or throws (the wrapper prints the
 * error). `timing` measures the tools it waits for; the wrapper prints its line last, whatever happened.
 */
export type TaskRun<T> = (options: T, context: ExecutorContext, log: TaskLog, timing: TaskTiming) => Promise<boolean>;

export interface BatchTaskResult {
  readonly task: string;
  readonly result: { success: boolean; terminalOutput: string; startTime: number; endTime: number };
}

/** The executor as Nx calls it for a single task, reporting to the terminal. */
export function singleTask<T>(run: TaskRun<T>): (options: T, context: ExecutorContext) => Promise<{ success: boolean }> {
  return async (options, context) => ({ success: await recoveredRun(run, options, context, logger) });
}

/**
 * Every task of a chart first finishes or undoes a write of that chart that was interrupted (a killed
 * helm-crds, see write-journal.ts), so no step ever reads a half-written chart, and removes the staging files
 * killed runs left.
 */
async function recoveredRun<T>(run: TaskRun<T>, options: T, context: ExecutorContext, log: TaskLog): Promise<boolean> {
  try {
    recoverChart(context, log);
  } catch (error) {
    log.error(describeError(error));
    return false;
  }
  const timing = new TaskTiming();
  try {
    return await run(options, context, log, timing);
  } catch (error) {
    log.error(describeError(error));
    return false;
  } finally {
    log.info(timing.summary());
  }
}

function recoverChart(context: ExecutorContext, log: TaskLog): void {
  const root = context.projectsConfigurations?.projects[context.projectName ?? '']?.root;
  // Our targets live on chart projects; any other project (a misconfigured target) has no chart to recover.
  if (root === undefined || !existsSync(join(context.root, root, 'Chart.yaml'))) return;
  const outcome = recoverInterruptedWrite(join(context.root, root));
  if (!outcome) return;
  if (outcome.interrupted === 'finished') log.warn(`${root}: finished a write of ${outcome.files} file(s) that an interrupted run had started.`);
  if (outcome.interrupted === 'undone') log.warn(`${root}: undid a write of ${outcome.files} file(s) that an interrupted run had started; the chart is as it was before it.`);
  if (outcome.staleFiles > 0) log.warn(`${root}: removed ${outcome.staleFiles} staging file(s) that interrupted runs left.`);
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
  const success = await recoveredRun(run, options, { ...context, projectName: project, targetName: target, configurationName: configuration }, log);
  return { task: id, result: { success, terminalOutput: lines.map((line) => `${line}\n`).join(''), startTime, endTime: Date.now() } };
}

async function notRun(id: string, failedDependencies: readonly string[]): Promise<BatchTaskResult> {
  const now = Date.now();
  return { task: id, result: { success: false, terminalOutput: `Not run: ${failedDependencies.join(', ')} failed.\n`, startTime: now, endTime: now } };
}
