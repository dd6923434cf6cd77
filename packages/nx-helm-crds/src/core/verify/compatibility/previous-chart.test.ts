import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { crdYaml } from '../../../testing/crd-fixtures';
import { UserError } from '../../shared/errors';
import { renderGeneratedFile } from '../../chart/generated-file';
import { templateCrdText } from '../../helm/templating';
import { chartFilesAtRevision } from '../../chart/git-revision';
import { previousChartCrds } from './previous-chart';

const source = { kustomization: 'config/crd', regenerate: 'nx run chart:crds' };
const withDescription = (plural: string) => crdYaml(plural, 'example.io', '  annotations:\n    note: "uses {{ braces }} in text"\n');

describe('previousChartCrds', () => {
  it('reads plain and generated files in crds/ and templates/, wrappers and escaped braces included', () => {
    const templated = renderGeneratedFile(
      templateCrdText(withDescription('gadgets'), 'gadgets.example.io', { installValue: 'crds.install', keep: true, sharedGuard: true }),
      source,
      false,
    );
    const previous = previousChartCrds(
      [
        { path: 'crds/widgets.yaml', text: crdYaml('widgets', 'example.io') },
        { path: 'crds/gizmos.yaml', text: renderGeneratedFile(crdYaml('gizmos', 'example.io'), source, false) },
        { path: 'templates/crd/gadgets.yaml', text: templated },
        { path: 'values.yaml', text: 'crds:\n  install: true\n' },
      ],
      [],
    );
    assert.deepEqual([...previous.crds.keys()], ['widgets.example.io', 'gizmos.example.io', 'gadgets.example.io']);
    assert.equal(previous.crds.get('gadgets.example.io')!.file, 'templates/crd/gadgets.yaml');
    const gadgets = previous.crds.get('gadgets.example.io')!.value as { metadata: { annotations: Record<string, string> } };
    assert.equal(gadgets.metadata.annotations.note, 'uses {{ braces }} in text');
    assert.deepEqual(previous.notComparable, []);
  });

  it('reports a templated file that does not parse without its template lines as not comparable, naming its CRDs', () => {
    const text = `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.io\n  labels: {{ include "labels" . | nindent 4 }}\n    more: [\n`;
    const previous = previousChartCrds([{ path: 'templates/widgets.yaml', text }], ['widgets.example.io']);
    assert.equal(previous.crds.size, 0);
    assert.deepEqual(previous.notComparable.map((entry) => [entry.file, entry.crds]), [['templates/widgets.yaml', ['widgets.example.io']]]);
    assert.match(previous.notComparable[0].reason, /does not parse once its template lines are removed/);
  });
});

describe('chartFilesAtRevision, as the guard reads its baseline', () => {
  const root = mkdtempSync(join(tmpdir(), 'nx-helm-crds-baseline-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.io', ...args], { cwd: root, stdio: 'pipe' });

  it('has nothing to compare with outside git and before the first commit; an unknown revision is an error; a missing chart has no files', () => {
    assert.deepEqual(chartFilesAtRevision(root, 'chart', 'HEAD'), { kind: 'no-repository' });
    git('init', '-q');
    assert.deepEqual(chartFilesAtRevision(root, 'chart', 'HEAD'), { kind: 'no-commits' });
    mkdirSync(join(root, 'chart', 'crds'), { recursive: true });
    writeFileSync(join(root, 'chart', 'crds', 'widgets.yaml'), crdYaml('widgets', 'example.io'));
    git('add', '.');
    git('commit', '-qm', 'chart');
    assert.throws(() => chartFilesAtRevision(root, 'chart', 'HEAD~1'), (error: unknown) => error instanceof UserError && /previousRevision "HEAD~1" does not exist/.test(error.message));
    assert.deepEqual(chartFilesAtRevision(root, 'chart', 'HEAD'), { kind: 'files', files: [{ path: 'crds/widgets.yaml', text: crdYaml('widgets', 'example.io') }] });
    assert.deepEqual(chartFilesAtRevision(root, 'other-chart', 'HEAD'), { kind: 'files', files: [] });
  });
});
