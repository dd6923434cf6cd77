#!/usr/bin/env node
/**
 * nx-helm-crds benchmark: the plugin against the usual per-CRD shell/Makefile recipe, side by side, in one run.
 *
 *   node tools/bench/run.mjs [--charts 1,3,10] [--runs 5] [--seed 1] [--out tools/bench/results/run-charts-1-3-10.json]
 *                            [--no-example] [--live-plugin] [--keep] [--quiet-wait 20] [--helm] [--no-summary]
 *                            [--scenarios baseline,floor,cold,cold-batch,warm,warm-daemon,incremental]
 *   node tools/bench/run.mjs --smoke        # CI: smallest workload, each scenario once, checks only (< 60 s)
 *   node tools/bench/run.mjs --report tools/bench/results/run-charts-1-3-10.json [--update-summary]
 *                                           # print the tables of an earlier run again (and put it in the summary)
 *
 * Build the plugin first (`npx tsc -b`). Needs the pinned kubectl (.tools/bin/kubectl, `node tools/fetch-binaries.mjs`)
 * or $NX_HELM_CRDS_KUSTOMIZE.
 *
 * Workloads: one generated workspace per --charts value (tools/bench/generate-workload.mjs, seeded), plus a copy
 * of the embedded example (examples/operator, as test/e2e/workspace.ts builds it) unless --no-example.
 * Scenarios, each one warm-up run then --runs timed runs (median, min, max):
 *   baseline     tools/bench/shell-baseline.sh: per CRD, `kubectl kustomize <dir> | select that CRD` (sequential,
 *                like `make` without -j; chart crds/ removed before each run, i.e. a phony/always-rebuild target)
 *   floor        one `kubectl kustomize <dir> > /dev/null` per distinct kustomization (sequential); also timed
 *                alone for the kustomization the incremental scenario edits (floor-edit)
 *   cold         `nx run-many -t crds` with .nx/cache, dist/ and the charts' crds/ removed (.nx/workspace-data,
 *                the project graph cache, is kept)
 *   cold-batch   cold with Nx's batch mode (NX_BATCH_MODE=true, as `--batch`): one process per executor for all
 *                charts instead of one per task
 *   warm         the same command again, nothing changed: every task must come from the cache. One untimed run
 *                first ("settle"): the run right after one that wrote the chart checks the written files once
 *   warm-daemon  warm, with the Nx daemon on (NX_DAEMON=true), as on a developer's machine; CI and containers
 *                run without it, as `warm` does. The daemon is stopped afterwards
 *   incremental  one CRD source file of one kustomization edited (the same line each run, a value of the same length
 *                that is new each run so it is never a cache hit), then `nx run-many -t crds`; afterwards the edit
 *                is reverted and untimed nx runs restore the warm state (the first rewrites the edited charts from
 *                the cached build, the second checks them once, see "settle")
 * --helm sets NX_HELM_CRDS_HELM to the pinned .tools/bin/helm, so verify renders the chart with helm; without it
 * verify uses whatever helm the environment offers (NX_HELM_CRDS_HELM, PATH; none on these machines), which
 * the results record.
 * nx runs use CI=true NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false FORCE_COLOR=0 and Nx's default parallelism
 * (3); NX_PROFILE gives the per-task times reported under "where the time goes".
 *
 * Shared machines: before each run the bench waits (up to --quiet-wait seconds, default 20, 0 to skip) until the
 * machine is nearly idle, and records per run the CPU the rest of the machine used meanwhile ("other CPU s"):
 * a large value means that run was slowed by someone else's work.
 *
 * Memory: with /usr/bin/time (GNU time's %M, the "Maximum resident set size" of -v): the peak RSS of the largest
 * single process of the run ("max proc RSS"); and the peak total RSS of the whole process tree, detached Nx plugin
 * workers included, sampled from /proc every 100 ms ("tree RSS"). CPU: GNU time's user+sys plus the CPU sampled
 * from the tree's detached processes (Nx's plugin workers escape GNU time).
 *
 * By default the workspaces get a private snapshot of the compiled plugin (node_modules overlay whose entries
 * link to the repo's, except nx-helm-crds, which is copied at start), so a concurrent rebuild of the plugin
 * cannot change the code under measurement half-way; --live-plugin links the repo's node_modules instead.
 * Results (machine facts, sizes, every run) go to --out as JSON (default tools/bench/results/, ignored by git); the
 * table and ratios are printed. A full run whose checks all pass also updates its workloads' rows in the committed
 * tools/bench/summary.json (medians, ratios, date, machine), which the README quotes; --smoke and --no-summary
 * do not, so CI leaves the git tree as it was.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXAMPLE_CHART, REPO_ROOT, crdLayout, generateWorkload, repoWiring, writeManifest, writeWorkspaceShell } from './generate-workload.mjs';
import { machineSummary, rawResultsFile, updateSummary } from './summary.mjs';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const PAGE_KB = (() => {
  try {
    return Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim()) / 1024 || 4;
  } catch {
    return 4;
  }
})();
const SCENARIOS = ['baseline', 'floor', 'cold', 'cold-batch', 'warm', 'warm-daemon', 'incremental'];
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

// ---------------------------------------------------------------------------------------------- arguments

function parseArgs(argv) {
  const args = { helm: false, report: undefined, quietWait: 20, charts: [1, 3, 10], runs: 5, seed: 1, out: undefined, example: true, livePlugin: false, keep: false, smoke: false, summary: true, updateSummary: false, scenarios: SCENARIOS };
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index];
    const value = () => {
      const next = argv[++index];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      return next;
    };
    if (flag === '--charts') args.charts = value().split(',').map(Number);
    else if (flag === '--runs') args.runs = Number(value());
    else if (flag === '--seed') args.seed = Number(value());
    else if (flag === '--out') args.out = value();
    else if (flag === '--scenarios') args.scenarios = value().split(',');
    else if (flag === '--quiet-wait') args.quietWait = Number(value());
    else if (flag === '--report') args.report = value();
    else if (flag === '--no-example') args.example = false;
    else if (flag === '--helm') args.helm = true;
    else if (flag === '--live-plugin') args.livePlugin = true;
    else if (flag === '--keep') args.keep = true;
    else if (flag === '--smoke') args.smoke = true;
    else if (flag === '--no-summary') args.summary = false;
    else if (flag === '--update-summary') args.updateSummary = true;
    else if (flag === '--help' || flag === '-h') {
      console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0].replace(/^#!.*\n\/\*\*\n/, '').replace(/^ \* ?/gm, ''));
      process.exit(0);
    } else throw new Error(`Unknown argument ${flag} (see --help)`);
  }
  if (args.charts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--charts takes positive integers, e.g. 1,3,10');
  if (!Number.isInteger(args.runs) || args.runs < 1) throw new Error('--runs takes a positive integer');
  for (const scenario of args.scenarios) if (!SCENARIOS.includes(scenario)) throw new Error(`Unknown scenario ${scenario}`);
  if (args.smoke) {
    args.charts = [Math.min(...args.charts, 1)];
    args.runs = 1;
    args.example = false;
    args.scenarios = SCENARIOS;
    args.quietWait = 0;
    args.summary = false;
  }
  const name = args.smoke ? 'run-smoke' : `run-charts-${args.charts.join('-')}${args.example ? '-example' : ''}`;
  args.out = resolve(args.out ?? rawResultsFile(name));
  return args;
}

// ------------------------------------------------------------------------------------------- environment

const kubectl = process.env.NX_HELM_CRDS_KUSTOMIZE ? resolve(process.env.NX_HELM_CRDS_KUSTOMIZE) : join(REPO_ROOT, '.tools/bin/kubectl');
const PINNED_HELM = join(REPO_ROOT, '.tools/bin/helm');
let helmOverride; // set by --helm

/** The helm verify would find (the plugin's lookup: $NX_HELM_CRDS_HELM, then PATH), for the record. */
function helmForVerify() {
  const env = baseEnv();
  if (env.NX_HELM_CRDS_HELM) return `${env.NX_HELM_CRDS_HELM} (NX_HELM_CRDS_HELM)`;
  const found = (env.PATH ?? '').split(':').filter((dir) => dir !== '').map((dir) => join(dir, 'helm')).find((file) => existsSync(file));
  return found ? `${found} (PATH)` : 'none: verify compares the chart files without rendering';
}

function baseEnv(extra = {}) {
  const env = { ...process.env };
  delete env.NX_SKIP_NX_CACHE;
  delete env.NX_PROFILE;
  return {
    ...env,
    CI: 'true',
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    FORCE_COLOR: '0',
    NX_HELM_CRDS_KUSTOMIZE: kubectl,
    ...(helmOverride ? { NX_HELM_CRDS_HELM: helmOverride } : {}),
    ...extra,
  };
}

function machineFacts(pluginDir) {
  const cpus = os.cpus();
  const read = (file) => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  };
  const kubectlVersion = spawnSync(kubectl, ['version', '--client'], { encoding: 'utf8' }).stdout ?? '';
  const pluginVersion = JSON.parse(readFileSync(join(pluginDir, 'package.json'), 'utf8')).version;
  const pluginCode = createRequire(import.meta.url)(join(pluginDir, 'dist/core/fs/fingerprints.js')).pluginCodeFingerprint(pluginDir);
  return {
    date: new Date().toISOString(),
    hostname: os.hostname(),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    os: /PRETTY_NAME="([^"]+)"/.exec(read('/etc/os-release') ?? '')?.[1],
    cores: cpus.length,
    cpuModel: cpus[0]?.model,
    memoryBytes: os.totalmem(),
    node: process.version,
    nx: JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules/nx/package.json'), 'utf8')).version,
    plugin: `nx-helm-crds ${pluginVersion} ${pluginCode}`,
    kubectl: /Client Version:\s*(\S+)/.exec(kubectlVersion)?.[1],
    kustomize: /Kustomize Version:\s*(\S+)/.exec(kubectlVersion)?.[1],
    kustomizeBinary: kubectl,
    helmForVerify: helmForVerify(),
    loadAverageAtStart: os.loadavg(),
    memoryMeasurement: GNU_TIME
      ? 'maxRssKb: GNU /usr/bin/time %M, "Maximum resident set size" (largest single process the run waited for); treeRssKb: peak sum of RSS over the whole process tree (detached Nx plugin workers included), sampled from /proc every 100 ms'
      : 'maxRssKb: unavailable (no /usr/bin/time); treeRssKb: peak sum of RSS over the whole process tree (detached Nx plugin workers included), sampled from /proc every 100 ms',
    cpuMeasurement:
      'cpuMs: GNU time user+sys of the run and the children it waited for, plus utime+stime sampled from the detached processes of the tree (Nx plugin workers); ' +
      'otherCpuMs: busy CPU of the whole machine (/proc/stat) during the run minus cpuMs',
  };
}

/**
 * A node_modules for the bench workspaces: every entry links to the repo's, except nx-helm-crds, a copy of the
 * package as built now (dist, package.json, executors/generators json, schemas).
 */
function pluginSnapshot(scratch) {
  const overlay = join(scratch, 'node_modules');
  mkdirSync(overlay, { recursive: true });
  const repoModules = join(REPO_ROOT, 'node_modules');
  for (const entry of readdirSync(repoModules)) {
    if (entry === 'nx-helm-crds') continue;
    symlinkSync(join(repoModules, entry), join(overlay, entry));
  }
  const source = join(REPO_ROOT, 'packages/nx-helm-crds');
  if (!existsSync(join(source, 'dist/executors'))) throw new Error('The plugin is not built: run `npx tsc -b` first.');
  cpSync(source, join(overlay, 'nx-helm-crds'), {
    recursive: true,
    filter: (path) => !/\.test\.(js|d\.ts|js\.map)$|\.tsbuildinfo$/.test(path),
  });
  return overlay;
}

// ------------------------------------------------------------------------------------------- measurement

/** Every process now: pid -> { ppid, rssKb, cpuMs } (from /proc/<pid>/stat). */
function processTable() {
  const table = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // After "pid (comm) ": fields[0] is field 3 (state); ppid is field 4, utime/stime 14/15, rss (pages) 24.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    table.set(Number(entry), {
      ppid: Number(fields[1]),
      session: Number(fields[3]),
      rssKb: Number(fields[21]) * PAGE_KB,
      cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS,
    });
  }
  return table;
}

/**
 * Samples a process tree: every descendant of `rootPid`, also those that start their own session or process
 * group (Nx's plugin workers are spawned detached) and those re-parented after their parent exited.
 */
class TreeSampler {
  constructor(rootPid) {
    this.rootPid = rootPid;
    this.members = new Set([rootPid]);
    this.cpuMs = new Map();
    this.detached = new Set();
    this.session = undefined;
    this.peakRssKb = 0;
  }

  sample() {
    const table = processTable();
    let grew = true;
    while (grew) {
      grew = false;
      for (const [pid, info] of table) {
        if (!this.members.has(pid) && this.members.has(info.ppid)) {
          this.members.add(pid);
          grew = true;
        }
      }
    }
    this.session ??= table.get(this.rootPid)?.session;
    let rss = 0;
    for (const pid of this.members) {
      const info = table.get(pid);
      if (!info) continue;
      if (this.session !== undefined && info.session !== this.session) this.detached.add(pid);
      rss += info.rssKb;
      this.cpuMs.set(pid, Math.max(this.cpuMs.get(pid) ?? 0, info.cpuMs));
    }
    this.peakRssKb = Math.max(this.peakRssKb, rss);
  }

  /** CPU of the sampled processes (misses what ran between the last sample and exit, and processes under 100 ms). */
  get sampledCpuMs() {
    return [...this.cpuMs.values()].reduce((sum, value) => sum + value, 0);
  }

  /** CPU of the sampled processes that started a session of their own (Nx's detached plugin workers). */
  get detachedCpuMs() {
    return [...this.detached].reduce((sum, pid) => sum + (this.cpuMs.get(pid) ?? 0), 0);
  }
}

/** Busy CPU time of the whole machine so far (all cores), in ms, from /proc/stat. */
function machineBusyMs() {
  try {
    const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = values;
    return (user + nice + system + irq + softirq + (steal || 0)) * (1000 / CLOCK_TICKS);
  } catch {
    return undefined;
  }
}

const sleep = (ms) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

/**
 * Waits (up to `maxMs`) until the machine is nearly idle: less than 0.25 of a core busy over a 1 s window, so
 * other work on a shared machine does not land inside a timed run. Returns what it saw.
 */
async function waitForQuiet(maxMs) {
  const start = Date.now();
  let busyCores;
  for (;;) {
    const before = machineBusyMs();
    await sleep(1000);
    const after = machineBusyMs();
    if (before === undefined || after === undefined) return { waitedMs: 0 };
    busyCores = (after - before) / 1000;
    if (busyCores < 0.25 || Date.now() - start >= maxMs) return { waitedMs: Date.now() - start, busyCoresBefore: Number(busyCores.toFixed(2)) };
  }
}

/** Runs a command in its own process group; wall time (hrtime), peak memory, CPU, output to `logFile`. */
function measure(command, args, { cwd, env, logFile }) {
  return new Promise((resolvePromise, reject) => {
    mkdirSync(dirname(logFile), { recursive: true });
    const out = openSync(logFile, 'w');
    const timeFile = `${logFile}.time`;
    const [file, fileArgs] = GNU_TIME ? [GNU_TIME, ['-f', '%M %U %S', '-o', timeFile, command, ...args]] : [command, args];
    const busyStart = machineBusyMs();
    const startedAt = Date.now();
    const start = process.hrtime.bigint();
    const child = spawn(file, fileArgs, { cwd, env, stdio: ['ignore', out, out] });
    const tree = new TreeSampler(child.pid);
    const sample = () => {
      try {
        tree.sample();
      } catch {
        /* a process vanished mid-read */
      }
    };
    const timer = setInterval(sample, 100);
    child.on('error', (error) => {
      clearInterval(timer);
      closeSync(out);
      reject(error);
    });
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      const busyEnd = machineBusyMs();
      clearInterval(timer);
      closeSync(out);
      let maxRssKb;
      let cpuMs;
      if (GNU_TIME && existsSync(timeFile)) {
        const line = readFileSync(timeFile, 'utf8').trim().split('\n').pop();
        const [rss, user, sys] = line.split(' ').map(Number);
        maxRssKb = rss;
        cpuMs = Math.round((user + sys) * 1000);
      }
      // GNU time counts the processes the run waited for; detached ones (Nx plugin workers, killed when nx exits,
      // so never reaped inside the tree) only show in the samples, and are added.
      const ownCpuMs = Math.round(cpuMs === undefined ? tree.sampledCpuMs : cpuMs + tree.detachedCpuMs);
      // CPU the rest of the machine used meanwhile (other users of a shared machine): noise indicator.
      const otherCpuMs = busyStart !== undefined && busyEnd !== undefined ? Math.max(0, Math.round(busyEnd - busyStart - ownCpuMs)) : undefined;
      resolvePromise({
        exitCode: code,
        wallMs: Math.round(wallMs),
        startedAt,
        maxRssKb,
        treeRssKb: Math.round(tree.peakRssKb) || undefined,
        cpuMs: ownCpuMs,
        waitedCpuMs: cpuMs,
        detachedCpuMs: Math.round(tree.detachedCpuMs),
        otherCpuMs,
        loadAverage: os.loadavg()[0],
      });
    });
    sample();
  });
}

const sum = (values) => values.reduce((total, value) => total + value, 0);
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

function stats(runs) {
  const pick = (key) => runs.map((run) => run[key]).filter((value) => typeof value === 'number');
  const summary = (values) => (values.length ? { median: median(values), min: Math.min(...values), max: Math.max(...values) } : undefined);
  // Runs during which the rest of the machine used under a quarter of a core on average: the least disturbed.
  const quiet = runs.filter((run) => run.otherCpuMs !== undefined && run.otherCpuMs <= 0.25 * run.wallMs);
  return {
    n: runs.length,
    wallMs: summary(pick('wallMs')),
    maxRssKb: summary(pick('maxRssKb')),
    treeRssKb: summary(pick('treeRssKb')),
    cpuMs: summary(pick('cpuMs')),
    otherCpuMs: summary(pick('otherCpuMs')),
    quietRuns: quiet.length,
    quietWallMs: summary(quiet.map((run) => run.wallMs)),
  };
}

// ------------------------------------------------------------------------------------------------- nx

const NX_BIN = 'node_modules/nx/dist/bin/nx.js';
const ANSI = /\u001b\[[0-9;]*m/g;

function nxCacheSummary(output) {
  const match = /Cache:\s+(\d+)\/(\d+) hit/.exec(output);
  if (match) return { hits: Number(match[1]), tasks: Number(match[2]) };
  const fromCache = /cache instead of running the command for (\d+) out of (\d+) tasks/.exec(output);
  if (fromCache) return { hits: Number(fromCache[1]), tasks: Number(fromCache[2]) };
  return undefined;
}

/** Phases of one nx run from NX_PROFILE: before the first task, per task, after the last. */
function nxPhases(profileFile, startedAt, wallMs) {
  if (!existsSync(profileFile)) return undefined;
  const events = JSON.parse(readFileSync(profileFile, 'utf8')).filter((event) => event.ph === 'X');
  rmSync(profileFile, { force: true });
  if (events.length === 0) return undefined;
  const first = Math.min(...events.map((event) => event.ts / 1000));
  const last = Math.max(...events.map((event) => (event.ts + event.dur) / 1000));
  return {
    beforeFirstTaskMs: Math.round(first - startedAt),
    tasksSpanMs: Math.round(last - first),
    afterLastTaskMs: Math.round(startedAt + wallMs - last),
    tasks: events.map((event) => ({
      id: event.name,
      target: event.name.slice(event.name.lastIndexOf(':') + 1),
      status: event.args?.status,
      startMs: Math.round(event.ts / 1000 - startedAt),
      durationMs: Math.round(event.dur / 1000),
    })),
  };
}

/** Tasks of an nx run that did work: executed rather than taken from the cache, not counting the `crds` no-op. */
function executedWork(run) {
  if (!run.phases) return run.cache && run.cache.hits < run.cache.tasks ? [`${run.cache.tasks - run.cache.hits} task(s)`] : [];
  return run.phases.tasks.filter((task) => task.target !== 'crds' && !/cache/.test(String(task.status))).map((task) => task.id);
}

async function runNx(workload, label, env = {}) {
  const logFile = join(workload.logs, `${label}.log`);
  const profile = '.nx/bench-profile.json';
  const result = await measure(process.execPath, [NX_BIN, 'run-many', '-t', 'crds', '--outputStyle=static'], {
    cwd: workload.root,
    env: baseEnv({ NX_PROFILE: profile, ...env }),
    logFile,
  });
  const output = readFileSync(logFile, 'utf8').replace(ANSI, '');
  return { ...result, cache: nxCacheSummary(output), phases: nxPhases(join(workload.root, profile), result.startedAt, result.wallMs), timings: taskTimings(output), log: logFile };
}

/**
 * The `timing:` line each executed task prints last: the tools it waited for, nx-helm-crds' own processing
 * (Nx's start-up of the task process excluded) and the task process's peak RSS.
 */
function taskTimings(output) {
  const timings = [];
  let task;
  for (const line of output.split('\n')) {
    const header = /^> nx run (\S+)/.exec(line.trim());
    if (header) task = header[1];
    const timing = /^timing: (.*)$/.exec(line.trim());
    if (!timing || !task) continue;
    const ms = (name) => Number(new RegExp(`${name} (\\d+) ms`).exec(timing[1])?.[1] ?? 0);
    timings.push({ task, kustomizeMs: ms('kustomize'), ownMs: ms('nx-helm-crds'), peakMb: Number(/peak memory (\d+) MB/.exec(timing[1])?.[1]) });
  }
  return timings;
}

// ----------------------------------------------------------------------------------------- workloads

/** The CRDs of a kustomize output stream: name, group, plural, bytes (a plain text scan, no YAML library). */
function crdsInStream(text) {
  return text
    .split(/^---[ \t]*\n/m)
    .filter((document) => /^kind: CustomResourceDefinition$/m.test(document))
    .map((document) => ({
      name: /^metadata:\n(?:(?: {2,}.*)?\n)*? {2}name: (\S+)$/m.exec(document)?.[1],
      group: /^ {2}group: (\S+)$/m.exec(document)?.[1],
      plural: /^ {4}plural: (\S+)$/m.exec(document)?.[1],
      bytes: Buffer.byteLength(document),
    }));
}

function kustomizeBuild(root, dir) {
  return execFileSync(kubectl, ['kustomize', dir], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 30 });
}

/** A copy of the embedded example in a fresh workspace (as test/e2e/workspace.ts does), with its manifest. */
function exampleWorkload(root, nodeModules) {
  const example = 'examples/operator';
  cpSync(join(REPO_ROOT, example), join(root, example), { recursive: true });
  rmSync(join(root, example, 'chart/crds'), { recursive: true, force: true }); // generated (test/e2e/workspace.ts does the same)
  const wiring = repoWiring();
  writeWorkspaceShell(root, 'bench-example', nodeModules, wiring.nxJson);
  const project = JSON.parse(readFileSync(join(root, example, 'chart/project.json'), 'utf8'));
  const targetOf = (executor) => Object.values(project.targets ?? {}).find((target) => target.executor === executor);
  const chart = targetOf('nx-helm-crds:helm-crds')?.options.chart ?? EXAMPLE_CHART;
  const kustomization = targetOf('nx-helm-crds:kustomize-build')?.options.kustomization ?? wiring.chartConfig?.kustomization;
  if (!kustomization) throw new Error('Cannot tell which kustomization the example chart uses (neither project.json targets nor nx.json plugin options name it).');
  const crds = crdsInStream(kustomizeBuild(root, kustomization));
  const layout = crdLayout(wiring);
  const basesDir = join(root, kustomization, 'bases');
  const firstBase = readdirSync(basesDir).filter((name) => name.endsWith('.yaml')).sort()[0];
  const baseText = readFileSync(join(basesDir, firstBase), 'utf8');
  const search = /controller-gen\.kubebuilder\.io\/version: \S+/.exec(baseText)?.[0] ?? /^ {2}name: \S+$/m.exec(baseText)[0];
  const manifest = {
    generator: 'copy of examples/operator',
    wiring: wiring.mode,
    charts: [{ project: project.name, chart, kustomization, crdDirectory: layout.directory, crds: crds.map((crd) => ({ name: crd.name, file: layout.fileName(crd) })) }],
    kustomizations: [{ dir: kustomization, crds: crds.map((crd) => ({ name: crd.name })) }],
    edit: { kustomization, file: `${kustomization}/bases/${firstBase}`, crd: /^ {2}name: (\S+)$/m.exec(baseText)?.[1], search, replace: `${search}-bench-edit` },
  };
  writeManifest(root, manifest);
  return manifest;
}

function workloadSizes(workload) {
  const perKustomization = {};
  for (const { dir } of workload.manifest.kustomizations) {
    const text = kustomizeBuild(workload.root, dir);
    perKustomization[dir] = { bytes: Buffer.byteLength(text), crds: crdsInStream(text).length };
  }
  const charts = workload.manifest.charts;
  return {
    charts: charts.length,
    kustomizations: Object.keys(perKustomization).length,
    distinctCrds: sum(Object.values(perKustomization).map((k) => k.crds)),
    chartCrds: sum(charts.map((chart) => chart.crds.length)),
    kustomizeBytesDistinct: sum(Object.values(perKustomization).map((k) => k.bytes)),
    kustomizeBytesAllChartBuilds: sum(charts.map((chart) => perKustomization[chart.kustomization].bytes)),
    perKustomization,
  };
}

// ------------------------------------------------------------------------------------------ scenarios

function removeChartCrds(workload) {
  for (const chart of workload.manifest.charts) rmSync(join(workload.root, chart.chart, chart.crdDirectory), { recursive: true, force: true });
}

function readChartCrdFiles(workload) {
  const files = new Map();
  for (const chart of workload.manifest.charts) {
    for (const crd of chart.crds) {
      const path = `${chart.chart}/${chart.crdDirectory}/${crd.file}`;
      const absolute = join(workload.root, path);
      files.set(path, existsSync(absolute) ? readFileSync(absolute, 'utf8') : undefined);
    }
  }
  return files;
}

const stripGeneratedHeader = (text) => text?.replace(/^(?:# .*\n)+/, '');
const shortHash = (text) => createHash('sha256').update(text ?? '').digest('hex').slice(0, 12);

class Checks {
  constructor() {
    this.list = [];
  }
  add(workload, name, ok, detail) {
    this.list.push({ workload, name, ok, detail });
    console.log(`    ${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? `: ${detail}` : ''}`);
  }
  get failed() {
    return this.list.filter((check) => !check.ok);
  }
}

async function scenario(workload, name, { prepare, run, after, warmups, runs, quietWait }) {
  const results = [];
  const warmup = [];
  for (let index = 0; index < warmups + runs; index++) {
    const isWarmup = index < warmups;
    const label = `${name}-${isWarmup ? `warmup${index}` : `run${index - warmups}`}`;
    await prepare?.(index);
    const quiet = quietWait > 0 ? await waitForQuiet(quietWait * 1000) : undefined;
    const result = { ...(await run(label, index)), quiet };
    await after?.(result, index);
    (isWarmup ? warmup : results).push(result);
    const cache = result.cache ? ` cache ${result.cache.hits}/${result.cache.tasks}` : '';
    const noise = result.otherCpuMs !== undefined ? `  other CPU ${(result.otherCpuMs / 1000).toFixed(1)} s` : '';
    const waited = quiet?.waitedMs > 1500 ? ` (waited ${(quiet.waitedMs / 1000).toFixed(0)} s for a quiet machine${quiet.busyCoresBefore >= 0.25 ? `, still ${quiet.busyCoresBefore} cores busy` : ''})` : '';
    console.log(`    ${label.padEnd(22)} ${(result.wallMs / 1000).toFixed(2).padStart(7)} s  rc=${result.exitCode}${cache}${noise}${waited}`);
  }
  return { warmup, runs: results, stats: stats(results) };
}

async function benchWorkload(workload, options, checks) {
  const { root, manifest } = workload;
  const env = baseEnv();
  const warmups = options.smoke ? 0 : 1;
  const runs = options.runs;
  const quietWait = options.quietWait;
  const want = (name) => options.scenarios.includes(name);
  const out = { name: workload.name, root, sizes: workload.sizes, scenarios: {}, checks: [] };
  const editPath = join(root, manifest.edit.file);
  const original = readFileSync(editPath, 'utf8');
  if (!original.includes(manifest.edit.search)) throw new Error(`${manifest.edit.file} does not contain "${manifest.edit.search}"`);
  const editedCharts = manifest.charts.filter((chart) => chart.kustomization === manifest.edit.kustomization);
  let baselineFiles;

  if (want('baseline')) {
    console.log('  baseline: per-CRD kubectl kustomize | awk select (sequential)');
    out.scenarios.baseline = await scenario(workload, 'baseline', {
      warmups,
      runs,
      quietWait,
      prepare: () => removeChartCrds(workload),
      run: (label) => measure('bash', [join(BENCH_DIR, 'shell-baseline.sh'), root], { cwd: root, env, logFile: join(workload.logs, `${label}.log`) }),
    });
    baselineFiles = readChartCrdFiles(workload);
    const missing = [...baselineFiles].filter(([, text]) => !text).map(([path]) => path);
    checks.add(workload.name, 'baseline wrote every chart CRD', missing.length === 0 && out.scenarios.baseline.runs.every((r) => r.exitCode === 0), missing.join(', '));
  }

  if (want('floor')) {
    const dirs = manifest.kustomizations.map((k) => k.dir);
    const loop = `for d in "$@"; do "${kubectl}" kustomize "$d" > /dev/null; done`;
    console.log(`  floor: one kubectl kustomize per distinct kustomization (${dirs.length}), output discarded`);
    out.scenarios.floor = await scenario(workload, 'floor', {
      warmups,
      runs,
      quietWait,
      run: (label) => measure('bash', ['-c', loop, 'floor', ...dirs], { cwd: root, env, logFile: join(workload.logs, `${label}.log`) }),
    });
    console.log(`  floor-edit: kubectl kustomize ${manifest.edit.kustomization} alone`);
    out.scenarios.floorEdit = await scenario(workload, 'floor-edit', {
      warmups,
      runs,
      quietWait,
      run: (label) => measure('bash', ['-c', loop, 'floor', manifest.edit.kustomization], { cwd: root, env, logFile: join(workload.logs, `${label}.log`) }),
    });
  }

  const needsNx = ['cold', 'cold-batch', 'warm', 'warm-daemon', 'incremental'].some(want);
  if (needsNx) {
    const resetCold = () => {
      rmSync(join(root, '.nx/cache'), { recursive: true, force: true });
      rmSync(join(root, 'dist'), { recursive: true, force: true });
      removeChartCrds(workload);
    };
    if (want('cold')) {
      console.log('  cold: nx run-many -t crds (no cache, no dist/, no chart crds/)');
      out.scenarios.cold = await scenario(workload, 'cold', { warmups, runs, quietWait, prepare: resetCold, run: (label) => runNx(workload, label) });
    } else {
      resetCold();
      const result = await runNx(workload, 'prepare-cold');
      console.log(`    prepare (cold, untimed) ${(result.wallMs / 1000).toFixed(2)} s rc=${result.exitCode}`);
    }
    const checkCold = (name, key) => {
      const runs = [...out.scenarios[key].warmup, ...out.scenarios[key].runs];
      checks.add(workload.name, `${name} runs succeed with no cache hit`, runs.every((r) => r.exitCode === 0 && r.cache?.hits === 0),
        runs.map((r) => `rc=${r.exitCode} ${r.cache?.hits}/${r.cache?.tasks}`).join('; '));
      if (!baselineFiles) return;
      const nxFiles = readChartCrdFiles(workload);
      const differing = [...baselineFiles].filter(([path, text]) => stripGeneratedHeader(nxFiles.get(path)) !== text).map(([path]) => path);
      checks.add(workload.name, `${name}: nx chart CRDs = baseline output (header aside)`, differing.length === 0,
        differing.length ? differing.map((path) => `${path} nx ${shortHash(stripGeneratedHeader(nxFiles.get(path)))} vs shell ${shortHash(baselineFiles.get(path))}`).join(', ') : `${baselineFiles.size} files`);
    };
    if (out.scenarios.cold) checkCold('cold', 'cold');
    if (want('cold-batch')) {
      console.log('  cold-batch: the same in batch mode (NX_BATCH_MODE=true: one process per executor)');
      out.scenarios.coldBatch = await scenario(workload, 'cold-batch', { warmups, runs, quietWait, prepare: resetCold, run: (label) => runNx(workload, label, { NX_BATCH_MODE: 'true' }) });
      checkCold('cold-batch', 'coldBatch');
    }

    const settle = await runNx(workload, 'settle');
    out.settle = { wallMs: settle.wallMs, exitCode: settle.exitCode, executed: executedWork(settle) };
    checks.add(workload.name, 'the run after the cold write rebuilds nothing (kustomize-build from the cache)',
      settle.exitCode === 0 && out.settle.executed.every((id) => !id.endsWith(':kustomize-build')), out.settle.executed.join(',') || 'nothing ran');
    const warmChecks = (name, scenarioName) => {
      const all = [...out.scenarios[scenarioName].warmup, ...out.scenarios[scenarioName].runs];
      checks.add(workload.name, `${name} runs execute nothing (every task from the cache)`, all.every((r) => r.exitCode === 0 && executedWork(r).length === 0),
        all.map((r) => `${r.cache?.hits}/${r.cache?.tasks}${executedWork(r).length ? ` ran ${executedWork(r).join(',')}` : ''}`).join(' '));
    };
    if (want('warm')) {
      console.log('  warm: nx run-many -t crds, nothing changed');
      out.scenarios.warm = await scenario(workload, 'warm', { warmups, runs, quietWait, run: (label) => runNx(workload, label) });
      warmChecks('warm', 'warm');
    }
    if (want('warm-daemon')) {
      console.log('  warm-daemon: nx run-many -t crds, nothing changed, Nx daemon on');
      const daemon = { NX_DAEMON: 'true' };
      try {
        out.scenarios.warmDaemon = await scenario(workload, 'warm-daemon', { warmups: Math.max(warmups, 1), runs, quietWait, run: (label) => runNx(workload, label, daemon) });
      } finally {
        spawnSync(process.execPath, [NX_BIN, 'daemon', '--stop'], { cwd: root, env: baseEnv(daemon), stdio: 'ignore' });
      }
      warmChecks('warm-daemon', 'warmDaemon');
    }

    if (want('incremental')) {
      console.log(`  incremental: edit ${manifest.edit.file} (${manifest.edit.crd}), nx run-many -t crds; revert + untimed restore run`);
      let edited;
      const restores = [];
      out.scenarios.incremental = await scenario(workload, 'incremental', {
        warmups,
        runs,
        quietWait,
        prepare: (index) => {
          // Same line, same length, a value never seen before (a cache hit would not be an incremental run).
          edited = `${manifest.edit.search}-bench-edit-${String(index).padStart(3, '0')}-${process.pid}`;
          writeFileSync(editPath, original.replace(manifest.edit.search, edited));
        },
        run: (label) => runNx(workload, label),
        after: async (result, index) => {
          const chartFile = editedCharts.flatMap((chart) => chart.crds.filter((crd) => crd.name === manifest.edit.crd).map((crd) => `${chart.chart}/${chart.crdDirectory}/${crd.file}`))[0];
          const applied = chartFile ? readFileSync(join(root, chartFile), 'utf8').includes(edited) : false;
          result.editReachedChart = applied;
          writeFileSync(editPath, original);
          const restore = await runNx(workload, `incremental-restore${index}`);
          const settled = await runNx(workload, `incremental-settle${index}`);
          restores.push({ wallMs: restore.wallMs, exitCode: restore.exitCode, cache: restore.cache, executed: executedWork(restore), settled: executedWork(settled) });
        },
      });
      out.scenarios.incremental.restores = restores;
      const all = [...out.scenarios.incremental.warmup, ...out.scenarios.incremental.runs];
      const editedProjects = new Set(editedCharts.map((chart) => chart.project));
      const onlyEdited = (r) => executedWork(r).length > 0 && executedWork(r).every((id) => editedProjects.has(id.slice(0, id.lastIndexOf(':'))));
      checks.add(workload.name, 'incremental runs rebuild only the charts of the edited kustomization, and the edit reaches the chart',
        all.every((r) => r.exitCode === 0 && r.editReachedChart && onlyEdited(r)),
        all.map((r) => `${r.cache?.hits}/${r.cache?.tasks} hit, ran ${executedWork(r).join(',')}, edit in chart: ${r.editReachedChart}`).join('; '));
      const outsideEdited = (r) => [...r.executed, ...r.settled].filter((id) => id.endsWith(':kustomize-build') || !editedProjects.has(id.slice(0, id.lastIndexOf(':'))));
      checks.add(workload.name, 'restore runs after the revert rebuild nothing and touch only the edited charts', restores.every((r) => r.exitCode === 0 && outsideEdited(r).length === 0),
        restores.map((r) => `${r.cache?.hits}/${r.cache?.tasks} ran ${r.executed.join(',') || 'nothing'}, then ${r.settled.join(',') || 'nothing'}`).join('; '));
    }
  }
  out.ratios = ratios(out.scenarios);
  out.ratiosOfMin = ratios(out.scenarios, 'min');
  out.taskBreakdown = taskBreakdown(out.scenarios);
  out.ownProcessing = ownProcessing(out.scenarios.cold, workload.sizes);
  return out;
}

/**
 * Our own processing against kustomize's, from the cold runs' timing lines: the median over runs of (sum of
 * nx-helm-crds ms over every task) / (sum of kustomize ms), and each task's peak RSS per MB of the
 * kustomize output it read.
 */
function ownProcessing(cold, sizes) {
  const runs = cold?.runs.filter((run) => run.timings?.length) ?? [];
  if (runs.length === 0) return undefined;
  const perRun = runs.map((run) => {
    const own = sum(run.timings.map((timing) => timing.ownMs));
    const kustomize = sum(run.timings.map((timing) => timing.kustomizeMs));
    const byTarget = {};
    for (const timing of run.timings) (byTarget[timing.task.slice(timing.task.lastIndexOf(':') + 1)] ??= []).push(timing.ownMs);
    return { own, kustomize, ratio: kustomize ? own / kustomize : undefined, byTarget };
  });
  const peaks = runs.flatMap((run) => run.timings.map((timing) => timing.peakMb));
  const largestOutputMb = Math.max(...Object.values(sizes.perKustomization).map((k) => k.bytes)) / 1e6;
  return {
    ownMsMedian: median(perRun.map((run) => run.own)),
    kustomizeMsMedian: median(perRun.map((run) => run.kustomize)),
    ownPerKustomize: Number(median(perRun.map((run) => run.ratio)).toFixed(3)),
    ownMsPerTaskMedian: Object.fromEntries(Object.keys(perRun[0].byTarget).map((target) => [target, median(perRun.flatMap((run) => run.byTarget[target] ?? []))])),
    taskPeakRssMbMax: Math.max(...peaks),
    largestKustomizeOutputMb: Number(largestOutputMb.toFixed(2)),
  };
}

function ratios(s, statistic = 'median') {
  const m = (name) => s[name]?.stats.wallMs?.[statistic];
  const ratio = (a, b) => (a !== undefined && b ? Number((a / b).toFixed(3)) : undefined);
  return {
    'warm/baseline': ratio(m('warm'), m('baseline')),
    'warm-daemon/baseline': ratio(m('warmDaemon'), m('baseline')),
    'cold/baseline': ratio(m('cold'), m('baseline')),
    'cold/floor': ratio(m('cold'), m('floor')),
    'cold-batch/floor': ratio(m('coldBatch'), m('floor')),
    'incremental/cold': ratio(m('incremental'), m('cold')),
    'incremental/(floor-edit+warm)': ratio(m('incremental'), m('floorEdit') !== undefined && m('warm') !== undefined ? m('floorEdit') + m('warm') : undefined),
  };
}

/** Median per-phase and per-target times of the nx scenarios (from NX_PROFILE). */
function taskBreakdown(s) {
  const breakdown = {};
  for (const name of ['cold', 'coldBatch', 'warm', 'warmDaemon', 'incremental']) {
    const runs = s[name]?.runs.filter((run) => run.phases);
    if (!runs?.length) continue;
    const byTarget = {};
    for (const run of runs) {
      for (const task of run.phases.tasks) {
        const key = `${task.target} (${task.status})`;
        (byTarget[key] ??= []).push(task.durationMs);
      }
    }
    breakdown[name] = {
      beforeFirstTaskMs: median(runs.map((run) => run.phases.beforeFirstTaskMs)),
      tasksSpanMs: median(runs.map((run) => run.phases.tasksSpanMs)),
      afterLastTaskMs: median(runs.map((run) => run.phases.afterLastTaskMs)),
      perTaskMedianMs: Object.fromEntries(Object.entries(byTarget).map(([key, values]) => [key, { median: median(values), count: values.length / runs.length }])),
    };
  }
  return breakdown;
}

// ------------------------------------------------------------------------------------------- reporting

const seconds = (ms) => (ms === undefined ? '-' : (ms / 1000).toFixed(2));
const megabytes = (kb) => (kb === undefined ? '-' : (kb / 1024).toFixed(0));

function printTable(results, smoke) {
  console.log(`\n${smoke ? 'SMOKE RUN: one run per scenario, no warm-up: these times are not claims.\n' : ''}`);
  const header = ['workload', 'scenario', 'median s', 'min s', 'max s', 'n', 'quiet median s (n)', 'CPU s', 'other CPU s', 'max proc RSS MB', 'tree RSS MB', 'cache hit'];
  const rows = [header];
  for (const workload of results) {
    for (const [name, scenario] of Object.entries(workload.scenarios)) {
      const st = scenario.stats;
      const cache = scenario.runs[0]?.cache ? `${scenario.runs[0].cache.hits}/${scenario.runs[0].cache.tasks}` : '';
      rows.push([workload.name, name, seconds(st.wallMs?.median), seconds(st.wallMs?.min), seconds(st.wallMs?.max), String(st.n),
        st.quietRuns ? `${seconds(st.quietWallMs.median)} (${st.quietRuns})` : '-', seconds(st.cpuMs?.median), seconds(st.otherCpuMs?.median),
        megabytes(st.maxRssKb?.median), megabytes(st.treeRssKb?.median), cache]);
    }
  }
  const widths = header.map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const line = (row) => row.map((cell, column) => (column < 2 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  console.log(line(rows[0]));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows.slice(1)) console.log(line(row));

  console.log('\n"other CPU s": CPU the rest of the machine used during the run (median); "quiet": runs during which it stayed under');
  console.log('a quarter of a core. Runs on a busy shared machine are slower and noisier: compare min and quiet medians too.');
  console.log('\nRatios (of medians, and of minimums):');
  for (const workload of results) {
    for (const [label, values] of [['median', workload.ratios], ['min', workload.ratiosOfMin]]) {
      const text = Object.entries(values).filter(([, value]) => value !== undefined).map(([key, value]) => `${key} ${value}`).join('   ');
      console.log(`  ${workload.name.padEnd(widths[0])}  ${label.padEnd(6)}  ${text}`);
    }
  }
  console.log('\nOwn processing (cold runs, from each task\'s timing line; Nx\'s start-up of task processes excluded):');
  for (const { name, ownProcessing: own } of results) {
    if (!own) continue;
    const perTask = Object.entries(own.ownMsPerTaskMedian).map(([target, ms]) => `${target} ${ms} ms`).join(', ');
    console.log(`  ${name}: nx-helm-crds ${own.ownMsMedian} ms vs kustomize ${own.kustomizeMsMedian} ms = ${own.ownPerKustomize} (per task: ${perTask}); ` +
      `largest task peak RSS ${own.taskPeakRssMbMax} MB for a ${own.largestKustomizeOutputMb} MB kustomize output`);
  }
  console.log('\nSizes:');
  for (const { name, sizes } of results) {
    console.log(`  ${name.padEnd(widths[0])}  ${sizes.charts} chart(s), ${sizes.kustomizations} kustomization(s), ${sizes.distinctCrds} distinct CRDs, ` +
      `${sizes.chartCrds} chart CRDs, kustomize output ${(sizes.kustomizeBytesDistinct / 1e6).toFixed(2)} MB distinct / ` +
      `${(sizes.kustomizeBytesAllChartBuilds / 1e6).toFixed(2)} MB over all chart builds`);
  }
  console.log('\nWhere the time goes in nx runs (medians, from NX_PROFILE; tasks run 3 in parallel on the available cores):');
  for (const { name, taskBreakdown: breakdown } of results) {
    for (const [scenario, b] of Object.entries(breakdown)) {
      const tasks = Object.entries(b.perTaskMedianMs).map(([key, { median: value, count }]) => `${key} ${seconds(value)}s×${count}`).join(', ');
      console.log(`  ${name} ${scenario}: before first task ${seconds(b.beforeFirstTaskMs)}s, tasks ${seconds(b.tasksSpanMs)}s, after ${seconds(b.afterLastTaskMs)}s; ${tasks}`);
    }
  }
}

// ------------------------------------------------------------------------------------------------- main

/** The rows of summary.json for the workloads of one report: what the README's table and ratios quote. */
function summaryRows(report) {
  const rows = {};
  for (const workload of report.workloads) {
    const checks = report.checks.filter((check) => check.workload === workload.name);
    const medianSeconds = Object.fromEntries(
      Object.entries(workload.scenarios)
        .filter(([, scenario]) => scenario.stats.wallMs)
        .map(([name, scenario]) => [name, Number((scenario.stats.wallMs.median / 1000).toFixed(2))]),
    );
    rows[workload.name] = {
      date: report.machine.date,
      command: report.command,
      machine: machineSummary(report.machine),
      runs: report.options.runs,
      warmups: report.options.warmups,
      workload: {
        charts: workload.sizes.charts,
        chartCrds: workload.sizes.chartCrds,
        kustomizations: workload.sizes.kustomizations,
        kustomizeMbDistinct: Number((workload.sizes.kustomizeBytesDistinct / 1e6).toFixed(1)),
      },
      medianSeconds,
      ratios: Object.fromEntries(Object.entries(workload.ratios).filter(([, value]) => value !== undefined)),
      ownPerKustomize: workload.ownProcessing?.ownPerKustomize,
      checks: `${checks.filter((check) => check.ok).length}/${checks.length} ok`,
    };
  }
  return rows;
}

/** Prints the tables of a results file again (statistics and ratios recomputed from its runs). */
function reprint(file, { updateSummary: summarize }) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const m = report.machine;
  console.log(`${report.command} (${m.date}): ${m.cores} cores, node ${m.node}, nx ${m.nx}, kustomize ${m.kustomize}, ${m.plugin}`);
  for (const workload of report.workloads) {
    for (const scenario of Object.values(workload.scenarios)) scenario.stats = stats(scenario.runs);
    workload.ratios = ratios(workload.scenarios);
    workload.ratiosOfMin = ratios(workload.scenarios, 'min');
    workload.taskBreakdown = taskBreakdown(workload.scenarios);
    workload.ownProcessing = ownProcessing(workload.scenarios.cold, workload.sizes);
  }
  printTable(report.workloads, report.smoke);
  if (!summarize) return;
  if (report.smoke || report.checks.some((check) => !check.ok)) throw new Error(`${file}: a smoke run, or one with failed checks, does not go in the summary.`);
  console.log(`\nsummary: ${updateSummary('run', summaryRows(report))}`);
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.report) return reprint(options.report, options);
  if (options.helm) {
    if (!existsSync(PINNED_HELM)) throw new Error(`--helm: no helm at ${PINNED_HELM}; run \`node tools/fetch-binaries.mjs\`.`);
    helmOverride = PINNED_HELM;
  }
  if (!existsSync(kubectl)) throw new Error(`No kustomize at ${kubectl}: run \`node tools/fetch-binaries.mjs\` or set NX_HELM_CRDS_KUSTOMIZE.`);
  const began = Date.now();
  const scratch = mkdtempSync(join(os.tmpdir(), 'nx-helm-crds-bench-'));
  const cleanup = () => {
    if (!options.keep) rmSync(scratch, { recursive: true, force: true });
  };
  process.on('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  try {
    const nodeModules = options.livePlugin ? join(REPO_ROOT, 'node_modules') : pluginSnapshot(scratch);
    const pluginDir = options.livePlugin ? join(REPO_ROOT, 'packages/nx-helm-crds') : join(nodeModules, 'nx-helm-crds');
    const machine = machineFacts(pluginDir);
    machine.pluginSource = options.livePlugin ? 'live: the repo node_modules' : `snapshot of packages/nx-helm-crds copied at start (${relative(REPO_ROOT, pluginDir) || pluginDir})`;
    console.log(`nx-helm-crds bench: ${machine.cores} cores, ${(machine.memoryBytes / 2 ** 30).toFixed(1)} GiB, node ${machine.node}, nx ${machine.nx}, ` +
      `kustomize ${machine.kustomize}, ${machine.plugin}; memory via ${GNU_TIME ?? 'process-group sampling only'}; scratch ${scratch}`);

    const workloads = [];
    for (const charts of options.charts) {
      const root = join(scratch, `charts-${charts}`);
      const manifest = generateWorkload({ root, charts, seed: options.seed, nodeModules });
      workloads.push({ name: `${charts}-chart${charts > 1 ? 's' : ''}`, kind: 'generated', charts, seed: options.seed, root, manifest });
    }
    if (options.example) {
      const root = join(scratch, 'example');
      mkdirSync(root, { recursive: true });
      workloads.push({ name: 'example', kind: 'examples/operator', root, manifest: exampleWorkload(root, nodeModules) });
    }

    const checks = new Checks();
    const results = [];
    for (const workload of workloads) {
      workload.logs = join(scratch, 'logs', workload.name);
      workload.sizes = workloadSizes(workload);
      const s = workload.sizes;
      console.log(`\n== ${workload.name}: ${s.charts} chart(s), ${s.kustomizations} kustomization(s), ${s.chartCrds} chart CRDs, ` +
        `${(s.kustomizeBytesAllChartBuilds / 1e6).toFixed(2)} MB kustomize output over chart builds (${workload.root})`);
      const result = await benchWorkload(workload, options, checks);
      results.push({ ...result, kind: workload.kind, charts: workload.charts, seed: workload.seed, edit: workload.manifest.edit });
    }

    printTable(results, options.smoke);
    const report = {
      command: `node tools/bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim(),
      smoke: options.smoke,
      timingClaims: !options.smoke,
      options: { helm: options.helm, quietWaitSeconds: options.quietWait, charts: options.charts, runs: options.runs, warmups: options.smoke ? 0 : 1, seed: options.seed, scenarios: options.scenarios, example: options.example },
      machine: { ...machine, loadAverageAtEnd: os.loadavg() },
      durationSeconds: Math.round((Date.now() - began) / 1000),
      checks: checks.list,
      workloads: results,
    };
    mkdirSync(dirname(options.out), { recursive: true });
    writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\nchecks: ${checks.list.length - checks.failed.length}/${checks.list.length} ok; results: ${options.out}; took ${report.durationSeconds} s` +
      (options.keep ? `; workspaces kept in ${scratch}` : ''));
    if (options.summary && checks.failed.length === 0) console.log(`summary: ${updateSummary('run', summaryRows(report))}`);
    if (checks.failed.length > 0) {
      for (const failed of checks.failed) console.error(`FAILED ${failed.workload}: ${failed.name}: ${failed.detail ?? ''}`);
      process.exitCode = 1;
    }
  } finally {
    cleanup();
  }
}

main().catch((error) => {
  console.error(error.stack ?? error);
  process.exit(2);
});
