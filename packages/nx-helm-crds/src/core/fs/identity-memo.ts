import { mkdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * A file's identity as the file system keeps it: the real path, the device and inode, the size, and the
 * modification and change times. Replacing or rewriting the file changes it (the change time cannot be set
 * back), so a value derived from the file's content can be remembered under it. Undefined for a file that
 * cannot be read.
 */
export function fileIdentity(path: string): string | undefined {
  try {
    const real = realpathSync(path);
    const { dev, ino, size, mtimeMs, ctimeMs } = statSync(real);
    return [real, dev, ino, size, mtimeMs, ctimeMs].join(' ');
  } catch {
    return undefined;
  }
}

/** Enough for every tool and plugin build a workspace goes through; the oldest entries go first. */
const MAX_ENTRIES = 64;

/**
 * Values that are slow to derive from files (a tool's version, a content hash of the plugin's code) and that
 * every Nx command asks for again, remembered in one JSON file under keys the caller builds from file
 * identities. It is only a shortcut: a missing, unreadable or corrupt file is an empty memo, and a memo that
 * cannot be written is not an error.
 */
export class IdentityMemo {
  private readonly entries: Map<string, string>;
  private changed = false;

  private constructor(private readonly file: string | undefined) {
    this.entries = new Map(file ? readEntries(file) : []);
  }

  /** The memo kept in `file`; without a file, one that remembers nothing beyond this process. */
  static open(file: string | undefined): IdentityMemo {
    return new IdentityMemo(file);
  }

  /** The value remembered under `key`, or `compute()`'s, remembered when it returns (a throw is not). */
  get(key: string, compute: () => string): string {
    const remembered = this.entries.get(key);
    if (remembered !== undefined) return remembered;
    const value = compute();
    this.entries.set(key, value);
    this.changed = true;
    return value;
  }

  /** Writes the memo back when it learnt something, atomically (two commands may save at once: the last wins). */
  save(): void {
    if (!this.file || !this.changed) return;
    const kept = [...this.entries].slice(-MAX_ENTRIES);
    const staged = `${this.file}.${process.pid}.tmp`;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      writeFileSync(staged, `${JSON.stringify(Object.fromEntries(kept))}\n`);
      renameSync(staged, this.file);
    } catch {
      try {
        rmSync(staged, { force: true });
      } catch {
        // Nothing was staged (the folder could not be made): nothing to clean up.
      }
    }
  }
}

function readEntries(file: string): [string, string][] {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return [];
    return Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  } catch {
    return [];
  }
}
