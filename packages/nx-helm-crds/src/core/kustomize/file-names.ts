/**
 * The file names Kustomize accepts for a kustomization (konfig.RecognizedKustomizationFileNames), in the order
 * it looks for them. Its own module, free of imports, so the plugin, generators and watcher can use it without
 * loading the YAML readers.
 */
export const KUSTOMIZATION_FILE_NAMES: readonly string[] = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export function isKustomizationFileName(name: string): boolean {
  return KUSTOMIZATION_FILE_NAMES.includes(name);
}
