import { closeSync, fsyncSync, linkSync, lstatSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { printable } from '../shared/printable';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import {
  canRollForward,
  fileSystemError,
  isStagingFile,
  rollBack,
  rollForward,
  stagingPathFor,
  writeFilesAtomically,
  type FileContent,
  type Transaction,
  type TransactionJournal,
} from '../fs/atomic-files';
import { UserError } from '../shared/errors';
import { relativeInside } from '../paths/workspace-paths';

/**
 * A chart's writes are transactions: the journal (at the chart root, where every target of the chart finds
 * it) lists what a run is about to rename and remove, and the lock lets one process at a time write the chart
 * or recover it. Both are hidden, so Helm's and our own file listings skip them.
 */
export const JOURNAL_FILE = '.nx-helm-crds-journal.json';
export const LOCK_FILE = '.nx-helm-crds.lock';

const LOCK_WAIT_MS = 120_000;
const LOCK_POLL_MS = 20;
const DEFERRED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export interface RecoveryOutcome {
  /** What happened to an interrupted transaction, if there was one. */
  readonly interrupted?: 'finished' | 'undone';
  /** Files the interrupted transaction replaced or removed. */
  readonly files: number;
  /** Staging files of killed runs that were removed. */
  readonly staleFiles: number;
}

/**
 * Writes `files` into the chart and removes `remove`, all or nothing, even if the process is killed: under the
 * chart's lock, an earlier interrupted write is recovered first, then the staged files are recorded in the
 * journal before the first rename. SIGINT, SIGTERM and SIGHUP wait from taking the lock to releasing it; while
 * another live process holds the lock this waits (asynchronously, so Ctrl-C still ends it at once).
 */
export async function commitChartChanges(chartDirectory: string, files: readonly FileContent[], remove: readonly string[]): Promise<void> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  const commit = () => {
    recoverHoldingLock(chartDirectory);
    writeFilesAtomically(files, { remove, journal: journalAt(chartDirectory) });
  };
  while (!holdingLock(chartDirectory, commit)) {
    if (Date.now() > deadline) {
      const lockPath = join(chartDirectory, LOCK_FILE);
      throw new UserError(
        `Another nx-helm-crds run (${describeOwner(readOwner(lockPath))}) has been writing ${chartDirectory} for over ${LOCK_WAIT_MS / 1000} s. ` +
          `Wait for it, or if no such process exists, delete ${lockPath}. Nothing was written.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
}

/**
 * Finishes or undoes a write of the chart that was interrupted (the process was killed), and removes the
 * staging files killed runs left. Cheap when there is nothing to do: one walk of the chart's folders. A chart
 * another live process is writing is left to that process. Undefined when nothing was found.
 */
export function recoverInterruptedWrite(chartDirectory: string): RecoveryOutcome | undefined {
  if (!hasLeftovers(chartDirectory)) return undefined;
  let outcome: RecoveryOutcome | undefined;
  holdingLock(chartDirectory, () => {
    outcome = recoverHoldingLock(chartDirectory);
  });
  return outcome;
}

/**
 * Runs `work` holding the chart's lock, with signals deferred from taking the lock to releasing it (so a lock
 * is never left behind by Ctrl-C); false, without running it, while a live process holds the lock.
 */
function holdingLock(chartDirectory: string, work: () => void): boolean {
  return deferSignals(() => {
    const release = tryLock(chartDirectory);
    if (!release) return false;
    try {
      work();
    } finally {
      release();
    }
    return true;
  });
}

function recoverHoldingLock(chartDirectory: string): RecoveryOutcome {
  const journalPath = join(chartDirectory, JOURNAL_FILE);
  let text: string | undefined;
  try {
    text = readFileSync(journalPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw fileSystemError(error, 'read', journalPath, 'Nothing was changed.');
  }
  let outcome: RecoveryOutcome = { files: 0, staleFiles: 0 };
  if (text !== undefined) {
    const transaction = parseJournal(text, chartDirectory, journalPath);
    const finish = canRollForward(transaction);
    try {
      (finish ? rollForward : rollBack)(transaction);
    } catch (error) {
      throw fileSystemError(error, finish ? 'finish the interrupted write recorded in' : 'undo the interrupted write recorded in', journalPath, 'Run again once that is fixed.');
    }
    rmSync(journalPath, { force: true });
    outcome = { interrupted: finish ? 'finished' : 'undone', files: transaction.replacements.length + transaction.removals.length, staleFiles: 0 };
  }
  const stale = stagingFiles(chartDirectory);
  for (const file of stale) rmSync(file, { force: true });
  return { ...outcome, staleFiles: stale.length };
}

interface JournalEntry {
  readonly staged?: string;
  readonly path: string;
  readonly inode?: number;
  readonly backup?: string;
}

interface JournalFile {
  readonly version: 1;
  readonly replacements: readonly JournalEntry[];
  readonly removals: readonly JournalEntry[];
}

/** The journal records chart-relative paths, so a moved or re-cloned workspace recovers the same way. */
function journalAt(chartDirectory: string): TransactionJournal {
  const journalPath = join(chartDirectory, JOURNAL_FILE);
  const relativeTo = (path: string) => relative(chartDirectory, path).split(sep).join('/');
  return {
    record(transaction) {
      const journal: JournalFile = {
        version: 1,
        replacements: transaction.replacements.map((entry) => ({
          staged: relativeTo(entry.staged),
          path: relativeTo(entry.path),
          inode: entry.inode,
          ...(entry.backup ? { backup: relativeTo(entry.backup) } : {}),
        })),
        removals: transaction.removals.map((entry) => ({ path: relativeTo(entry.path), ...(entry.backup ? { backup: relativeTo(entry.backup) } : {}) })),
      };
      try {
        writeDurably(journalPath, `${JSON.stringify(journal)}\n`);
      } catch (error) {
        throw fileSystemError(error, 'write', journalPath);
      }
    },
    clear() {
      rmSync(journalPath, { force: true });
    },
  };
}

/** Writes a file so that it is either absent or complete, and on disk, when this returns (even after a power cut). */
function writeDurably(path: string, content: string): void {
  const temp = stagingPathFor(path);
  const descriptor = openSync(temp, 'wx');
  try {
    writeFileSync(descriptor, content);
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
  renameSync(temp, path);
  const directory = openSync(resolve(path, '..'), 'r');
  try {
    fsyncSync(directory);
  } finally {
    closeSync(directory);
  }
}

/** Reads a journal back, refusing any path outside the chart: recovery renames and removes what it names. */
function parseJournal(text: string, chartDirectory: string, journalPath: string): Transaction {
  const corrupt = (why: string) =>
    new UserError(
      `${journalPath} (the record of an interrupted nx-helm-crds write) ${why}, so the write cannot be finished or undone automatically. ` +
        'Check the chart with git status, restore what is wrong, then delete that file.',
    );
  let journal: JournalFile;
  try {
    journal = JSON.parse(text) as JournalFile;
  } catch {
    throw corrupt('is not valid JSON');
  }
  if (journal?.version !== 1 || !Array.isArray(journal.replacements) || !Array.isArray(journal.removals)) throw corrupt('is not a journal this version understands');
  // The journal is a file in the chart, so a commit can supply one: every path it names must be in a folder
  // writes go to, reached through real folders only (never a link out of the chart), and the staged and backup
  // files it moves must be our staging files beside their destination.
  const chartRoot = resolve(chartDirectory);
  const inChart = (path: unknown): string => {
    if (typeof path !== 'string' || isAbsolute(path)) throw corrupt(`names the path ${JSON.stringify(path)}, which is not chart-relative`);
    const absolute = resolve(chartRoot, path);
    if (!relativeInside(chartRoot, absolute)) throw corrupt(`names ${path}, outside the chart`);
    const folders = relative(chartRoot, dirname(absolute)).split(sep).filter((part) => part !== '');
    if (!WRITTEN_FOLDERS.includes(folders[0])) throw corrupt(`names ${path}, which is not under ${WRITTEN_FOLDERS.map((folder) => `${folder}/`).join(' or ')}, where CRD files are written`);
    for (let depth = 1; depth <= folders.length; depth++) {
      if (lstatSync(join(chartRoot, ...folders.slice(0, depth)), { throwIfNoEntry: false })?.isSymbolicLink()) {
        throw corrupt(`names ${path}, which lies behind the symbolic link ${folders.slice(0, depth).join('/')}`);
      }
    }
    return absolute;
  };
  const besideAsStaging = (staging: unknown, destination: string): string => {
    const absolute = inChart(staging);
    if (dirname(absolute) !== dirname(destination) || !isStagingFile(basename(absolute))) {
      throw corrupt(`names ${String(staging)} as the staged copy of ${relative(chartRoot, destination)}, which is not an nx-helm-crds staging file beside it`);
    }
    return absolute;
  };
  const optionalBackup = (backup: unknown, destination: string) => (backup === undefined ? undefined : besideAsStaging(backup, destination));
  return {
    replacements: journal.replacements.map((entry) => {
      if (typeof entry.inode !== 'number') throw corrupt('has an entry without an inode');
      const path = inChart(entry.path);
      return { staged: besideAsStaging(entry.staged, path), path, inode: entry.inode, backup: optionalBackup(entry.backup, path) };
    }),
    removals: journal.removals.map((entry) => {
      const path = inChart(entry.path);
      return { path, backup: optionalBackup(entry.backup, path) };
    }),
  };
}

/**
 * The chart folders CRD files are written to (crdDirectory keeps every placement under one of them); the journal
 * and the lock sit at the chart root. Nothing else in a chart is ours: not its subcharts (charts/, which may be
 * charts of their own with their own lock and writer), nor a workspace's .git or node_modules when a chart sits
 * at the root.
 */
const WRITTEN_FOLDERS = ['crds', 'templates'];

/** Every staging file at the chart root and under the folders writes go to (symbolic links are not followed). */
function stagingFiles(chartDirectory: string): string[] {
  const found: string[] = [];
  const visit = (directory: string, recursive: boolean): void => {
    let entries;
    try {
      entries = readdirSync(directory, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return;
      throw fileSystemError(error, 'list', directory, 'Nothing was changed.');
    }
    for (const entry of entries) {
      if (entry.isDirectory()) {
        if (recursive) visit(join(directory, entry.name), true);
      } else if (isStagingFile(entry.name)) found.push(join(directory, entry.name));
    }
  };
  visit(chartDirectory, false);
  // Only real folders: a crds/ linked to another chart's holds that chart's staging files, perhaps a live write's.
  for (const folder of WRITTEN_FOLDERS) if (lstatSync(join(chartDirectory, folder), { throwIfNoEntry: false })?.isDirectory()) visit(join(chartDirectory, folder), true);
  return found;
}

function hasLeftovers(chartDirectory: string): boolean {
  const rootEntries = safeList(chartDirectory);
  return rootEntries.includes(JOURNAL_FILE) || rootEntries.includes(LOCK_FILE) || stagingFiles(chartDirectory).length > 0;
}

function safeList(directory: string): string[] {
  try {
    return readdirSync(directory);
  } catch {
    return [];
  }
}

interface LockOwner {
  readonly pid: number;
  readonly host: string;
}

/**
 * Takes the lock if it is free or its owner is dead; returns how to release it, or undefined while a live
 * process holds it. The lock file is created complete (linked from a written file), so its owner is always
 * readable.
 */
function tryLock(chartDirectory: string): (() => void) | undefined {
  const lockPath = join(chartDirectory, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, host: hostname() };
  const temp = stagingPathFor(lockPath);
  try {
    writeFileSync(temp, JSON.stringify(me), { flag: 'wx' });
  } catch (error) {
    throw fileSystemError(error, 'write in', chartDirectory);
  }
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(temp, lockPath);
        return () => rmSync(lockPath, { force: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw fileSystemError(error, 'lock', chartDirectory);
      }
      const owner = readOwner(lockPath);
      if (owner === 'gone') continue;
      if (isAlive(owner, () => lockAgeMs(lockPath, temp))) return undefined;
      breakStaleLock(lockPath, owner);
    }
    return undefined;
  } finally {
    rmSync(temp, { force: true });
  }
}

/** Moves a dead owner's lock aside; if a live process replaced it meanwhile, that lock is put back. */
function breakStaleLock(lockPath: string, stale: LockOwner | undefined): void {
  const aside = stagingPathFor(lockPath, 'stale-');
  try {
    renameSync(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw fileSystemError(error, 'remove the stale lock', lockPath);
  }
  const moved = readOwner(aside);
  if (moved !== 'gone' && JSON.stringify(moved) !== JSON.stringify(stale)) {
    try {
      linkSync(aside, lockPath);
    } catch {
      // Someone holds a newer lock already.
    }
  }
  rmSync(aside, { force: true });
}

function readOwner(lockPath: string): LockOwner | undefined | 'gone' {
  let text: string;
  try {
    text = readFileSync(lockPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw fileSystemError(error, 'read', lockPath);
  }
  try {
    const owner = JSON.parse(text) as LockOwner;
    // A lock file can be committed: a pid that is not a process id (0 and -1 would ask about a whole process
    // group or every process) makes it unreadable, that is dead.
    return Number.isSafeInteger(owner?.pid) && owner.pid > 0 && typeof owner.host === 'string' ? owner : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An unreadable lock counts as dead. An owner on another host (a shared folder, a container that has exited, a
 * lock file committed by mistake) cannot be asked, so it counts as alive for as long as this run would wait
 * for a live one: a write holds the lock for seconds, never for that long.
 */
function isAlive(owner: LockOwner | undefined, ageMs: () => number): boolean {
  if (!owner) return false;
  if (owner.host !== hostname()) return ageMs() < LOCK_WAIT_MS;
  if (owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * How long ago the lock was taken, by the file system's clock: the lock's modification time against that of
 * the file this run has just written beside it, so neither host's clock is trusted.
 */
function lockAgeMs(lockPath: string, justWritten: string): number {
  const lock = lstatSync(lockPath, { throwIfNoEntry: false });
  const now = lstatSync(justWritten, { throwIfNoEntry: false });
  return lock && now ? now.mtimeMs - lock.mtimeMs : 0;
}

function describeOwner(owner: LockOwner | undefined | 'gone'): string {
  return owner && owner !== 'gone' ? `process ${owner.pid} on ${printable(owner.host)}` : 'unknown process';
}

/**
 * Runs synchronous work that must not be cut short by Ctrl-C or a termination request. While a listener is
 * installed, Node queues those signals instead of exiting; the listener can only run once `work` has returned,
 * and then acts as if it had never been there (re-raising the signal when no one else listens). It stays
 * installed: removing it right after `work` could drop a signal that arrived during it.
 */
function deferSignals<T>(work: () => T): T {
  if (!signalsDeferred) {
    signalsDeferred = true;
    for (const name of DEFERRED_SIGNALS) process.on(name, reraise);
  }
  return work();
}

let signalsDeferred = false;

function reraise(signal: NodeJS.Signals): void {
  signalsDeferred = false;
  for (const name of DEFERRED_SIGNALS) process.removeListener(name, reraise);
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}
