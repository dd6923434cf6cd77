import type { TargetConfiguration } from '@nx/devkit';
import { EXECUTORS } from '../constants';
import type { KeyVersions } from '../core/process/key-versions';

type Tool = keyof KeyVersions;

/**
 * The versions a target's result depends on: the plugin, kustomize (helm-crds and verify are keyed on the files
 * that stand for Kustomize's output), helm where Kustomize inflates Helm charts (`enableHelm`), and helm for
 * verify unless it never renders.
 */
function keyTools(target: TargetConfiguration, kustomizeRunsHelm: boolean): readonly Tool[] | undefined {
  const pipeline: Tool[] = ['plugin', 'kustomize', ...(kustomizeRunsHelm ? (['helm'] as const) : [])];
  switch (target.executor) {
    case EXECUTORS.kustomizeBuild:
    case EXECUTORS.helmCrds:
      return pipeline;
    case EXECUTORS.verify:
      return target.options?.helm === 'never' || kustomizeRunsHelm ? pipeline : [...pipeline, 'helm'];
    default:
      return undefined;
  }
}

/**
 * The targets with the versions their results depend on as the `toolVersions` option, which Nx hashes with the
 * other options: the tools are read while inferring, not by a process on every command. Kept apart from
 * chartTargets so a chart's inferred targets stay cached across tool upgrades.
 */
export function withKeyVersions(targets: Record<string, TargetConfiguration>, versions: KeyVersions, kustomizeRunsHelm: boolean): Record<string, TargetConfiguration> {
  return Object.fromEntries(
    Object.entries(targets).map(([name, target]) => {
      const tools = keyTools(target, kustomizeRunsHelm);
      if (!tools) return [name, target];
      const toolVersions = Object.fromEntries(tools.filter((tool) => versions[tool] !== undefined).map((tool) => [tool, versions[tool]]));
      return [name, { ...target, options: { ...target.options, toolVersions } }];
    }),
  );
}
