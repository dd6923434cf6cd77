export interface KustomizeBuildExecutorSchema {
  kustomization: string;
  outputFile?: string;
  kustomize?: string;
  args?: string[];
  timeout?: number;
  allowRemoteResources?: boolean;
}
