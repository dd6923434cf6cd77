import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CHART_CRDS, EXAMPLE, PINNED_KUBECTL, createWorkspace, executedTasks, type TestWorkspace } from './workspace';

const KUSTOMIZATION = `${EXAMPLE}/config/crd/kustomization.yaml`;

/** A PATH holding only what nx needs (node, sh) plus the given extra tools, so nothing else is found. */
function isolatedPath(tools: Record<string, string> = {}): { path: string; remove: () => void } {
  const bin = mkdtempSync(join(tmpdir(), 'nx-helm-crds-path-'));
  symlinkSync(process.execPath, join(bin, 'node'));
  symlinkSync('/bin/sh', join(bin, 'sh'));
  for (const [name, target] of Object.entries(tools)) symlinkSync(target, join(bin, name));
  return { path: bin, remove: () => rmSync(bin, { recursive: true, force: true }) };
}

describe('kustomize resolution and failures', () => {
  let workspace: TestWorkspace;
  before(() => {
    workspace = createWorkspace();
  });
  after(() => workspace.remove());

  it('falls back to kubectl on PATH when neither the option nor the variable is set', () => {
    const path = isolatedPath({ kubectl: PINNED_KUBECTL });
    try {
      const result = workspace.nx(['run', 'chart:crds'], { PATH: path.path, NX_HELM_CRDS_KUSTOMIZE: undefined });
      assert.equal(result.status, 0, result.output);
      assert.match(result.output, /kustomize build examples\/operator\/config\/crd \(\S+\/kubectl kustomize, from PATH\)/);
    } finally {
      path.remove();
    }
  });

  it('a missing kustomize binary fails with what to install or configure, and leaves the chart alone', () => {
    const path = isolatedPath();
    try {
      rmSync(workspace.path('.nx'), { recursive: true, force: true });
      const result = workspace.nx(['run', 'chart:crds'], { PATH: path.path, NX_HELM_CRDS_KUSTOMIZE: undefined });
      assert.notEqual(result.status, 0, result.output);
      assert.match(result.output, /Cannot find kustomize: neither `kustomize` nor `kubectl` is on PATH\. Install one/);
      assert.match(result.output, /set the kustomize option or \$NX_HELM_CRDS_KUSTOMIZE/);
      assert.deepEqual(executedTasks(result.output), ['chart:kustomize-build']);
    } finally {
      path.remove();
    }
  });

  it('a configured path that is not a binary is named in the error', () => {
    const result = workspace.nx(['run', 'chart:kustomize-build', '--skip-nx-cache'], { NX_HELM_CRDS_KUSTOMIZE: 'tools/no-such-kubectl' });
    assert.notEqual(result.status, 0, result.output);
    assert.match(result.output, /kustomize was configured as "tools\/no-such-kubectl" by \$NX_HELM_CRDS_KUSTOMIZE, but that is not an executable file/);
  });

  it("a broken kustomization fails with kustomize's own error and the kustomization path; the chart is untouched", () => {
    const chartBefore = workspace.read(`${CHART_CRDS}/serving.example.io_trainedmodels.yaml`);
    const kustomization = workspace.read(KUSTOMIZATION);
    // A patch of a CRD that no resource defines: the input graph reads fine, Kustomize refuses it.
    workspace.write(
      KUSTOMIZATION,
      kustomization.replace(
        '- path: patches/webhook_in_trainedmodels.yaml',
        '- path: patches/webhook_in_trainedmodels.yaml\n- patch: |-\n    apiVersion: apiextensions.k8s.io/v1\n    kind: CustomResourceDefinition\n    metadata:\n      name: missings.serving.example.io',
      ),
    );
    try {
      const result = workspace.nx(['run', 'chart:crds']);
      assert.notEqual(result.status, 0, result.output);
      assert.match(result.output, /kustomize build of examples\/operator\/config\/crd failed: .*kubectl kustomize .*exited with code 1/);
      assert.match(result.output, /missings\.serving\.example\.io/, "kustomize's own message is shown");
      assert.match(result.output, /Fix the kustomization in examples\/operator\/config\/crd/);
      assert.equal(workspace.read(`${CHART_CRDS}/serving.example.io_trainedmodels.yaml`), chartBefore);
    } finally {
      workspace.write(KUSTOMIZATION, kustomization);
    }
  });

  it('a kustomization directory that does not exist is reported with the option to fix', () => {
    const nxJson = workspace.read('nx.json');
    workspace.write('nx.json', nxJson.replace('"kustomization": "examples/operator/config/crd"', '"kustomization": "examples/operator/config/crds"'));
    try {
      const result = workspace.nx(['run', 'chart:kustomize-build']);
      assert.notEqual(result.status, 0, result.output);
      assert.match(result.output, /The kustomization directory .*examples\/operator\/config\/crds does not exist or is not a directory\. Set the kustomization option/);
    } finally {
      workspace.write('nx.json', nxJson);
    }
  });
});
