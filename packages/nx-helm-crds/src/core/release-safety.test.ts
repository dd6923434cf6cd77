import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { crdYaml } from '../testing/crd-fixtures';
import { chartFilesAtRevision } from './git-revision';
import { releasedCrds, upgradeFindings } from './release-safety';

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

describe('chartFilesAtRevision', () => {
  it('reads the committed chart files, and nothing outside a repository', () => {
    const root = mkdtempSync(join(tmpdir(), 'nx-helm-crds-git-'));
    try {
      assert.equal(chartFilesAtRevision(root, 'charts/op', 'HEAD'), undefined);
      const write = (path: string, text: string) => {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), text);
      };
      write('charts/op/Chart.yaml', 'apiVersion: v2\nname: op\nversion: 0.1.0\n');
      write('charts/op/templates/crd.yaml', widgets);
      write('charts/op/README.md', '# op\n');
      write('charts/op/crds/caf\u00e9 widgets.yaml', 'description: "multi-byte \u00e9\u{1F680}"\n');
      const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: root, stdio: 'ignore' });
      git('init', '-q');
      git('add', '-A');
      git('commit', '-q', '-m', 'chart');
      write('charts/op/templates/crd.yaml', 'changed after the commit\n');
      const files = chartFilesAtRevision(root, 'charts/op', 'HEAD');
      assert.deepEqual(files, [
        { path: 'Chart.yaml', text: 'apiVersion: v2\nname: op\nversion: 0.1.0\n' },
        { path: 'crds/caf\u00e9 widgets.yaml', text: 'description: "multi-byte \u00e9\u{1F680}"\n' },
        { path: 'templates/crd.yaml', text: widgets },
      ]);
      assert.equal(chartFilesAtRevision(root, 'charts/op', 'no-such-revision'), undefined);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
