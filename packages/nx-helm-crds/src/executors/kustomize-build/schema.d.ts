export interface KustomizeBuildExecutorSchema {
  kustomization: string;
  outputFile?: string;
  kustomize?: string;
  args?: string[];
  timeout?: number;
  allowRemoteResources?: boolean;
  allowUnreadableInputs?: boolean;
  enableHelm?: boolean;
  enableAlphaPlugins?: boolean;
  enableExec?: boolean;
  loadRestrictor?: 'rootOnly' | 'none';
}
