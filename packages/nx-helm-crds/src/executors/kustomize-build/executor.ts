import type { ExecutorContext } from '@nx/devkit';
import { writeFileAtomically } from '../../core/atomic-files';
import { UserError, describeError } from '../../core/errors';
import { readKustomizationGraph, requireKustomizationFile, type KustomizationGraph } from '../../core/kustomization-graph';
import { kustomizeBuild, safetyFlags } from '../../core/kustomize';
import { resolveOutputPath } from '../../core/output-paths';
import { progressReporter } from '../../core/progress';
import { resolveKustomize } from '../../core/tool-resolution';
import { displayPath, requireDirectory, resolveInWorkspace } from '../../core/workspace-paths';
import { batchOf, singleTask, type TaskLog } from '../shared/batch';
import { kustomizeOutputFile, kustomizeSafety } from '../shared/kustomize-build-options';
import { TaskTiming } from '../shared/task-timing';
import type { KustomizeBuildExecutorSchema } from './schema';

/**
 * The kustomization's input graph is what makes a build safe to cache and to run: its files are the cache
 * key, and its remote references are refused. A kustomization whose graph cannot be read (a base outside the
 * workspace, say) could read and fetch anything, so it is not built unless explicitly allowed (and then uncached).
 */
function checkInputGraph(workspaceRoot: string, options: KustomizeBuildExecutorSchema, log: TaskLog): void {
  let graph: KustomizationGraph;
  try {
    graph = readKustomizationGraph(workspaceRoot, options.kustomization);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    if (!options.allowUnreadableInputs) {
      throw new UserError(
        `The kustomization ${options.kustomization} is not built: its input files could not be read: ${error.message}\n` +
          'nx-helm-crds builds a kustomization only when it knows every file the build reads: they are the cache key, and remote ' +
          'resources among them are refused. Fix the kustomization; or, to build it anyway, never cached and with whatever it ' +
          'references (remote resources included), set the plugin option `unreadableInputs: "uncached"` ' +
          '(or the executor option `allowUnreadableInputs: true` with `cache: false` on the target).',
      );
    }
    log.warn(
      `The input files of ${options.kustomization} could not be read (${error.message}). Building it anyway (allowUnreadableInputs): ` +
        'the result must never be cached, and remote resources it references are not refused.',
    );
    return;
  }
  if (graph.remote.length === 0 || options.allowRemoteResources) return;
  const references = graph.remote.map((remote) => `${remote.kustomization}: ${remote.field} "${remote.reference}"`);
  throw new UserError(
    `The kustomization ${options.kustomization} references remote resources, which nx-helm-crds refuses by default ` +
      `(their content is not part of the cache key, and CI would fetch whatever they point to):\n  - ${references.join('\n  - ')}\n` +
      'Vendor them into the repository, or allow them: the plugin option `remoteResources: "uncached"` ' +
      '(or the executor option `allowRemoteResources: true` with `cache: false` on the target).',
  );
}

export async function buildKustomization(options: KustomizeBuildExecutorSchema, context: ExecutorContext, log: TaskLog): Promise<boolean> {
  const timing = new TaskTiming();
  try {
    const directory = resolveInWorkspace(context.root, options.kustomization, 'kustomization');
    requireDirectory(directory, 'The kustomization directory', 'Set the kustomization option to the folder that holds kustomization.yaml.', options.kustomization);
    requireKustomizationFile(directory, options.kustomization);
    const outputFile = kustomizeOutputFile(options, context.projectName!);
    const outputPath = resolveOutputPath(context.root, outputFile, 'outputFile');
    checkInputGraph(context.root, options, log);
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
