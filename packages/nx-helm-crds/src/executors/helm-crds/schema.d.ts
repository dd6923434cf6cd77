export interface HelmCrdsExecutorSchema {
  chart: string;
  placement?: 'crds' | 'templates';
  directory?: string;
  fileName?: string;
  include?: string[];
  exclude?: string[];
  unmanaged?: string[];
  check?: boolean;
  checkReport?: string;
  buildTarget?: string;
  namespaceTemplate?: boolean;
  installValue?: string;
  keep?: boolean;
  sharedGuard?: boolean;
  previousRevision?: string;
  skipDataLossGuard?: boolean;
  allowCrdRemoval?: boolean;
  allowEmpty?: boolean;
  pipelineTarget?: string;
  generate?: boolean;
}
