import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { fileSystemError, writeFileAtomically, writeFilesAtomically } from './atomic-files';
import { UserError } from '../shared/errors';

/** Every file under `root`, relative, sorted, so a stray staging file shows up in comparisons. */
const allFiles = (root: string): string[] =>
  readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => !entry.isDirectory())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name).slice(root.length + 1))
    .sort();

describe('writeFilesAtomically', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'nx-helm-crds-atomic-'));
    mkdirSync(join(root, 'crds'));
    writeFileSync(join(root, 'crds/a.yaml'), 'old a\n');
    writeFileSync(join(root, 'crds/keep.yaml'), 'keep\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('writes every file, creating folders and replacing existing files, and leaves no staging file', () => {
    writeFilesAtomically([
      { path: join(root, 'crds/a.yaml'), content: 'new a\n' },
      { path: join(root, 'templates/deep/b.yaml'), content: 'b\n' },
    ]);
    assert.equal(readFileSync(join(root, 'crds/a.yaml'), 'utf8'), 'new a\n');
    assert.equal(readFileSync(join(root, 'templates/deep/b.yaml'), 'utf8'), 'b\n');
    assert.deepEqual(allFiles(root), ['crds/a.yaml', 'crds/keep.yaml', 'templates/deep/b.yaml']);
  });

  it('changes nothing when one destination cannot be staged because its parent is a file', () => {
    writeFileSync(join(root, 'not-a-dir'), 'a file\n');
    assert.throws(
      () =>
        writeFilesAtomically([
          { path: join(root, 'crds/a.yaml'), content: 'new a\n' },
          { path: join(root, 'crds/new.yaml'), content: 'new\n' },
          { path: join(root, 'not-a-dir/c.yaml'), content: 'c\n' },
        ]),
      (error: unknown) =>
        error instanceof UserError &&
        error.message === `Cannot create the folder ${join(root, 'not-a-dir')}: ${join(root, 'not-a-dir')} is a regular file where a folder is needed. Remove or rename that file. Nothing was changed.`,
    );
    assert.equal(readFileSync(join(root, 'crds/a.yaml'), 'utf8'), 'old a\n');
    assert.equal(readFileSync(join(root, 'not-a-dir'), 'utf8'), 'a file\n');
    assert.deepEqual(allFiles(root), ['crds/a.yaml', 'crds/keep.yaml', 'not-a-dir']);
  });

  it('changes nothing when a deeper parent is a file, and names that file', () => {
    writeFileSync(join(root, 'blocker'), 'x');
    assert.throws(
      () =>
        writeFilesAtomically([
          { path: join(root, 'crds/a.yaml'), content: 'new a\n' },
          { path: join(root, 'blocker/sub/c.yaml'), content: 'c\n' },
        ]),
      (error: unknown) => error instanceof UserError && error.message.includes(`: ${join(root, 'blocker')} is a regular file where a folder is needed.`),
    );
    assert.equal(readFileSync(join(root, 'crds/a.yaml'), 'utf8'), 'old a\n');
    assert.deepEqual(allFiles(root), ['blocker', 'crds/a.yaml', 'crds/keep.yaml']);
  });

  it('changes nothing when a destination is a directory, and says so', () => {
    mkdirSync(join(root, 'crds/in-the-way.yaml'));
    assert.throws(
      () =>
        writeFilesAtomically([
          { path: join(root, 'crds/a.yaml'), content: 'new a\n' },
          { path: join(root, 'crds/in-the-way.yaml'), content: 'x\n' },
        ]),
      (error: unknown) => error instanceof UserError && /crds\/in-the-way\.yaml: a directory of that name is in the way\. Remove or rename it\. Nothing was changed\./.test(error.message),
    );
    assert.equal(readFileSync(join(root, 'crds/a.yaml'), 'utf8'), 'old a\n');
    assert.deepEqual(allFiles(root), ['crds/a.yaml', 'crds/keep.yaml']);
  });

  it('removes the folders it created when a later file cannot be staged', () => {
    mkdirSync(join(root, 'crds/in-the-way.yaml'));
    assert.throws(() =>
      writeFilesAtomically([
        { path: join(root, 'templates/crd/deep/a.yaml'), content: 'a\n' },
        { path: join(root, 'crds/new/b.yaml'), content: 'b\n' },
        { path: join(root, 'crds/in-the-way.yaml'), content: 'x\n' },
      ]),
    );
    assert.deepEqual(readdirSync(root).sort(), ['crds']);
    assert.deepEqual(readdirSync(join(root, 'crds')).sort(), ['a.yaml', 'in-the-way.yaml', 'keep.yaml']);
  });

  it('replaces a symbolic link at a destination instead of writing through it', () => {
    writeFileSync(join(root, 'target.yaml'), 'target\n');
    symlinkSync(join(root, 'target.yaml'), join(root, 'crds/link.yaml'));
    writeFileAtomically(join(root, 'crds/link.yaml'), 'replaced\n');
    assert.equal(readFileSync(join(root, 'target.yaml'), 'utf8'), 'target\n');
    assert.equal(lstatSync(join(root, 'crds/link.yaml')).isSymbolicLink(), false);
    assert.equal(readFileSync(join(root, 'crds/link.yaml'), 'utf8'), 'replaced\n');
  });

  it('writes a single file, and an empty list changes nothing', () => {
    writeFileAtomically(join(root, 'one.yaml'), 'one\n');
    writeFilesAtomically([]);
    assert.equal(readFileSync(join(root, 'one.yaml'), 'utf8'), 'one\n');
    assert.deepEqual(allFiles(root), ['crds/a.yaml', 'crds/keep.yaml', 'one.yaml']);
  });
});

describe('fileSystemError', () => {
  const errno = (code: string) => Object.assign(new Error(`${code}: failed`), { code });

  it('says what failed, where and what to do, for the errors a user can fix', () => {
    for (const [code, advice] of [
      ['EACCES', 'permission denied: make it writable'],
      ['EPERM', 'not permitted'],
      ['EROFS', 'read-only'],
      ['ENOSPC', 'disk is full'],
    ]) {
      const error = fileSystemError(errno(code), 'write in', '/chart/crds');
      assert.ok(error instanceof UserError, code);
      assert.match(error.message, new RegExp(`^Cannot write in /chart/crds: .*${advice}.*\\. Nothing was changed\\.$`), code);
    }
  });

  it('passes other errors on unchanged, so bugs keep their stack', () => {
    const bug = new TypeError('x is undefined');
    assert.equal(fileSystemError(bug, 'write in', '/chart'), bug);
    const unknown = errno('EWEIRD');
    assert.equal(fileSystemError(unknown, 'write in', '/chart'), unknown);
  });
});

describe('writeFilesAtomically when a rename fails half-way', () => {
  it('puts back the files it already moved, so the chart ends exactly as it was', () => {
    const root = mkdtempSync(join(tmpdir(), 'nx-helm-crds-rename-'));
    const fs = require('node:fs') as typeof import('node:fs');
    const realRename = fs.renameSync;
    try {
      mkdirSync(join(root, 'crds'));
      for (const name of ['1', '2', '4']) writeFileSync(join(root, `crds/${name}.yaml`), `old ${name}\n`);
      const before = Object.fromEntries(allFiles(root).map((file) => [file, readFileSync(join(root, file), 'utf8')]));
      let renames = 0;
      // The third of five files cannot be moved into place (as a disappearing disk or a race would cause).
      fs.renameSync = ((from: string, to: string) => {
        if (from.includes('.nx-helm-crds-staging-') && !from.includes('backup-') && ++renames === 3) {
          throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
        }
        return realRename(from, to);
      }) as typeof fs.renameSync;
      assert.throws(
        () => writeFilesAtomically(['1', '2', '3', '4', '5'].map((name) => ({ path: join(root, `crds/${name}.yaml`), content: `new ${name}\n` }))),
        /Cannot move into place .*crds\/3\.yaml: permission denied.*The files moved before it were put back: nothing was changed\./,
      );
      fs.renameSync = realRename;
      assert.deepEqual(Object.fromEntries(allFiles(root).map((file) => [file, readFileSync(join(root, file), 'utf8')])), before);
    } finally {
      fs.renameSync = realRename;
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('writeFilesAtomically with files to remove', () => {
  it('removes them after the renames, and when a removal fails puts every file back, renamed and removed alike', () => {
    const root = mkdtempSync(join(tmpdir(), 'nx-helm-crds-remove-'));
    const fs = require('node:fs') as typeof import('node:fs');
    const realRm = fs.rmSync;
    try {
      mkdirSync(join(root, 'crds'));
      for (const name of ['a', 'gone1', 'gone2']) writeFileSync(join(root, `crds/${name}.yaml`), `old ${name}\n`);
      const before = Object.fromEntries(allFiles(root).map((file) => [file, readFileSync(join(root, file), 'utf8')]));
      fs.rmSync = ((path: string, options?: import('node:fs').RmOptions) => {
        if (path.endsWith('gone2.yaml')) throw Object.assign(new Error('EBUSY: resource busy'), { code: 'EBUSY' });
        return realRm(path, options);
      }) as typeof fs.rmSync;
      const write = () => writeFilesAtomically([{ path: join(root, 'crds/a.yaml'), content: 'new a\n' }], { remove: [join(root, 'crds/gone1.yaml'), join(root, 'crds/gone2.yaml')] });
      assert.throws(write, /^UserError: Cannot remove .*crds\/gone2\.yaml: it is in use by another program: close that program\. The files moved before it were put back: nothing was changed\.$/);
      assert.deepEqual(Object.fromEntries(allFiles(root).map((file) => [file, readFileSync(join(root, file), 'utf8')])), before);
      fs.rmSync = realRm;
      write();
      assert.deepEqual(Object.fromEntries(allFiles(root).map((file) => [file, readFileSync(join(root, file), 'utf8')])), { 'crds/a.yaml': 'new a\n' });
    } finally {
      fs.rmSync = realRm;
      rmSync(root, { recursive: true, force: true });
    }
  });
});
