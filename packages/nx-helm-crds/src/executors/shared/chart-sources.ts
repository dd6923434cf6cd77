import { readTargetOptions, type ExecutorContext } from '@nx/devkit';
import { normalizeWorkspacePath } from '../../core/paths/workspace-paths';
import { EXECUTORS } from '../../constants';
import type { HelmCrdsExecutorSchema } from '../helm-crds/schema';
import type { KustomizeBuildExecutorSchema } from '../kustomize-build/schema';
import { siblingTargetOptions } from './sibling-targets';

/**
 * The kustomizations every other helm-crds target of the workspace writes into `chart` from: their generated
 * files there belong to them, never to this target. A target whose options cannot be read fails on its own
 * run, so it is left out here.
 */
export function otherChartKustomizations(
  context: ExecutorContext,
  chart: string,
  /** The helm-crds target asking (by default the running one). */
  self: { readonly project: string; readonly target: string } = { project: context.projectName!, target: context.targetName! },
): string[] {
  const kustomizations: string[] = [];
  for (const [project, configuration] of Object.entries(context.projectsConfigurations.projects)) {
    for (const [target, definition] of Object.entries(configuration.targets ?? {})) {
      if (definition.executor !== EXECUTORS.helmCrds || (project === self.project && target === self.target)) continue;
      try {
        const options = readTargetOptions<HelmCrdsExecutorSchema>({ project, target, configuration: context.configurationName }, context);
        if (normalizeWorkspacePath(options.chart) !== normalizeWorkspacePath(chart)) continue;
        const build = siblingTargetOptions<KustomizeBuildExecutorSchema>({ ...context, projectName: project, targetName: target }, EXECUTORS.kustomizeBuild, options.buildTarget);
        kustomizations.push(build.options.kustomization);
      } catch {
        continue;
      }
    }
  }
  return kustomizations;
}
