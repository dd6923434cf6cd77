import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { crdYaml } from '../../testing/crd-fixtures';
import { inTempFolder } from '../../testing/temp-folder';
import { UserError } from '../shared/errors';
import { chartFilesAtRevision } from './git-revision';

const widgets = crdYaml('widgets', 'example.io');

describe('chartFilesAtRevision', () => {
  it('reads the committed chart files', () =>
    inTempFolder(async (repo) => {
      repo.write('charts/op/Chart.yaml', 'apiVersion: v2\nname: op\nversion: 0.1.0\n');
      repo.write('charts/op/templates/crd.yaml', widgets);
      repo.write('charts/op/README.md', '# op\n');
      repo.write('charts/op/crds/caf\u00e9 widgets.yaml', 'description: "multi-byte \u00e9\u{1F680}"\n');
      repo.git('init', '-q');
      repo.git('add', '-A');
      repo.git('commit', '-q', '-m', 'chart');
      repo.write('charts/op/templates/crd.yaml', 'changed after the commit\n');
      assert.deepEqual(await chartFilesAtRevision(repo.root, 'charts/op', 'HEAD'), { kind: 'files', files: [
        { path: 'Chart.yaml', text: 'apiVersion: v2\nname: op\nversion: 0.1.0\n' },
        { path: 'crds/caf\u00e9 widgets.yaml', text: 'description: "multi-byte \u00e9\u{1F680}"\n' },
        { path: 'templates/crd.yaml', text: widgets },
      ] });
      assert.deepEqual(await chartFilesAtRevision(repo.root, 'charts/new', 'HEAD'), { kind: 'files', files: [] }, 'a chart that did not exist at the revision has no committed files');
    }));

  it('refuses a revision that does not exist or is not one, naming it and the skip option', () =>
    inTempFolder(async (repo) => {
      repo.write('charts/op/Chart.yaml', 'apiVersion: v2\nname: op\nversion: 0.1.0\n');
      repo.git('init', '-q');
      repo.git('add', '-A');
      repo.git('commit', '-q', '-m', 'chart');
      await assert.rejects(
        chartFilesAtRevision(repo.root, 'charts/op', 'origin/main'),
        (error: unknown) =>
          error instanceof UserError &&
          /previousRevision "origin\/main" does not exist in this git repository/.test(error.message) &&
          /git fetch/.test(error.message) &&
          /skipDataLossGuard: true/.test(error.message),
      );
      await assert.rejects(chartFilesAtRevision(repo.root, 'charts/op', '--output=x'), /previousRevision "--output=x" is not a git revision/);
      await assert.rejects(chartFilesAtRevision(repo.root, 'charts/op', 'HEAD:charts'), /previousRevision "HEAD:charts" does not exist in this git repository \(or is not a commit\)/);
    }));

  it('has nothing to compare on a branch without commits, and outside a repository', () =>
    inTempFolder(async (repo) => {
      assert.deepEqual(await chartFilesAtRevision(repo.root, 'charts/op', 'HEAD'), { kind: 'no-repository' });
      assert.deepEqual(await chartFilesAtRevision(repo.root, 'charts/op', 'origin/main'), { kind: 'no-repository' });
      repo.git('init', '-q');
      assert.deepEqual(await chartFilesAtRevision(repo.root, 'charts/op', 'HEAD'), { kind: 'no-commits' });
      await assert.rejects(chartFilesAtRevision(repo.root, 'charts/op', 'main~1'), /does not exist/);
    }));

  it('without git on PATH, skips only outside a git checkout', () =>
    inTempFolder(async (repo) => {
      const path = process.env.PATH;
      process.env.PATH = join(repo.root, 'no-bin');
      try {
        assert.deepEqual(await chartFilesAtRevision(repo.root, 'charts/op', 'HEAD'), { kind: 'no-repository' });
        repo.write('.git/HEAD', 'ref: refs/heads/main\n');
        await assert.rejects(chartFilesAtRevision(repo.root, 'charts/op', 'HEAD'), /The data-loss guard cannot run git in .* to read previousRevision "HEAD" \(spawn git ENOENT\)\. Install git .*skipDataLossGuard: true/);
      } finally {
        process.env.PATH = path;
      }
    }));
});

