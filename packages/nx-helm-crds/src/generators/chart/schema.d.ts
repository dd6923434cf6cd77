import type { ChartCrdsConfig } from '../../plugin/plugin-options';

/** The chart options the generator asks for; generators.test.ts checks its schema.json declares them as the executors do. */
export interface ChartGeneratorSchema extends Pick<ChartCrdsConfig, 'kustomization' | 'placement' | 'directory' | 'fileName' | 'include' | 'exclude' | 'unmanaged' | 'generate'> {
  chart: string;
  skipFormat?: boolean;
}
