import type { TargetConfiguration } from '@nx/devkit';
import { EXECUTORS } from '../constants';
import type { KeyVersions } from '../core/process/key-versions';

/** The versions each executor's key names: the tools its result depends on. */
const KEY_VERSIONS_OF: Readonly<Record<string, readonly (keyof KeyVersions)[]>> = {
  [EXECUTORS.kustomizeBuild]: ['plugin', 'kustomize'],
  // Its result follows from Kustomize's output, which its file inputs stand for.
  [EXECUTORS.helmCrds]: ['plugin', 'kustomize'],
  [EXECUTORS.verify]: ['plugin', 'kustomize', 'helm'],
};

/**
 * The targets with the versions their results depend on as the `toolVersions` option, which Nx hashes with the
 * other options: the tools are read while inferring, not by a process on every command. Kept apart from
 * chartTargets so a chart's inferred targets stay cached across tool upgrades.
 */
export function withKeyVersions(targets: Record<string, TargetConfiguration>, versions: KeyVersions): Record<string, TargetConfiguration> {
  return Object.fromEntries(
    Object.entries(targets).map(([name, target]) => {
      const tools = target.executor === undefined ? undefined : KEY_VERSIONS_OF[target.executor];
      if (!tools) return [name, target];
      const toolVersions = Object.fromEntries(tools.filter((tool) => versions[tool] !== undefined).map((tool) => [tool, versions[tool]]));
      return [name, { ...target, options: { ...target.options, toolVersions } }];
    }),
  );
}
