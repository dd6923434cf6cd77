import { statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../shared/errors';
import { isMapping, type Mapping } from '../yaml/values';
import { splitYamlDocuments } from '../yaml/documents';
import { KUSTOMIZATION_FILE_NAMES } from './file-names';

/** One kustomization file as Kustomize v5 reads it: which file of a directory it is, its kind and its fields. */

export type KustomizationKind = 'Kustomization' | 'Component';

export interface Kustomization {
  readonly kind: KustomizationKind;
  readonly fields: Mapping;
}

/** Every top-level field of Kustomize v5's Kustomization type (api/types/kustomization.go); Kustomize rejects others. */
const KNOWN_FIELDS = new Set([
  'apiVersion', 'kind', 'metadata', 'openapi', 'namePrefix', 'nameSuffix', 'namespace', 'commonLabels', 'labels',
  'commonAnnotations', 'patchesStrategicMerge', 'patchesJson6902', 'patches', 'images', 'imageTags', 'replacements',
  'replicas', 'vars', 'sortOptions', 'resources', 'components', 'crds', 'bases', 'configMapGenerator',
  'secretGenerator', 'helmGlobals', 'helmCharts', 'helmChartInflationGenerator', 'generatorOptions',
  'configurations', 'generators', 'transformers', 'validators', 'inventory', 'buildMetadata',
]);

function presentIn(directory: string): string[] {
  return KUSTOMIZATION_FILE_NAMES.filter((name) => statSync(join(directory, name), { throwIfNoEntry: false })?.isFile());
}

/**
 * Checks up front that a kustomization directory holds a kustomization file, so the user reads which option to
 * fix instead of Kustomize's "unable to find one of ..." (`directory` is absolute, `display` workspace-relative).
 */
export function requireKustomizationFile(directory: string, display: string): void {
  if (presentIn(directory).length > 0) return;
  throw new UserError(
    `The kustomization directory ${display} has no kustomization file (${KUSTOMIZATION_FILE_NAMES.join(', ')}). ` +
      'Set the kustomization option to the folder that holds kustomization.yaml (for kubebuilder layouts: config/crd or config/default), or add one.',
  );
}

/**
 * The name of the one kustomization file in `directory` (absolute), as Kustomize finds it; `where` starts the
 * messages (the directory, or the field that names it).
 */
export function kustomizationFileName(directory: string, where: string): string {
  const present = presentIn(directory);
  if (present.length === 0) {
    throw new UserError(
      `${where} has no kustomization file (${KUSTOMIZATION_FILE_NAMES.join(', ')}). ` +
        'Kustomize builds a directory only through its kustomization: add one, or name the resource files themselves.',
    );
  }
  if (present.length > 1) {
    throw new UserError(`${where} has more than one kustomization file (${present.join(', ')}); Kustomize refuses to choose. Keep one.`);
  }
  return present[0];
}

/** Reads a kustomization file's text (`file` names it in messages): its kind and fields, refusing what Kustomize refuses. */
export function parseKustomization(text: string, file: string): Kustomization {
  // Kustomize reads only the first YAML document of a kustomization file.
  const [document] = splitYamlDocuments(text, file);
  const fields = document?.value ?? {};
  if (!isMapping(fields)) throw new UserError(`${file} is not a kustomization: expected a YAML mapping of fields.`);
  const unknown = Object.keys(fields).filter((field) => !KNOWN_FIELDS.has(field));
  if (unknown.length > 0) {
    throw new UserError(
      `${file}: unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((field) => `"${field}"`).join(', ')}. ` +
        'Kustomize v5 rejects fields it does not know: fix the spelling (field names are case-sensitive).',
    );
  }
  return { kind: kindOf(fields, file), fields };
}

function kindOf(fields: Mapping, file: string): KustomizationKind {
  const kind = fields.kind ?? 'Kustomization';
  if (kind === '' || kind === 'Kustomization') return 'Kustomization';
  if (kind === 'Component') return 'Component';
  throw new UserError(`${file}: kind "${String(kind)}" is not a kustomization kind: use Kustomization or Component.`);
}
