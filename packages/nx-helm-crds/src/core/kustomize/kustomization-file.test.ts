import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { UserError } from '../shared/errors';
import { kustomizationFileName, parseKustomization, requireKustomizationFile } from './kustomization-file';

const userError = (pattern: RegExp) => (error: unknown) => error instanceof UserError && pattern.test(error.message);

describe('kustomizationFileName and requireKustomizationFile', () => {
  const root = mkdtempSync(join(tmpdir(), 'nx-helm-crds-kustomization-file-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const folder = (name: string, ...files: string[]) => {
    mkdirSync(join(root, name));
    for (const file of files) writeFileSync(join(root, name, file), 'resources: []\n');
    return join(root, name);
  };

  it('finds the one kustomization file under each name Kustomize accepts', () => {
    for (const name of ['kustomization.yaml', 'kustomization.yml', 'Kustomization']) {
      const directory = folder(`one-${name}`, name);
      assert.equal(kustomizationFileName(directory, 'app'), name);
      requireKustomizationFile(directory, 'app');
    }
  });

  it('refuses a directory with none or with two, as Kustomize does', () => {
    const empty = folder('empty', 'cm.yaml');
    assert.throws(() => kustomizationFileName(empty, 'app'), userError(/^app has no kustomization file \(kustomization\.yaml, kustomization\.yml, Kustomization\)/));
    assert.throws(() => requireKustomizationFile(empty, 'config/crd'), userError(/^The kustomization directory config\/crd has no kustomization file .*Set the kustomization option/));
    const two = folder('two', 'kustomization.yaml', 'Kustomization');
    assert.throws(() => kustomizationFileName(two, 'app'), userError(/^app has more than one kustomization file \(kustomization\.yaml, Kustomization\)/));
  });
});

describe('parseKustomization', () => {
  it('reads the kind and fields of the first document', () => {
    assert.deepEqual(parseKustomization('resources:\n- a.yaml\n---\nbogus: 1\n', 'app/kustomization.yaml'), { kind: 'Kustomization', fields: { resources: ['a.yaml'] } });
    assert.equal(parseKustomization('kind: Component\n', 'c/kustomization.yaml').kind, 'Component');
    assert.deepEqual(parseKustomization('', 'app/kustomization.yaml'), { kind: 'Kustomization', fields: {} });
  });

  it('refuses unknown fields, a kind other than Kustomization or Component, and a file that is not a mapping', () => {
    assert.throws(() => parseKustomization('resourcez:\n- cm.yaml\n', 'app/kustomization.yaml'), userError(/^app\/kustomization\.yaml: unknown field "resourcez"/));
    assert.throws(() => parseKustomization('kind: Deployment\n', 'app/kustomization.yaml'), userError(/^app\/kustomization\.yaml: kind "Deployment"/));
    assert.throws(() => parseKustomization('- a\n', 'app/kustomization.yaml'), userError(/^app\/kustomization\.yaml is not a kustomization: expected a YAML mapping/));
  });
});
