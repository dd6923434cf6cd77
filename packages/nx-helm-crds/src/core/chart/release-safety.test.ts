import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crdYaml } from '../../testing/crd-fixtures';
import { inTempFolder } from '../../testing/temp-folder';
import { guardDataLoss, releasedCrds, upgradeFindings } from './release-safety';

const widgets = crdYaml('widgets', 'example.io');
const kept = crdYaml('gadgets', 'example.io', '  annotations:\n    helm.sh/resource-policy: keep\n');
const candidates = ['widgets.example.io', 'gadgets.example.io', 'gizmos.example.io'];

describe('upgradeFindings', () => {
  const before = releasedCrds(
    [
      { path: 'templates/crd/widgets.yaml', text: widgets },
      { path: 'templates/crd/gadgets.yaml', text: kept },
      { path: 'crds/gizmos.yaml', text: crdYaml('gizmos', 'example.io') },
    ],
    candidates,
  );

  it('reads which CRDs a release renders from where, and which carry the keep policy', () => {
    assert.deepEqual(before, [
      { name: 'widgets.example.io', path: 'templates/crd/widgets.yaml', keep: false },
      { name: 'gadgets.example.io', path: 'templates/crd/gadgets.yaml', keep: true },
      { name: 'gizmos.example.io', path: 'crds/gizmos.yaml', keep: false },
    ]);
  });

  it('fails when a templated CRD without keep stops being rendered: helm would delete it and its resources', () => {
    const findings = upgradeFindings(before, [], false, 'HEAD');
    assert.deepEqual(findings.map((finding) => [finding.level, finding.crd]), [['error', 'widgets.example.io']]);
    assert.match(findings[0].message, /was rendered from templates\/crd\/widgets\.yaml at HEAD and is no longer rendered: helm upgrade will DELETE the CRD and every widgets\.example\.io resource/);
    assert.deepEqual(upgradeFindings(before, [], true, 'HEAD').map((finding) => finding.level), ['warning']);
  });

  it('accepts a rename of the file as long as the CRD is still rendered from templates/', () => {
    const after = releasedCrds([{ path: 'templates/widgets-renamed.yaml', text: `{{- if .Values.crds }}\n${widgets}{{- end }}\n` }], candidates);
    assert.deepEqual(upgradeFindings(before.slice(0, 1), after, false, 'HEAD'), []);
  });

  it('advises adoption when a CRD moves from crds/ to templates/', () => {
    const after = releasedCrds([{ path: 'templates/gizmos.yaml', text: crdYaml('gizmos', 'example.io') }], candidates);
    const [finding] = upgradeFindings(before.slice(2), after, false, 'v1.2.0');
    assert.equal(finding.level, 'warning');
    assert.match(finding.message, /moves from crds\/ \(at v1\.2\.0\) to templates\/: existing installs must adopt it.*meta\.helm\.sh\/release-name/);
  });
});

describe('guardDataLoss', () => {
  it('says why it did not compare: skipped on request, or outside a repository', () =>
    inTempFolder(async (repo) => {
      const request = { workspaceRoot: repo.root, chart: 'charts/op', chartFiles: [], plan: { writes: [], prunes: [], unchanged: [], providedElsewhere: [] }, revision: 'HEAD', allowCrdRemoval: false, candidates: [] };
      assert.deepEqual(await guardDataLoss({ ...request, skip: true }), { skipped: 'skipDataLossGuard is set: a CRD that helm upgrade would delete (one the chart stops rendering from templates/) is not detected.' });
      assert.match(((await guardDataLoss({ ...request, skip: false })) as { skipped: string }).skipped, /^the workspace is not in a git repository, so there is no chart committed at HEAD to compare with/);
    }));
});
