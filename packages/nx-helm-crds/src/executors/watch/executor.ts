import { logger, type ExecutorContext } from '@nx/devkit';
import { statSync, watch, type FSWatcher } from 'node:fs';
import { dirname, join } from 'node:path';
import { EXECUTORS } from '../../constants';
import { describeError } from '../../core/shared/errors';
import { runProcess } from '../../core/process/runner';
import { readKustomizationGraph } from '../../core/kustomize/graph';
import { isKustomizationFileName } from '../../core/kustomize/file-names';
import type { KustomizeBuildExecutorSchema } from '../kustomize-build/schema';
import { siblingTargetOptions } from '../shared/requests';
import type { WatchExecutorSchema } from './schema';

/** The files to watch: every file the kustomization reads. Re-read after each run, as edits change it. */
function watchedFiles(root: string, kustomization: string): Set<string> {
  return new Set(readKustomizationGraph(root, kustomization).files);
}

/** What a file looks like now (its change time and size), to notice a save no watcher reported. */
function signatures(root: string, files: Iterable<string>): Map<string, string> {
  return new Map([...files].map((file) => {
    const stats = statSync(join(root, file), { throwIfNoEntry: false });
    return [file, stats ? `${stats.mtimeMs} ${stats.size}` : 'missing'];
  }));
}

/** Runs the target in a child nx, its output on our terminal; its exit code (1 when it died of a signal). */
function runTarget(root: string, project: string, target: string): Promise<number> {
  const nx = join(dirname(require.resolve('nx/package.json', { paths: [root] })), 'dist', 'bin', 'nx.js');
  return runProcess({ tool: 'nx', file: process.execPath, args: [nx, 'run', `${project}:${target}`, '--outputStyle=stream'], cwd: root, stdio: 'inherit', exitCodes: 'any' }).then(
    (result) => result.exitCode,
    () => 1,
  );
}

/**
 * A continuous executor: yields once started, then keeps the pipeline in sync until stopped. Plain file
 * watching on the kustomization's folders (not `nx watch`), because the Nx daemon that `nx watch` needs is
 * off in CI and containers.
 */
export default async function* watchExecutor(options: WatchExecutorSchema, context: ExecutorContext): AsyncGenerator<{ success: boolean }> {
  const project = context.projectName!;
  const target = options.target ?? 'crds';
  const { options: build } = siblingTargetOptions<KustomizeBuildExecutorSchema>(context, EXECUTORS.kustomizeBuild, options.buildTarget);
  let files = new Set<string>();
  let watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let lastRun = new Map<string, string>();
  let newKustomizationFile = false;

  const rewatch = () => {
    for (const watcher of watchers) watcher.close();
    try {
      files = watchedFiles(context.root, build.kustomization);
    } catch (error) {
      logger.error(`${describeError(error)}\nStill watching the files read before; fix the kustomization and save again.`);
    }
    const directories = new Set([...files].map((file) => dirname(file)));
    watchers = [...directories].map((directory) =>
      watch(join(context.root, directory), (_event, name) => {
        if (!name) return;
        if (files.has(join(directory, name.toString()).replace(/\\/g, '/'))) schedule();
        else if (isKustomizationFileName(name.toString())) {
          // A new kustomization file is not among the files read: no signature can tell it changed.
          newKustomizationFile = true;
          schedule();
        }
      }),
    );
    logger.info(`[crds-watch] watching ${files.size} files of ${build.kustomization}; press Ctrl+C to stop`);
  };

  /** Whether a file the last run read has changed since it started. */
  const changedSinceLastRun = () => [...lastRun].some(([file, signature]) => signatures(context.root, [file]).get(file) !== signature);

  const run = async (onChange: boolean) => {
    // A change during a run is caught by the comparison at its end; one the last run already saw (reported
    // late, or caught by that comparison) needs no run.
    if (running || (onChange && !newKustomizationFile && lastRun.size > 0 && !changedSinceLastRun())) return;
    running = (async () => {
      do {
        newKustomizationFile = false;
        logger.info(`[crds-watch] running ${project}:${target}`);
        lastRun = signatures(context.root, files);
        const code = await runTarget(context.root, project, target);
        logger.info(code === 0 ? `[crds-watch] ${project}:${target} is in sync` : `[crds-watch] ${project}:${target} failed (exit ${code}); waiting for the next change`);
        rewatch();
        // Compared rather than left to the watchers: a save while they were being replaced reaches none of them.
      } while (newKustomizationFile || changedSinceLastRun());
    })();
    await running;
    running = undefined;
  };

  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void run(true), options.debounce ?? 300);
  };

  await run(false);
  yield { success: true };
  await new Promise<void>((resolve) => {
    const stop = () => {
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
