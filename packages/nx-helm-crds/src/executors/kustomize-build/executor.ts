import { buildKustomization } from '../../core/kustomize/build-kustomization';
import { progressReporter } from '../../core/process/progress';
import { batchOf, singleTask, type TaskRun } from '../shared/batch';
import { assertToolsMatchKey } from '../shared/key-versions';
import { buildKustomizationRequest } from '../shared/requests';
import type { KustomizeBuildExecutorSchema } from './schema';

const run: TaskRun<KustomizeBuildExecutorSchema> = async (options, context, log, timing) => {
  assertToolsMatchKey(options.toolVersions, { kustomize: { explicit: options.kustomize } }, context);
  const built = await buildKustomization({
    ...buildKustomizationRequest(options, context),
    progress: progressReporter(log.info),
    time: timing,
    starting: ({ command, origin, loosened, inputWarning }) => {
      if (inputWarning) log.warn(inputWarning);
      log.info(`kustomize build ${options.kustomization} (${command}, from ${origin})`);
      if (loosened.length > 0) log.warn(`Kustomize safety defaults switched off by the options: ${loosened.join(' ')}`);
    },
  });
  log.info(`wrote ${built.outputFile} (${(built.bytes / 1024).toFixed(1)} KiB)`);
  return true;
};

export default singleTask(run);

/** Nx's batch form: every ready task of this executor in one process (see batchOf). */
export const batch = batchOf(run);
