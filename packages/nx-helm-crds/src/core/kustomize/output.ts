import { readFileSync } from 'node:fs';
import { collectCrds, type Crd } from '../crd/model';
import { UserError } from '../shared/errors';
import { splitYamlDocuments, type YamlDocument } from '../yaml/documents';

/** What a kustomize-build target wrote, read once per task: its documents and the CRDs among them. */
export interface KustomizeOutput {
  readonly documents: readonly YamlDocument[];
  readonly crds: readonly Crd[];
  /** The output as messages name it: `the output of kustomize build <kustomization> (<file>)`. */
  readonly source: string;
  readonly kustomization: string;
}

/**
 * Reads the rendered Kustomize stream the kustomize-build target wrote. `path` is the absolute file,
 * `displayPath` the file as the user knows it, `kustomization` the directory it was built from.
 */
export function readKustomizeOutput(path: string, displayPath: string, kustomization: string): KustomizeOutput {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UserError(`The Kustomize output ${displayPath} does not exist: run the kustomize-build target first (nx run-many makes it a dependency).`);
  }
  const where = `${displayPath} (the output of kustomize build ${kustomization})`;
  let documents: YamlDocument[];
  try {
    documents = splitYamlDocuments(text, where);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    throw new UserError(
      `${error.message}\nKustomize always writes valid YAML: the kustomize that was run is probably not a real kustomize (check the kustomize ` +
        'option and $NX_HELM_CRDS_KUSTOMIZE), or the file was edited by hand. Fix that, then run the kustomize-build target again with --skip-nx-cache.',
    );
  }
  return { documents, crds: collectCrds(documents, where), source: `the output of kustomize build ${kustomization} (${displayPath})`, kustomization };
}
