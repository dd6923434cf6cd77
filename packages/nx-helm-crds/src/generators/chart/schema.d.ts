export interface ChartGeneratorSchema {
  chart: string;
  kustomization: string;
  placement?: 'crds' | 'templates';
  directory?: string;
  fileName?: string;
  include?: string[];
  exclude?: string[];
  unmanaged?: string[];
  skipFormat?: boolean;
}
