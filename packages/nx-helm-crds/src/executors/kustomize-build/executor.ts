import type { ExecutorContext } from '@nx/devkit';
import { writeFileAtomically } from '../../core/fs/atomic-files';
import { describeError } from '../../core/shared/errors';
import { requireKustomizationFile } from '../../core/kustomize/kustomization-file';
import { kustomizeBuild, safetyFlags } from '../../core/kustomize/client';
import { resolveOutputPath } from '../../core/paths/output-paths';
import { progressReporter } from '../../core/process/progress';
import { resolveKustomize } from '../../core/process/tool-resolution';
import { displayPath, requireDirectory, resolveInWorkspace } from '../../core/paths/workspace-paths';
import { batchOf, singleTask, type TaskLog } from '../shared/batch';
import { requireKnownInputs } from '../shared/input-graph';
import { kustomizeOutputFile, kustomizeSafety } from '../shared/kustomize-build-options';
import { TaskTiming } from '../shared/task-timing';
import type { KustomizeBuildExecutorSchema } from './schema';

export async function buildKustomization(options: KustomizeBuildExecutorSchema, context: ExecutorContext, log: TaskLog): Promise<boolean> {
  const timing = new TaskTiming();
  try {
    const directory = resolveInWorkspace(context.root, options.kustomization, 'kustomization');
    requireDirectory(directory, 'The kustomization directory', 'Set the kustomization option to the folder that holds kustomization.yaml.', options.kustomization);
    requireKustomizationFile(directory, options.kustomization);
    const outputFile = kustomizeOutputFile(options, context.projectName!);
    const outputPath = resolveOutputPath(context.root, outputFile, 'outputFile');
    const warning = requireKnownInputs(context.root, options.kustomization, options);
    if (warning) log.warn(warning);
    const kustomize = resolveKustomize({ explicit: options.kustomize, workspaceRoot: context.root });
    log.info(`kustomize build ${options.kustomization} (${[displayPath(context.root, kustomize.file), ...kustomize.args].join(' ')}, from ${kustomize.origin})`);
    const loosened = safetyFlags(kustomizeSafety(options), kustomize);
    if (loosened.length > 0) log.warn(`Kustomize safety defaults switched off by the options: ${loosened.join(' ')}`);
    const rendered = await timing.measure('kustomize', () =>
      kustomizeBuild({
        kustomize,
        directory,
        displayDirectory: options.kustomization,
        extraArgs: options.args,
        timeout: options.timeout,
        progress: progressReporter(log.info),
        ...kustomizeSafety(options),
      }),
    );
    writeFileAtomically(outputPath, rendered);
    log.info(`wrote ${outputFile} (${(Buffer.byteLength(rendered) / 1024).toFixed(1)} KiB)`);
    return true;
  } catch (error) {
    log.error(describeError(error));
    return false;
  } finally {
    log.info(timing.summary());
  }
}

export default singleTask(buildKustomization);

/** Nx's batch form: every ready task of this executor in one process (see batchOf). */
export const batch = batchOf(buildKustomization);
