import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from './errors';

export interface FileContent {
  readonly path: string;
  readonly content: string;
}

/** Staged files are hidden and carry this marker, so no glob picks them up and strays are recognisable. */
const STAGING_MARKER = '.nx-helm-crds-staging-';

/**
 * Writes all files or none: each is staged beside its destination (same directory, so the final rename is
 * atomic on POSIX), and only when every file is staged are they renamed into place. A failure while staging
 * removes what was staged and leaves every destination as it was.
 */
export function writeFilesAtomically(files: readonly FileContent[]): void {
  const staged: { temp: string; path: string }[] = [];
  try {
    for (const file of files) {
      mkdirSync(dirname(file.path), { recursive: true });
      // Renaming onto a directory fails, which would leave the files renamed before it changed.
      if (lstatSync(file.path, { throwIfNoEntry: false })?.isDirectory()) {
        throw new UserError(`Cannot write ${file.path}: a directory of that name is in the way. Remove or rename it.`);
      }
      const temp = join(dirname(file.path), `.${basename(file.path)}${STAGING_MARKER}${process.pid}-${randomBytes(4).toString('hex')}`);
      staged.push({ temp, path: file.path });
      writeFileSync(temp, file.content, { flag: 'wx' });
    }
  } catch (error) {
    for (const { temp } of staged) rmSync(temp, { force: true });
    throw error;
  }
  for (const [index, { temp, path }] of staged.entries()) {
    try {
      renameSync(temp, path);
    } catch (error) {
      for (const { temp: left } of staged.slice(index)) rmSync(left, { force: true });
      throw error;
    }
  }
}

export function writeFileAtomically(path: string, content: string): void {
  writeFilesAtomically([{ path, content }]);
}
