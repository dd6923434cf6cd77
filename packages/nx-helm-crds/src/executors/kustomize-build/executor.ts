import { logger, type ExecutorContext } from '@nx/devkit';
import { writeFileAtomically } from '../../core/atomic-files';
import { describeError } from '../../core/errors';
import { kustomizeBuild } from '../../core/kustomize';
import { resolveKustomize } from '../../core/tool-resolution';
import { displayPath, requireDirectory, resolveInWorkspace } from '../../core/workspace-paths';
import { defaultOutputPath } from '../../constants';
import type { KustomizeBuildExecutorSchema } from './schema';

export function kustomizeOutputFile(options: KustomizeBuildExecutorSchema, projectName: string): string {
  return options.outputFile ?? defaultOutputPath(projectName, 'kustomize.yaml');
}

export default async function kustomizeBuildExecutor(options: KustomizeBuildExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  try {
    const directory = resolveInWorkspace(context.root, options.kustomization, 'kustomization');
    requireDirectory(directory, 'The kustomization directory', 'Set the kustomization option to the folder that holds kustomization.yaml.');
    const outputFile = kustomizeOutputFile(options, context.projectName!);
    const outputPath = resolveInWorkspace(context.root, outputFile, 'outputFile');
    const kustomize = resolveKustomize({ explicit: options.kustomize, workspaceRoot: context.root });
    logger.info(`kustomize build ${options.kustomization} (${[displayPath(context.root, kustomize.file), ...kustomize.args].join(' ')}, from ${kustomize.origin})`);
    const rendered = await kustomizeBuild({
      kustomize,
      directory,
      displayDirectory: options.kustomization,
      extraArgs: options.args,
      timeout: options.timeout,
    });
    writeFileAtomically(outputPath, rendered);
    logger.info(`wrote ${outputFile} (${(Buffer.byteLength(rendered) / 1024).toFixed(1)} KiB)`);
    return { success: true };
  } catch (error) {
    logger.error(describeError(error));
    return { success: false };
  }
}
