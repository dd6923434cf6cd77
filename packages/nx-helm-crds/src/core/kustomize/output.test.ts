import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { crdYaml } from '../../testing/crd-fixtures';
import { UserError } from '../shared/errors';
import { readKustomizeOutput } from './output';

const userError = (pattern: RegExp) => (error: unknown) => error instanceof UserError && pattern.test(error.message);

describe('readKustomizeOutput', () => {
  it('says that invalid YAML cannot come from a real kustomize, where it is, and what to do', () => {
    const root = mkdtempSync(join(tmpdir(), 'nx-helm-crds-output-'));
    try {
      writeFileSync(join(root, 'kustomize.yaml'), 'apiVersion: v1\nkind: [unclosed\n');
      assert.throws(
        () => readKustomizeOutput(join(root, 'kustomize.yaml'), 'dist/kustomize.yaml', 'config/crd'),
        userError(/^dist\/kustomize\.yaml \(the output of kustomize build config\/crd\) is not valid YAML: .* at line \d+, column \d+.*\nKustomize always writes valid YAML: .*check the kustomize option and \$NX_HELM_CRDS_KUSTOMIZE.*--skip-nx-cache\.$/s),
      );
      assert.throws(() => readKustomizeOutput(join(root, 'missing.yaml'), 'dist/missing.yaml', 'config/crd'), userError(/^The Kustomize output dist\/missing\.yaml does not exist: run the kustomize-build target first/));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('readKustomizeOutput reads a stream once for every step', () => {
  it('gives every document, the CRDs among them, and the source selection messages name', () => {
    const root = mkdtempSync(join(tmpdir(), 'nx-helm-crds-output-'));
    try {
      writeFileSync(join(root, 'kustomize.yaml'), `${crdYaml('widgets', 'example.io')}---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: system\n`);
      const output = readKustomizeOutput(join(root, 'kustomize.yaml'), 'dist/kustomize.yaml', 'config/crd');
      assert.deepEqual(output.documents.map((document) => (document.value as { kind: string }).kind), ['CustomResourceDefinition', 'Namespace']);
      assert.deepEqual(output.crds.map((crd) => crd.name), ['widgets.example.io']);
      assert.equal(output.source, 'the output of kustomize build config/crd (dist/kustomize.yaml)');
      assert.equal(output.kustomization, 'config/crd');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
