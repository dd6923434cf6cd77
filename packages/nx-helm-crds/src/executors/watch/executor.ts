import { logger, type ExecutorContext } from '@nx/devkit';
import { watch, type FSWatcher } from 'node:fs';
import { dirname, join } from 'node:path';
import { EXECUTORS } from '../../constants';
import { describeError } from '../../core/shared/errors';
import { runProcess } from '../../core/process/runner';
import { readKustomizationGraph } from '../../core/kustomize/graph';
import { isKustomizationFileName } from '../../core/kustomize/file-names';
import type { KustomizeBuildExecutorSchema } from '../kustomize-build/schema';
import { siblingTargetOptions } from '../shared/sibling-targets';
import type { WatchExecutorSchema } from './schema';

/** The files to watch: every file the kustomization reads. Re-read after each run, as edits change it. */
function watchedFiles(root: string, kustomization: string): Set<string> {
  return new Set(readKustomizationGraph(root, kustomization).files);
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
  let again = false;

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
        if (name && (files.has(join(directory, name.toString()).replace(/\\/g, '/')) || isKustomizationFileName(name.toString()))) {
          schedule();
        }
      }),
    );
    logger.info(`[crds-watch] watching ${files.size} files of ${build.kustomization}; press Ctrl+C to stop`);
  };

  const run = async () => {
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        logger.info(`[crds-watch] running ${project}:${target}`);
        const code = await runTarget(context.root, project, target);
        logger.info(code === 0 ? `[crds-watch] ${project}:${target} is in sync` : `[crds-watch] ${project}:${target} failed (exit ${code}); waiting for the next change`);
        rewatch();
      } while (again);
    })();
    await running;
    running = undefined;
  };

  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void run(), options.debounce ?? 300);
  };

  await run();
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
