import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { UserError } from '../shared/errors';
import { JOURNAL_FILE, LOCK_FILE, commitChartChanges, recoverInterruptedWrite } from './write-journal';
import { NEW_CHART, OLD_CHART } from '../../testing/interrupted-writer';

const WRITER = join(__dirname, '..', '..', 'testing', 'interrupted-writer.js');
/** Memory-backed where there is one: 40 rounds of 350 files on a busy disk take a minute, on tmpfs a few seconds. */
const SCRATCH = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

/** Every file under the chart except Chart.yaml, relative → content: staging, journal and lock files included. */
function snapshot(chart: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(chart, { recursive: true, withFileTypes: true })
      .filter((entry) => !entry.isDirectory())
      .map((entry) => join(entry.parentPath ?? entry.path, entry.name).slice(chart.length + 1))
      .filter((path) => path !== 'Chart.yaml')
      .sort()
      .map((path) => [path, readFileSync(join(chart, path), 'utf8')]),
  );
}

function resetChart(chart: string, files: Readonly<Record<string, string>>): void {
  rmSync(chart, { recursive: true, force: true });
  mkdirSync(join(chart, 'crds'), { recursive: true });
  writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: demo\nversion: 0.1.0\n');
  for (const [path, content] of Object.entries(files)) writeFileSync(join(chart, path), content);
}

/** Which of the two states the chart is in; anything else (a mix, or litter) fails the test with a summary. */
function state(chart: string): 'old' | 'new' {
  const files = snapshot(chart);
  if (JSON.stringify(files) === JSON.stringify(sorted(OLD_CHART))) return 'old';
  if (JSON.stringify(files) === JSON.stringify(sorted(NEW_CHART))) return 'new';
  const paths = Object.keys(files);
  const oldCount = paths.filter((path) => files[path].startsWith('# generation old')).length;
  const newCount = paths.filter((path) => files[path].startsWith('# generation new')).length;
  assert.fail(`the chart is mixed: ${oldCount} old, ${newCount} new, other files: ${paths.filter((path) => !path.endsWith('s.yaml') || path.startsWith('.')).join(', ')}`);
}

const sorted = (files: Readonly<Record<string, string>>) => Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1)));

/** A small seeded generator (mulberry32), so a failing round can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Round {
  /** Whether the process was killed with its transaction recorded but not finished. */
  readonly midTransaction: boolean;
  readonly finished: boolean;
  readonly milliseconds?: number;
  /** How the writer process ended: its exit code, or the signal that ended it. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * Runs the writer on the chart and sends `signal` `delay` ms after it says it is ready. With `linger` the writer
 * stays alive after its write, so the signal always reaches a running process.
 */
function runWriter(chart: string, signal: NodeJS.Signals | undefined, delay: number, linger = false): Promise<Round> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, chart, ...(linger ? ['--linger'] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const before = output;
      output += chunk;
      if (signal && !before.includes('ready') && output.includes('ready')) setTimeout(() => child.kill(signal), delay);
    });
    child.on('error', reject);
    child.on('close', (exitCode, exitSignal) => {
      const done = /done ([\d.]+)/.exec(output);
      resolve({ midTransaction: existsSync(join(chart, JOURNAL_FILE)), finished: done !== null, milliseconds: done ? Number(done[1]) : undefined, exitCode, signal: exitSignal });
    });
  });
}

/** An undisturbed run: it must finish, exit 0 and leave the new chart, or the delays derived from it mean nothing. */
async function calibrate(chart: string): Promise<number> {
  resetChart(chart, OLD_CHART);
  const run = await runWriter(chart, undefined, 0);
  assert.deepEqual({ finished: run.finished, exitCode: run.exitCode, signal: run.signal }, { finished: true, exitCode: 0, signal: null });
  assert.ok(run.milliseconds! > 0, `the writer reported ${run.milliseconds} ms`);
  assert.equal(state(chart), 'new');
  return run.milliseconds!;
}

describe('interrupted chart writes (fault injection with the real writer, 300 renames and 50 removals)', () => {
  let chart: string;
  beforeEach(() => {
    chart = join(mkdtempSync(join(SCRATCH, 'nx-helm-crds-kill-')), 'chart');
  });
  afterEach(() => rmSync(join(chart, '..'), { recursive: true, force: true }));

  it('a write killed (SIGKILL) at 32 random points always ends all-old or all-new after recovery, with nothing left behind', async () => {
    const duration = await calibrate(chart);
    const next = random(20261130);
    const outcomes = { old: 0, new: 0, midTransaction: 0 };
    for (let round = 0; round < 32; round++) {
      resetChart(chart, OLD_CHART);
      const delay = Math.floor(next() * duration * 1.3);
      const result = await runWriter(chart, 'SIGKILL', delay);
      // Delays reach past the write's usual length: a writer the kill missed must have finished cleanly.
      if (result.signal !== 'SIGKILL') assert.deepEqual({ exitCode: result.exitCode, finished: result.finished }, { exitCode: 0, finished: true }, `round ${round} (delay ${delay} ms)`);
      if (result.midTransaction) outcomes.midTransaction++;
      const recovered = recoverInterruptedWrite(chart);
      if (result.midTransaction) assert.equal(recovered?.interrupted, 'finished', `round ${round} (delay ${delay} ms)`);
      outcomes[state(chart)]++;
      assert.equal(recoverInterruptedWrite(chart), undefined, 'a second recovery finds nothing');
    }
    // The kills must land in every phase for the test to mean anything: before, while staging, while renaming.
    assert.ok(outcomes.old > 0 && outcomes.new > 0, JSON.stringify(outcomes));
    assert.ok(outcomes.midTransaction > 0, `no kill landed while files were being renamed (${JSON.stringify(outcomes)}, write takes ${duration} ms)`);
  });

  it('SIGINT or SIGTERM during the write lets it finish (or never start), then ends the writer by that signal: all-old or all-new with nothing left behind, before any recovery', async () => {
    const duration = await calibrate(chart);
    const next = random(7);
    const outcomes = { old: 0, new: 0 };
    for (let round = 0; round < 20; round++) {
      resetChart(chart, OLD_CHART);
      const delay = Math.floor(next() * duration);
      const sent = round % 2 === 0 ? 'SIGINT' : 'SIGTERM';
      const result = await runWriter(chart, sent, delay, true);
      // Died by the signal (re-raised after the write), not an exit: its parent must see the interruption.
      assert.deepEqual({ signal: result.signal, exitCode: result.exitCode }, { signal: sent, exitCode: null }, `round ${round} (${sent} after ${delay} ms)`);
      outcomes[state(chart)]++;
    }
    assert.ok(outcomes.new > 0, `no signal arrived once the write had begun (${JSON.stringify(outcomes)}, write takes ${duration} ms)`);
  });
});

describe('recoverInterruptedWrite', () => {
  let chart: string;
  beforeEach(() => {
    chart = mkdtempSync(join(tmpdir(), 'nx-helm-crds-recover-'));
    resetChart(chart, { 'crds/a.yaml': 'old a\n', 'crds/b.yaml': 'old b\n' });
  });
  afterEach(() => rmSync(chart, { recursive: true, force: true }));

  it('finds nothing to do in a clean chart, and removes the staging files of killed runs', () => {
    assert.equal(recoverInterruptedWrite(chart), undefined);
    writeFileSync(join(chart, 'crds/.a.yaml.nx-helm-crds-staging-999-abcd'), 'half');
    writeFileSync(join(chart, 'crds/.b.yaml.nx-helm-crds-staging-backup-999-abcd'), 'old b\n');
    assert.deepEqual(recoverInterruptedWrite(chart), { files: 0, staleFiles: 2 });
    assert.deepEqual(snapshot(chart), { 'crds/a.yaml': 'old a\n', 'crds/b.yaml': 'old b\n' });
  });

  it('undoes a transaction one of whose staged files is gone, putting the replaced and removed files back', () => {
    // a.yaml was already replaced (its backup kept); b.yaml removed; c.yaml's staged file is missing.
    linkSync(join(chart, 'crds/a.yaml'), join(chart, 'crds/.a.yaml.nx-helm-crds-staging-backup-1-aa'));
    linkSync(join(chart, 'crds/b.yaml'), join(chart, 'crds/.b.yaml.nx-helm-crds-staging-backup-1-bb'));
    rmSync(join(chart, 'crds/a.yaml'));
    writeFileSync(join(chart, 'crds/a.yaml'), 'new a\n');
    rmSync(join(chart, 'crds/b.yaml'));
    writeJournal({
      replacements: [
        { staged: 'crds/.a.yaml.nx-helm-crds-staging-1-a1', path: 'crds/a.yaml', inode: statSync(join(chart, 'crds/a.yaml')).ino, backup: 'crds/.a.yaml.nx-helm-crds-staging-backup-1-aa' },
        { staged: 'crds/.c.yaml.nx-helm-crds-staging-1-c1', path: 'crds/c.yaml', inode: 1 },
      ],
      removals: [{ path: 'crds/b.yaml', backup: 'crds/.b.yaml.nx-helm-crds-staging-backup-1-bb' }],
    });
    assert.deepEqual(recoverInterruptedWrite(chart), { interrupted: 'undone', files: 3, staleFiles: 0 });
    assert.deepEqual(snapshot(chart), { 'crds/a.yaml': 'old a\n', 'crds/b.yaml': 'old b\n' });
  });

  it('refuses a journal that names a path outside the chart, changing nothing', () => {
    writeJournal({ replacements: [{ staged: '../outside', path: 'crds/a.yaml', inode: 1 }], removals: [] });
    assert.throws(() => recoverInterruptedWrite(chart), (error: unknown) => error instanceof UserError && /names \.\.\/outside, outside the chart/.test(error.message));
    assert.equal(readFileSync(join(chart, 'crds/a.yaml'), 'utf8'), 'old a\n');
  });

  it('refuses a committed journal that reaches out of the chart through a link, or moves a file that is not a staging file, changing nothing', () => {
    const outside = mkdtempSync(join(tmpdir(), 'nx-helm-crds-outside-'));
    try {
      writeFileSync(join(outside, 'victim.txt'), 'safe\n');
      writeFileSync(join(outside, 'delete-me'), 'keep\n');
      symlinkSync(outside, join(chart, 'crds/link'));
      writeFileSync(join(chart, 'crds/.payload.nx-helm-crds-staging-1-aa'), 'pwned\n');
      writeJournal({ replacements: [{ staged: 'crds/.payload.nx-helm-crds-staging-1-aa', path: 'crds/link/victim.txt', inode: 1 }], removals: [{ path: 'crds/link/delete-me' }] });
      assert.throws(() => recoverInterruptedWrite(chart), (error: unknown) => error instanceof UserError && /names crds\/link\/victim\.txt, which lies behind the symbolic link crds\/link/.test(error.message));
      rmSync(join(chart, JOURNAL_FILE));
      writeFileSync(join(chart, 'crds/payload'), 'pwned\n');
      writeJournal({ replacements: [{ staged: 'crds/payload', path: 'crds/a.yaml', inode: 1 }], removals: [] });
      assert.throws(() => recoverInterruptedWrite(chart), /names crds\/payload as the staged copy of crds\/a\.yaml, which is not an nx-helm-crds staging file beside it/);
      rmSync(join(chart, JOURNAL_FILE));
      for (const path of ['.git/config', 'values.yaml', 'charts/sub/crds/a.yaml']) {
        writeJournal({ replacements: [], removals: [{ path }] });
        assert.throws(() => recoverInterruptedWrite(chart), new RegExp(`names ${path.replace(/\./g, '\\.')}, which is not under crds/ or templates/, where CRD files are written`));
        rmSync(join(chart, JOURNAL_FILE));
      }
      assert.equal(readFileSync(join(outside, 'victim.txt'), 'utf8'), 'safe\n');
      assert.equal(readFileSync(join(outside, 'delete-me'), 'utf8'), 'keep\n');
      assert.equal(readFileSync(join(chart, 'crds/a.yaml'), 'utf8'), 'old a\n');
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('refuses a journal that is not JSON, saying what to do', () => {
    writeFileSync(join(chart, JOURNAL_FILE), '{"version":');
    assert.throws(() => recoverInterruptedWrite(chart), (error: unknown) => error instanceof UserError && /is not valid JSON.*git status.*delete that file/.test(error.message));
  });

  it('breaks a lock whose pid is not a process id (a committed lock naming 0 or -1 would ask about every process)', () => {
    for (const pid of [0, -1, 1.5]) {
      writeFileSync(join(chart, LOCK_FILE), JSON.stringify({ pid, host: hostname() }));
      writeFileSync(join(chart, 'crds/.a.yaml.nx-helm-crds-staging-999-abcd'), 'left by a dead writer');
      assert.deepEqual(recoverInterruptedWrite(chart), { files: 0, staleFiles: 1 }, `pid ${pid}`);
    }
  });

  it('leaves a chart alone while a live process holds its lock, and breaks the lock of a dead one', () => {
    const sleeper = spawn('sleep', ['30']);
    try {
      writeFileSync(join(chart, LOCK_FILE), JSON.stringify({ pid: sleeper.pid, host: hostname() }));
      writeFileSync(join(chart, 'crds/.a.yaml.nx-helm-crds-staging-999-abcd'), 'live writer');
      assert.equal(recoverInterruptedWrite(chart), undefined);
      assert.ok(existsSync(join(chart, 'crds/.a.yaml.nx-helm-crds-staging-999-abcd')));
    } finally {
      sleeper.kill('SIGKILL');
    }
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    writeFileSync(join(chart, LOCK_FILE), JSON.stringify({ pid: Number(dead), host: hostname() }));
    assert.deepEqual(recoverInterruptedWrite(chart), { files: 0, staleFiles: 1 });
    assert.deepEqual(snapshot(chart), { 'crds/a.yaml': 'old a\n', 'crds/b.yaml': 'old b\n' });
  });

  it("removes staging files only where writes go: a subchart's (a chart of its own, with its own writer) are not this chart's", () => {
    mkdirSync(join(chart, 'charts/sub/crds'), { recursive: true });
    mkdirSync(join(chart, 'templates/crd'), { recursive: true });
    const subchartStaging = join(chart, 'charts/sub/crds/.a.yaml.nx-helm-crds-staging-999-abcd');
    writeFileSync(subchartStaging, "the subchart's own write");
    writeFileSync(join(chart, 'templates/crd/.b.yaml.nx-helm-crds-staging-999-abcd'), 'left by a dead writer');
    writeFileSync(join(chart, '.nx-helm-crds.lock.nx-helm-crds-staging-999-abcd'), 'left by a dead writer');
    assert.deepEqual(recoverInterruptedWrite(chart), { files: 0, staleFiles: 2 });
    assert.ok(existsSync(subchartStaging));
  });

  it("leaves a chart alone while another host's lock is younger than the lock wait, and breaks an older one (an exited container, a committed lock)", async () => {
    // Its age is read from the file system's clock (the lock's modification time), not from either host's.
    const lockFrom = (host: string, ageSeconds: number) => {
      writeFileSync(join(chart, LOCK_FILE), JSON.stringify({ pid: 1, host }));
      const taken = new Date(Date.now() - ageSeconds * 1000);
      utimesSync(join(chart, LOCK_FILE), taken, taken);
    };
    const elsewhere = `not-${hostname()}`;
    lockFrom(elsewhere, 100);
    writeFileSync(join(chart, 'crds/.a.yaml.nx-helm-crds-staging-999-abcd'), 'live writer');
    assert.equal(recoverInterruptedWrite(chart), undefined);
    lockFrom(elsewhere, 121);
    assert.deepEqual(recoverInterruptedWrite(chart), { files: 0, staleFiles: 1 });
    lockFrom(elsewhere, 121);
    await commitChartChanges(chart, [{ path: join(chart, 'crds/a.yaml'), content: 'new a\n' }], []);
    assert.deepEqual(snapshot(chart), { 'crds/a.yaml': 'new a\n', 'crds/b.yaml': 'old b\n' });
  });

  it("never follows a crds/ or templates/ that links elsewhere (another chart's, whose staging files may be a live write's)", () => {
    const other = mkdtempSync(join(tmpdir(), 'nx-helm-crds-other-chart-'));
    try {
      writeFileSync(join(other, '.a.yaml.nx-helm-crds-staging-999-abcd'), "the other chart's write");
      rmSync(join(chart, 'crds'), { recursive: true });
      symlinkSync(other, join(chart, 'crds'));
      symlinkSync(other, join(chart, 'templates'));
      writeFileSync(join(chart, '.x.nx-helm-crds-staging-999-abcd'), 'left by a dead writer');
      assert.deepEqual(recoverInterruptedWrite(chart), { files: 0, staleFiles: 1 });
      assert.ok(existsSync(join(other, '.a.yaml.nx-helm-crds-staging-999-abcd')));
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('a write first recovers an interrupted one, then leaves no journal, lock or staging file', async () => {
    writeFileSync(join(chart, 'crds/.x.yaml.nx-helm-crds-staging-999-abcd'), 'stale');
    await commitChartChanges(chart, [{ path: join(chart, 'crds/a.yaml'), content: 'new a\n' }], [join(chart, 'crds/b.yaml')]);
    assert.deepEqual(snapshot(chart), { 'crds/a.yaml': 'new a\n' });
  });

  function writeJournal(journal: object): void {
    writeFileSync(join(chart, JOURNAL_FILE), JSON.stringify({ version: 1, ...journal }));
  }
});
