import { randomBytes } from 'node:crypto';
import { copyFileSync, linkSync, lstatSync, mkdirSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { UserError } from './errors';

export interface FileContent {
  readonly path: string;
  readonly content: string;
}

/** Staged files are hidden and carry this marker, so no glob picks them up and strays are recognisable. */
export const STAGING_MARKER = '.nx-helm-crds-staging-';

/** Whether a file name is one of our staging files (left behind only if the process was killed mid-write). */
export function isStagingFile(name: string): boolean {
  return name.startsWith('.') && name.includes(STAGING_MARKER);
}

/**
 * A file system error as a message that says what could not be done, where, and what to do; errors that are
 * not about the file system (bugs) are returned unchanged. `outcome` says what state the files were left in.
 */
export function fileSystemError(error: unknown, action: string, path: string, outcome = 'Nothing was changed.'): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const advice: Record<string, string> = {
    EACCES: 'permission denied: make it writable for this user (or run from a checkout you own)',
    EPERM: 'the operation is not permitted (an immutable or protected file?): make it writable',
    EROFS: 'the file system is read-only: run from a writable checkout',
    EISDIR: 'a directory of that name is in the way: remove or rename it',
    ENOSPC: 'the disk is full: free some space',
    EDQUOT: 'the disk quota is exhausted: free some space',
  };
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    const blocker = blockingFile(path);
    return new UserError(
      `Cannot ${action} ${path}: ${blocker ? `${blocker} is a regular file` : 'a regular file is in the way'} where a folder is needed. ` +
        `Remove or rename that file. ${outcome}`,
    );
  }
  if (!code || !(code in advice)) return error;
  return new UserError(`Cannot ${action} ${path}: ${advice[code]}. ${outcome}`);
}

/** The outermost path along `path` that exists and is not a directory. */
function blockingFile(path: string): string | undefined {
  const parents: string[] = [];
  for (let current = path; dirname(current) !== current; current = dirname(current)) parents.unshift(current);
  return parents.find((candidate) => {
    const stats = statSync(candidate, { throwIfNoEntry: false });
    return stats !== undefined && !stats.isDirectory();
  });
}

/** Creates `directory` and its missing parents; returns the ones it created, outermost first. */
function createDirectories(directory: string): string[] {
  const first = mkdirSync(directory, { recursive: true });
  if (first === undefined) return [];
  const created = [first];
  for (const part of relative(first, directory).split(sep).filter(Boolean)) created.push(join(created[created.length - 1], part));
  return created;
}

/**
 * Writes a staging file. A concurrent run that failed may have just removed a folder it created (and we
 * found), so a missing folder is created once more before giving up.
 */
function stageFile(temp: string, content: string, recreateFolder: () => void): void {
  try {
    writeFileSync(temp, content, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    recreateFolder();
    writeFileSync(temp, content, { flag: 'wx' });
  }
}

/**
 * Writes all files or none: each is staged beside its destination (same directory, so the final rename is
 * atomic on POSIX), and only when every file is staged are they renamed into place. A failure while staging
 * removes what was staged, and the folders it created, and leaves every destination as it was.
 */
export function writeFilesAtomically(files: readonly FileContent[]): void {
  const staged: { temp: string; path: string }[] = [];
  const createdDirectories: string[] = [];
  try {
    for (const file of files) {
      const directory = dirname(file.path);
      try {
        createdDirectories.push(...createDirectories(directory));
      } catch (error) {
        throw fileSystemError(error, 'create the folder', directory);
      }
      // Renaming onto a directory fails, which would leave the files renamed before it changed.
      if (lstatSync(file.path, { throwIfNoEntry: false })?.isDirectory()) {
        throw new UserError(`Cannot write ${file.path}: a directory of that name is in the way. Remove or rename it. Nothing was changed.`);
      }
      const temp = join(directory, `.${basename(file.path)}${STAGING_MARKER}${process.pid}-${randomBytes(4).toString('hex')}`);
      staged.push({ temp, path: file.path });
      try {
        stageFile(temp, file.content, () => createdDirectories.push(...createDirectories(directory)));
      } catch (error) {
        throw fileSystemError(error, 'write in', directory);
      }
    }
  } catch (error) {
    for (const { temp } of staged) rmSync(temp, { force: true });
    for (const directory of createdDirectories.reverse()) {
      try {
        rmdirSync(directory);
      } catch {
        // Not empty: another process put something there meanwhile; leave it.
      }
    }
    throw error;
  }
  moveIntoPlace(staged);
}

/**
 * Renames every staged file over its destination. Each existing destination is first kept as a hard link (a
 * copy where links are not supported), so that if a rename fails the files already moved are put back and the
 * chart ends exactly as it was.
 */
function moveIntoPlace(staged: readonly { temp: string; path: string }[]): void {
  const moved: { path: string; backup?: string }[] = [];
  const backupOf = (path: string) => join(dirname(path), `.${basename(path)}${STAGING_MARKER}backup-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    for (const { temp, path } of staged) {
      let backup: string | undefined;
      if (lstatSync(path, { throwIfNoEntry: false })) {
        backup = backupOf(path);
        try {
          linkSync(path, backup);
        } catch {
          copyFileSync(path, backup);
        }
      }
      moved.push({ path, backup });
      try {
        renameSync(temp, path);
      } catch (error) {
        moved.pop();
        if (backup) rmSync(backup, { force: true });
        throw fileSystemError(error, 'move into place', path, 'The files moved before it were put back: nothing was changed.');
      }
    }
  } catch (error) {
    for (const { path, backup } of moved.reverse()) {
      if (backup) renameSync(backup, path);
      else rmSync(path, { force: true });
    }
    for (const { temp } of staged) rmSync(temp, { force: true });
    throw error;
  }
  for (const { backup } of moved) if (backup) rmSync(backup, { force: true });
}

export function writeFileAtomically(path: string, content: string): void {
  writeFilesAtomically([{ path, content }]);
}
