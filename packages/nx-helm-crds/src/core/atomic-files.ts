import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

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
      const temp = join(dirname(file.path), `.${basename(file.path)}${STAGING_MARKER}${process.pid}-${randomBytes(4).toString('hex')}`);
      staged.push({ temp, path: file.path });
      writeFileSync(temp, file.content, { flag: 'wx' });
    }
  } catch (error) {
    for (const { temp } of staged) rmSync(temp, { force: true });
    throw error;
  }
  for (const { temp, path } of staged) renameSync(temp, path);
}

export function writeFileAtomically(path: string, content: string): void {
  writeFilesAtomically([{ path, content }]);
}
