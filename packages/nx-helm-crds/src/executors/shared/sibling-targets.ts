import { readTargetOptions, type ExecutorContext } from '@nx/devkit';
import { UserError } from '../../core/errors';

/**
 * The options of another nx-helm-crds target of the same project (named, or found by its executor), so a
 * later step reuses the earlier step's configuration instead of repeating paths in project.json.
 */
export function siblingTargetOptions<T>(context: ExecutorContext, executor: string, explicitTarget: string | undefined): { target: string; options: T } {
  const project = context.projectName;
  const targets = (project && context.projectsConfigurations.projects[project]?.targets) || {};
  const candidates = explicitTarget ? [explicitTarget] : Object.keys(targets).filter((name) => targets[name].executor === executor);
  if (candidates.length !== 1 || !targets[candidates[0]]) {
    const found = candidates.length === 0 ? 'none' : candidates.join(', ');
    throw new UserError(
      explicitTarget
        ? `Project ${project} has no target "${explicitTarget}" (named by the ${context.targetName} target's options).`
        : `Project ${project} needs exactly one target with executor ${executor} for ${context.targetName} to read; found ${found}. ` +
            'Name the one to use in the options (buildTarget / helmCrdsTarget).',
    );
  }
  const target = candidates[0];
  const options = readTargetOptions<T>({ project: project!, target, configuration: context.configurationName }, context);
  return { target, options };
}
