import type { HelmCrdsExecutorSchema } from '../../executors/helm-crds/schema';

export interface ChartGeneratorSchema extends Pick<HelmCrdsExecutorSchema, 'placement' | 'directory' | 'fileName' | 'include' | 'exclude' | 'unmanaged' | 'generate'> {
  chart: string;
  kustomization: string;
  skipFormat?: boolean;
}
