import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UserError } from '../shared/errors';
import { displayPath, relativeInside, requireDirectory, requireRealPathInWorkspace, resolveInWorkspace } from './workspace-paths';

const root = join(tmpdir(), 'workspace');

describe('resolveInWorkspace', () => {
  it('resolves workspace-relative paths', () => {
    assert.equal(resolveInWorkspace(root, 'charts/operator', 'chart'), join(root, 'charts/operator'));
    assert.equal(resolveInWorkspace(root, './charts/../config/crd', 'kustomization'), join(root, 'config/crd'));
    assert.equal(resolveInWorkspace(root, '.', 'chart'), root);
    assert.equal(resolveInWorkspace(root, '..hidden/x', 'chart'), join(root, '..hidden/x'));
  });

  it('refuses paths that leave the workspace, and absolute paths', () => {
    for (const path of ['../x', '..', 'charts/../../x', join(root, 'charts'), '/etc']) {
      assert.throws(
        () => resolveInWorkspace(root, path, 'chart'),
        (error: unknown) =>
          error instanceof UserError &&
          error.message === `chart "${path}" is outside the workspace (${root}): give a path relative to the workspace root.`,
        path,
      );
    }
  });
});

describe('requireDirectory', () => {
  it('accepts a directory and refuses a file or a missing path with the fix', () => {
    const directory = mkdtempSync(join(tmpdir(), 'nx-helm-crds-paths-'));
    try {
      writeFileSync(join(directory, 'file'), 'x');
      requireDirectory(directory, 'The chart', 'Fix it.');
      assert.throws(() => requireDirectory(join(directory, 'file'), 'The chart', 'Fix it.'), {
        name: 'UserError',
        message: `The chart ${join(directory, 'file')} does not exist or is not a directory. Fix it.`,
      });
      assert.throws(() => requireDirectory(join(directory, 'missing'), 'The chart', 'Fix it.'), /missing does not exist or is not a directory/);
      assert.throws(() => requireDirectory(join(directory, 'missing'), 'The chart', 'Fix it.', 'charts/missing'), {
        message: `The chart charts/missing does not exist or is not a directory. Fix it. (Looked for ${join(directory, 'missing')}.)`,
      });
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('displayPath', () => {
  it('is workspace-relative inside the workspace and absolute outside', () => {
    assert.equal(displayPath(root, join(root, 'charts/c')), join('charts', 'c'));
    assert.equal(displayPath(root, '/elsewhere/c'), '/elsewhere/c');
    assert.equal(displayPath(root, join(root, '..hidden/c')), join('..hidden', 'c'));
  });
});

describe('requireRealPathInWorkspace', () => {
  it('accepts real folders and links that stay inside, and refuses a link leading outside', () => {
    const workspace = mkdtempSync(join(tmpdir(), 'nx-helm-crds-real-'));
    const outside = mkdtempSync(join(tmpdir(), 'nx-helm-crds-outside-'));
    try {
      mkdirSync(join(workspace, 'charts/real'), { recursive: true });
      symlinkSync(join(workspace, 'charts/real'), join(workspace, 'charts/inside-link'));
      symlinkSync(outside, join(workspace, 'charts/outside-link'));
      requireRealPathInWorkspace(workspace, join(workspace, 'charts/real'), 'chart', 'charts/real');
      requireRealPathInWorkspace(workspace, join(workspace, 'charts/inside-link'), 'chart', 'charts/inside-link');
      requireRealPathInWorkspace(workspace, join(workspace, 'charts/missing'), 'chart', 'charts/missing');
      assert.throws(
        () => requireRealPathInWorkspace(workspace, join(workspace, 'charts/outside-link'), 'chart', 'charts/outside-link'),
        (error: unknown) =>
          error instanceof UserError &&
          error.message.startsWith(`chart "charts/outside-link" leads outside the workspace through a symbolic link (it is really ${realpathSync(outside)}).`),
      );
    } finally {
      rmSync(workspace, { recursive: true, force: true });
      rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe('relativeInside', () => {
  it('gives the path below the root, empty for the root, and nothing outside', () => {
    assert.equal(relativeInside(root, join(root, 'charts/c')), join('charts', 'c'));
    assert.equal(relativeInside(root, root), '');
    assert.equal(relativeInside(root, join(root, '..hidden')), '..hidden');
    assert.equal(relativeInside(root, join(root, '..')), undefined);
    assert.equal(relativeInside(root, join(root, '../sibling')), undefined);
    assert.equal(relativeInside(join(root, 'charts'), join(root, 'charts-other/x')), undefined);
  });
});
