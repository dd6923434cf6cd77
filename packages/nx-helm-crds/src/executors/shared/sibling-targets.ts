import { readTargetOptions, type ExecutorContext } from '@nx/devkit';
import { UserError } from '../../core/shared/errors';

export interface TargetOptions<T> {
  readonly project: string;
  readonly target: string;
  readonly options: T;
}

/**
 * The options of another nx-helm-crds target, so a later step reuses the earlier step's configuration
 * instead of repeating paths in project.json. `explicitTarget` is `target` (this project) or
 * `project:target` (charts that share one kustomization share the first chart's kustomize-build); without
 * it, this project's one target with `executor`.
 */
export function siblingTargetOptions<T>(context: ExecutorContext, executor: string, explicitTarget: string | undefined): TargetOptions<T> {
  const separator = explicitTarget?.lastIndexOf(':') ?? -1;
  const project = separator === -1 ? context.projectName! : explicitTarget!.slice(0, separator);
  const named = separator === -1 ? explicitTarget : explicitTarget!.slice(separator + 1);
  const targets = context.projectsConfigurations.projects[project]?.targets ?? {};
  const candidates = named ? [named] : Object.keys(targets).filter((name) => targets[name].executor === executor);
  if (candidates.length !== 1 || !targets[candidates[0]]) {
    const found = candidates.length === 0 ? 'none' : candidates.join(', ');
    throw new UserError(
      explicitTarget
        ? `Project ${project} has no target "${named}" (named by the ${context.targetName} target's options as "${explicitTarget}").`
        : `Project ${project} needs exactly one target with executor ${executor} for ${context.targetName} to read; found ${found}. ` +
            'Name the one to use in the options (buildTarget / helmCrdsTarget).',
    );
  }
  const target = candidates[0];
  const options = readTargetOptions<T>({ project, target, configuration: context.configurationName }, context);
  return { project, target, options };
}
