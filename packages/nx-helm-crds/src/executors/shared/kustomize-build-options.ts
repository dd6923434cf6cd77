/** How a kustomize-build target's options are read by the steps after it (helm-crds, verify) as by the build itself. */
import type { KustomizeSafety } from '../../core/kustomize/client';
import { defaultOutputPath } from '../../constants';
import type { KustomizeBuildExecutorSchema } from '../kustomize-build/schema';

/** Where a kustomize-build target writes its output: what helm-crds and verify read. */
export function kustomizeOutputFile(options: KustomizeBuildExecutorSchema, projectName: string): string {
  return options.outputFile ?? defaultOutputPath(projectName, 'kustomize.yaml');
}

/** The options that loosen Kustomize's defaults, passed on as they are (the core maps them to flags). */
export function kustomizeSafety(options: KustomizeBuildExecutorSchema): KustomizeSafety {
  return {
    enableHelm: options.enableHelm,
    enableAlphaPlugins: options.enableAlphaPlugins,
    enableExec: options.enableExec,
    loadRestrictor: options.loadRestrictor,
  };
}
