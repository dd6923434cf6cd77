import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  copyFileSync,
  existsSync,
  fstatSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { UserError, fileSystemAdvice } from '../shared/errors';

export interface FileContent {
  readonly path: string;
  readonly content: string;
}

/** Staged files are hidden and carry this marker, so no glob picks them up and strays are recognisable. */
const STAGING_MARKER = '.nx-helm-crds-staging-';

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
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    const blocker = blockingFile(path);
    return new UserError(
      `Cannot ${action} ${path}: ${blocker ? `${blocker} is a regular file` : 'a regular file is in the way'} where a folder is needed. ` +
        `Remove or rename that file. ${outcome}`,
    );
  }
  const advice = fileSystemAdvice(error);
  if (!advice) return error;
  return new UserError(`Cannot ${action} ${path}: ${advice}. ${outcome}`);
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

/** A staged file's way into place: `inode` tells a moved file from the one it replaced, after a crash too. */
export interface Replacement {
  readonly staged: string;
  readonly path: string;
  readonly inode: number;
  /** A hard link to (or copy of) the file it replaces, so the replacement can be undone. */
  readonly backup?: string;
}

/** A file removed in the same transaction; its backup lets the removal be undone. */
export interface Removal {
  readonly path: string;
  readonly backup?: string;
}

/** Everything one write changes: the files renamed into place, then the files removed. */
export interface Transaction {
  readonly replacements: readonly Replacement[];
  readonly removals: readonly Removal[];
}

/**
 * Keeps a transaction on disk while its renames happen, so that a process killed half-way can be finished or
 * undone by the next run (see write-journal.ts).
 */
export interface TransactionJournal {
  record(transaction: Transaction): void;
  clear(): void;
}

export interface WriteOptions {
  /** Files to remove in the same transaction, after every new file is in place. */
  readonly remove?: readonly string[];
  readonly journal?: TransactionJournal;
}

/** A hidden name beside `path` that marks the file as ours (see isStagingFile). */
export function stagingPathFor(path: string, tag = ''): string {
  return join(dirname(path), `.${basename(path)}${STAGING_MARKER}${tag}${process.pid}-${randomBytes(4).toString('hex')}`);
}

/**
 * Writes all files or none: each is staged beside its destination (same directory, so the final rename is
 * atomic on POSIX), and only when every file is staged are they renamed into place, then `remove` deleted.
 * A failure while staging removes what was staged, and the folders it created, and leaves every destination as
 * it was; a failure while renaming puts back what was already moved. With a journal, the transaction is
 * recorded before the first rename. (Staged files are not flushed one by one: a flush per file costs ~3 ms, a
 * second for 300 CRDs; the guarantee is against an interrupted process, not a power cut.)
 */
export function writeFilesAtomically(files: readonly FileContent[], options: WriteOptions = {}): void {
  const replacements: Replacement[] = [];
  const removals: Removal[] = [];
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
      const staged = stagingPathFor(file.path);
      replacements.push({ staged, path: file.path, inode: -1 });
      let inode: number;
      try {
        inode = stageFile(staged, file.content, () => createdDirectories.push(...createDirectories(directory)));
      } catch (error) {
        throw fileSystemError(error, 'write in', directory);
      }
      replacements[replacements.length - 1] = { staged, path: file.path, inode, backup: backupOf(file.path) };
    }
    for (const path of options.remove ?? []) {
      const backup = backupOf(path);
      if (backup) removals.push({ path, backup });
    }
  } catch (error) {
    discard({ replacements, removals });
    for (const directory of createdDirectories.reverse()) {
      try {
        rmdirSync(directory);
      } catch {
        // Not empty: another process put something there meanwhile; leave it.
      }
    }
    throw error;
  }
  const transaction = { replacements, removals };
  try {
    options.journal?.record(transaction);
  } catch (error) {
    discard(transaction);
    throw error;
  }
  try {
    applyTransaction(transaction);
  } catch (error) {
    rollBack(transaction);
    options.journal?.clear();
    throw error;
  }
  discard(transaction);
  options.journal?.clear();
}

/**
 * Writes a staging file and returns its inode. A concurrent run that failed may have just removed a folder it
 * created (and we found), so a missing folder is created once more before giving up.
 */
function stageFile(temp: string, content: string, recreateFolder: () => void): number {
  let descriptor: number;
  try {
    descriptor = openSync(temp, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    recreateFolder();
    descriptor = openSync(temp, 'wx');
  }
  try {
    writeFileSync(descriptor, content);
    return fstatSync(descriptor).ino;
  } finally {
    closeSync(descriptor);
  }
}

/** Keeps an existing file under a staging name (a hard link; a copy where links are not supported). */
function backupOf(path: string): string | undefined {
  if (!lstatSync(path, { throwIfNoEntry: false })) return undefined;
  const backup = stagingPathFor(path, 'backup-');
  try {
    linkSync(path, backup);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    try {
      copyFileSync(path, backup, constants.COPYFILE_EXCL);
    } catch (copyError) {
      throw fileSystemError(copyError, 'keep a backup of', path);
    }
  }
  return backup;
}

/** Renames every staged file over its destination, then removes the files to remove. */
function applyTransaction(transaction: Transaction): void {
  for (const { staged, path } of transaction.replacements) {
    try {
      renameSync(staged, path);
    } catch (error) {
      throw fileSystemError(error, 'move into place', path, 'The files moved before it were put back: nothing was changed.');
    }
  }
  for (const { path } of transaction.removals) {
    try {
      rmSync(path, { force: true });
    } catch (error) {
      throw fileSystemError(error, 'remove', path, 'The files moved before it were put back: nothing was changed.');
    }
  }
}

/** Whether a replacement's file is in place (its inode is the staged file's). */
function isInPlace(replacement: Replacement): boolean {
  return lstatSync(replacement.path, { throwIfNoEntry: false })?.ino === replacement.inode;
}

/** Whether an interrupted transaction can be finished: every staged file is still staged or already in place. */
export function canRollForward(transaction: Transaction): boolean {
  return transaction.replacements.every((replacement) => existsSync(replacement.staged) || isInPlace(replacement));
}

/** Finishes a transaction that may have been interrupted anywhere after it was recorded. */
export function rollForward(transaction: Transaction): void {
  for (const replacement of transaction.replacements) {
    if (existsSync(replacement.staged)) renameSync(replacement.staged, replacement.path);
  }
  for (const { path } of transaction.removals) rmSync(path, { force: true });
  discard(transaction);
}

/** Undoes whatever part of a transaction happened: each moved file gets its backup back, each removed file too. */
export function rollBack(transaction: Transaction): void {
  for (const replacement of [...transaction.replacements].reverse()) {
    if (isInPlace(replacement)) {
      if (replacement.backup && existsSync(replacement.backup)) renameSync(replacement.backup, replacement.path);
      else rmSync(replacement.path, { force: true });
    }
  }
  for (const { path, backup } of transaction.removals) {
    // A file not yet removed shares its inode with the backup: renaming one onto the other would do nothing.
    if (backup && !lstatSync(path, { throwIfNoEntry: false }) && existsSync(backup)) renameSync(backup, path);
  }
  discard(transaction);
}

/** Removes the transaction's staged files and backups (what is left of them). */
function discard(transaction: Transaction): void {
  for (const { staged, backup } of transaction.replacements) {
    rmSync(staged, { force: true });
    if (backup) rmSync(backup, { force: true });
  }
  for (const { backup } of transaction.removals) if (backup) rmSync(backup, { force: true });
}

export function writeFileAtomically(path: string, content: string): void {
  writeFilesAtomically([{ path, content }]);
}
