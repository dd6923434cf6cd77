#!/usr/bin/env node
/**
 * What the compatibility guard adds to verify, side by side in one run.
 *
 *   node tools/bench/compatibility.mjs [--runs 5] [--out tools/bench/results/compatibility.json (default)] [--no-summary]
 *
 * Generates the 1-chart benchmark workload (tools/bench/generate-workload.mjs, seed 1: ~2.3 MB of kustomize
 * output, 5 CRDs), commits it with its generated chart in a git repository, then runs
 * `nx run chart-0:verify --excludeTaskDependencies --skip-nx-cache` alternately with the guard on and off
 * (a second verify target with `compatibility: { enabled: false }`), in two states of the chart against HEAD:
 *   unchanged:  the chart at HEAD is what Kustomize renders (the usual case: most commits leave CRDs alone);
 *   all-changed: every CRD source got a new property (and its chart file regenerated, uncommitted), so every
 *               CRD at HEAD is parsed and walked in full (the worst case).
 * Reports, per state, the median wall time of the command with and without the guard and their ratio, and the
 * guard's own time (its entry on verify's `timing:` line, git processes included) as a share of verify without
 * it: on a busy machine two wall times differ by more noise than the guard costs, its own time does not. verify runs without helm,
 * as in run.mjs, so the figures are ours and kustomize's output parsing, not helm's rendering. The rows go to --out
 * (ignored by git) and, unless --no-summary, to the `compatibility` section of tools/bench/summary.json.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { REPO_ROOT, generateWorkload } from './generate-workload.mjs';
import { machineSummary, rawResultsFile, updateSummary } from './summary.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const runs = Number(option('--runs', '5'));
const out = option('--out', undefined) ?? rawResultsFile('compatibility');
const kubectl = process.env.NX_HELM_CRDS_KUSTOMIZE ?? join(REPO_ROOT, '.tools/bin/kubectl');
const env = { ...process.env, CI: 'true', NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0', NX_HELM_CRDS_KUSTOMIZE: kubectl, NX_HELM_CRDS_HELM: '/nonexistent/helm' };
delete env.NX_SKIP_NX_CACHE;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const root = mkdtempSync(join(os.tmpdir(), 'nx-helm-crds-compat-bench-'));
try {
  const manifest = generateWorkload({ root, charts: 1 });
  const chart = manifest.charts[0];
  const nx = (...nxArgs) => spawnSync(process.execPath, ['node_modules/nx/dist/bin/nx.js', ...nxArgs, '--outputStyle=static'], { cwd: root, env, encoding: 'utf8', maxBuffer: 1 << 28 });
  const git = (...gitArgs) => execFileSync('git', ['-c', 'user.email=bench@example.com', '-c', 'user.name=bench', ...gitArgs], { cwd: root, stdio: 'pipe' });
  // The same verify with the guard off, as a second target (Nx does not coerce nested options given on the command line).
  // It takes the inferred verify target's options and inputs, less the one input the guard adds (the chart's git tree
  // at previousRevision), so the two differ only by the guard: Nx hashes the same files and options.
  const shown = spawnSync(process.execPath, ['node_modules/nx/dist/bin/nx.js', 'show', 'project', chart.project, '--json'], { cwd: root, env, encoding: 'utf8' });
  if (shown.status !== 0) throw new Error(`nx show project failed:\n${shown.stdout}\n${shown.stderr}`);
  const inferredVerify = JSON.parse(shown.stdout).targets.verify;
  const guardInput = (input) => typeof input === 'object' && typeof input.runtime === 'string' && input.runtime.startsWith('git ls-tree');
  if (!inferredVerify.inputs.some(guardInput)) throw new Error('the inferred verify target has no git tree input: the guard is not wired as this benchmark expects');
  const projectJson = join(root, chart.chart, 'project.json');
  const project = JSON.parse(readFileSync(projectJson, 'utf8'));
  project.targets = {
    ...project.targets,
    'verify-without-guard': {
      executor: 'nx-helm-crds:verify',
      options: { ...inferredVerify.options, compatibility: { enabled: false } },
      inputs: inferredVerify.inputs.filter((input) => !guardInput(input)),
    },
  };
  writeFileSync(projectJson, `${JSON.stringify(project, null, 2)}\n`);
  const first = nx('run', `${chart.project}:crds`);
  if (first.status !== 0) throw new Error(`nx failed:\n${first.stdout}\n${first.stderr}`);
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'workload with its chart');
  const outputMb = statSync(join(root, 'dist/nx-helm-crds', chart.project, 'kustomize.yaml')).size / 1e6;

  /** One verify run: wall ms; from its timing line, verify's own ms (the guard included) and the guard's ms (its git processes included). */
  function verify(guard) {
    const started = performance.now();
    const run = nx('run', `${chart.project}:${guard ? 'verify' : 'verify-without-guard'}`, '--excludeTaskDependencies', '--skip-nx-cache');
    const wallMs = performance.now() - started;
    if (run.status !== 0) throw new Error(`verify failed:\n${run.stdout}\n${run.stderr}`);
    const timing = /^timing: (.*)$/m.exec(run.stdout)?.[1] ?? '';
    const ms = (name) => Number(new RegExp(`${name} (\\d+) ms`).exec(timing)?.[1] ?? 0);
    if (guard !== /^compatibility with HEAD/m.test(run.stdout)) throw new Error(`the guard did not ${guard ? '' : 'not '}run:\n${run.stdout}`);
    return { wallMs, ownMs: ms('nx-helm-crds') + ms('compatibility guard'), guardMs: ms('compatibility guard') };
  }

  function measure(state) {
    const samples = { on: [], off: [] };
    verify(true);
    for (let index = 0; index < runs; index++) {
      samples.on.push(verify(true));
      samples.off.push(verify(false));
    }
    const summary = (list, key) => Math.round(median(list.map((sample) => sample[key])));
    const row = {
      state,
      wallMs: { guard: summary(samples.on, 'wallMs'), noGuard: summary(samples.off, 'wallMs') },
      verifyOwnMs: { guard: summary(samples.on, 'ownMs'), noGuard: summary(samples.off, 'ownMs') },
      guardMs: summary(samples.on, 'guardMs'),
    };
    row.wallRatio = Number((row.wallMs.guard / row.wallMs.noGuard).toFixed(3));
    // The guard's own time against the verify run without it: the same measure, free of the run-to-run noise of two wall times.
    row.guardShareOfVerify = Number((row.guardMs / row.wallMs.noGuard).toFixed(3));
    console.log(
      `${state.padEnd(12)} verify wall ${row.wallMs.noGuard} ms without the guard, ${row.wallMs.guard} ms with it (${row.wallRatio}x); ` +
        `the guard itself ${row.guardMs} ms = ${(row.guardShareOfVerify * 100).toFixed(1)} % of verify; verify's own work ${row.verifyOwnMs.noGuard} -> ${row.verifyOwnMs.guard} ms`,
    );
    return row;
  }

  const results = [measure('unchanged')];
  const bases = join(root, manifest.kustomizations[0].dir, 'bases');
  for (const file of readdirSync(bases).map((name) => join(bases, name))) {
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace(/^( +)properties:\n/m, '$1properties:\n$1  benchAdded:\n$1    type: string\n'));
  }
  const regenerate = nx('run', `${chart.project}:helm-crds`);
  if (regenerate.status !== 0) throw new Error(`helm-crds failed:\n${regenerate.stdout}\n${regenerate.stderr}`);
  results.push(measure('all-changed'));
  const command = `node tools/bench/compatibility.mjs ${args.join(' ')}`.trim();
  const date = new Date().toISOString();
  const kustomizeOutputMb = Number(outputMb.toFixed(2));
  writeFileSync(out, `${JSON.stringify({ command, date, node: process.version, cpus: os.cpus().length, kustomizeOutputMb, runs, results }, null, 2)}\n`);
  console.log(`results: ${out}`);
  if (!args.includes('--no-summary')) {
    console.log(`summary: ${updateSummary('compatibility', { date, command, machine: machineSummary(), kustomizeOutputMb, runs, results })}`);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
