import { readFileSync, realpathSync, statSync } from 'node:fs';
import { writeFileAtomically } from './atomic-files';

/**
 * How long after a change a rewrite can leave a file's identity as it was: file systems that keep whole
 * seconds give two same-size writes in one second the same times. git treats index entries this recent as
 * "racy" for the same reason.
 */
const RACY_MS = 2_000;

/**
 * A file's identity as the file system keeps it: the real path, the device and inode, the size, and the
 * modification and change times. Replacing or rewriting the file changes it (the change time cannot be set
 * back), so a value derived from the file's content can be remembered under it. Undefined for a file that
 * cannot be read, or that changed too recently (RACY_MS) for its next rewrite to show.
 */
export function fileIdentity(path: string, now = Date.now()): string | undefined {
  try {
    const real = realpathSync(path);
    const { dev, ino, size, mtimeMs, ctimeMs } = statSync(real);
    if (!isSettled(mtimeMs, ctimeMs, now)) return undefined;
    return [real, dev, ino, size, mtimeMs, ctimeMs].join(' ');
  } catch {
    return undefined;
  }
}

/** Whether a file last changed at these times (ms) can be identified by them at `now`. */
export function isSettled(mtimeMs: number, ctimeMs: number, now: number): boolean {
  return now - Math.max(mtimeMs, ctimeMs) >= RACY_MS;
}

/** Enough for every tool and plugin build a workspace goes through; the oldest entries go first. */
const MAX_ENTRIES = 64;

/**
 * Values that are slow to derive from files (a tool's version, a content hash of the plugin's code) and that
 * every inference asks for again, remembered in one JSON file under the identity of the files they come
 * from. It is only a shortcut: a missing, unreadable or corrupt file is an empty memo, and a memo that cannot
 * be written is not an error.
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

  /**
   * `compute()`, remembered under `label` and `identity()` of the files it reads. Computed every time while
   * the identity is unknown (undefined), and not remembered when the identity changed while it computed (a
   * tool replaced during its probe): the value might be the new file's under the old identity.
   */
  remembered(label: string, identity: () => string | undefined, compute: () => string): string {
    const before = identity();
    if (before === undefined) return compute();
    const key = `${label} ${before}`;
    const remembered = this.entries.get(key);
    if (remembered !== undefined) return remembered;
    const value = compute();
    if (identity() === before) {
      this.entries.set(key, value);
      this.changed = true;
    }
    return value;
  }

  /** Writes the memo back when it learnt something, atomically (two commands may save at once: the last wins). */
  save(): void {
    if (!this.file || !this.changed) return;
    try {
      writeFileAtomically(this.file, `${JSON.stringify(Object.fromEntries([...this.entries].slice(-MAX_ENTRIES)))}\n`);
    } catch {
      // A shortcut only: the next command asks the tools again.
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
