#!/usr/bin/env node
/**
 * What the nx-helm-crds plugin costs Nx: the same workspace with and without the plugin, side by side.
 *
 *   node tools/bench/plugin-graph.mjs [--charts 4,50] [--runs 7] [--seed 1]
 *
 * For each chart count, a generated workload (generate-workload.mjs) and a twin without the plugin entry in
 * nx.json (the charts stay projects through their project.json). Without the daemon (NX_DAEMON=false), each
 * run alternates between the two so machine noise hits both alike; medians of --runs runs.
 *   graph     `nx show projects` (computes the project graph: the plugin infers every chart) — plugin cost =
 *             median with the plugin − median without it. Nx's graph cache is cleared before every run
 *             (NX_CACHE_PROJECT_GRAPH=false), so the plugin's own inference cache is what is measured warm.
 *             Measured twice: as Nx runs plugins by default (each in a worker process of its own, whose start-up
 *             Nx pays for any plugin) and with NX_ISOLATE_PLUGINS=false (plugins in Nx's process): the second
 *             difference is the plugin's own loading and inference.
 *   no-op     `nx run-many -t crds` with every task cached, against the same command in the twin whose charts
 *             declare the same targets (names, dependsOn, file inputs, outputs, cache) as cached `nx:noop`s:
 *             Nx's own cost for that task graph. Ratio = plugin / Nx. Also measured with the daemon on (as on a
 *             developer's machine, where the plugin worker and the graph outlive the command): the cost per
 *             command is then the runtime inputs; and with NX_ISOLATE_PLUGINS=false (no plugin workers), where
 *             what remains is the plugin's own share.
 * Budgets (issue 12): graph cost ≤ 0.1 s at 4 charts and ≤ 0.3 s at 50; warm no-op ≤ 1.15× Nx's.
 * Needs the built plugin (`npm run build`) and kustomize (.tools/bin/kubectl or $NX_HELM_CRDS_KUSTOMIZE).
 * Raw results: tools/bench/results/plugin-graph.json (git-ignored).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT, generateWorkload } from './generate-workload.mjs';
import { machineSummary, updateSummary } from './summary.mjs';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const NX_BIN = join(REPO_ROOT, 'node_modules/nx/dist/bin/nx.js');
const BUDGET = { graph: { 4: 0.1, 50: 0.3 }, noopRatio: 1.15 };

function parseArgs(argv) {
  const args = { charts: [4, 50], runs: 7, seed: 1, out: join(BENCH_DIR, 'results', 'plugin-graph.json') };
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index];
    const value = argv[++index];
    if (flag === '--charts') args.charts = value.split(',').map(Number);
    else if (flag === '--runs') args.runs = Number(value);
    else if (flag === '--seed') args.seed = Number(value);
    else if (flag === '--out') args.out = resolve(value);
    else throw new Error(`Unknown argument ${flag} (see the comment at the top of ${fileURLToPath(import.meta.url)})`);
  }
  return args;
}

const kubectl = process.env.NX_HELM_CRDS_KUSTOMIZE ? resolve(process.env.NX_HELM_CRDS_KUSTOMIZE) : join(REPO_ROOT, '.tools/bin/kubectl');

function env(extra = {}) {
  return { ...process.env, CI: 'true', NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0', NX_HELM_CRDS_KUSTOMIZE: kubectl, ...extra };
}

function nx(root, args, extra) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [NX_BIN, ...args], { cwd: root, env: env(extra), encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`nx ${args.join(' ')} failed in ${root}:\n${result.stdout}\n${result.stderr}`);
  return { seconds, stdout: result.stdout };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/**
 * A plugin that infers nothing: the no-op with it is what Nx charges for any plugin (by default, a worker process).
 * Installed as a package, as ours is: Nx registers a TypeScript transpiler for a plugin given by a local path.
 */
function addEmptyPlugin(twin) {
  // The workload links the repository's node_modules: the twin gets a folder of its own, linking each package.
  const nodeModules = join(twin, 'node_modules');
  const shared = realpathSync(nodeModules);
  rmSync(nodeModules);
  mkdirSync(nodeModules);
  for (const entry of readdirSync(shared)) symlinkSync(join(shared, entry), join(nodeModules, entry));
  const folder = join(nodeModules, 'empty-nx-plugin');
  mkdirSync(folder);
  writeFileSync(join(folder, 'package.json'), `${JSON.stringify({ name: 'empty-nx-plugin', version: '0.0.0', main: 'index.js' })}\n`);
  writeFileSync(join(folder, 'index.js'), `exports.createNodes = ['**/Chart.yaml', async () => []];\n`);
  const nxJson = JSON.parse(readFileSync(join(twin, 'nx.json'), 'utf8'));
  nxJson.plugins = [...(nxJson.plugins ?? []), 'empty-nx-plugin'];
  writeFileSync(join(twin, 'nx.json'), `${JSON.stringify(nxJson, null, 2)}\n`);
}

/** The twin workspace: nx.json without the plugin; with `targets`, each chart declares them as cached no-ops. */
function writeTwin(source, twin, projects) {
  rmSync(twin, { recursive: true, force: true });
  spawnSync('cp', ['-a', source, twin]);
  rmSync(join(twin, '.nx'), { recursive: true, force: true });
  const nxJson = JSON.parse(readFileSync(join(twin, 'nx.json'), 'utf8'));
  nxJson.plugins = (nxJson.plugins ?? []).filter((entry) => (typeof entry === 'string' ? entry : entry.plugin) !== 'nx-helm-crds');
  writeFileSync(join(twin, 'nx.json'), `${JSON.stringify(nxJson, null, 2)}\n`);
  for (const project of Object.values(projects)) {
    const file = join(twin, project.root, 'project.json');
    const projectJson = JSON.parse(readFileSync(file, 'utf8'));
    projectJson.targets = Object.fromEntries(
      Object.entries(project.targets)
        .filter(([, target]) => !target.continuous)
        .map(([name, target]) => [
          name,
          {
            executor: 'nx:noop',
            dependsOn: target.dependsOn,
            cache: target.cache,
            inputs: (target.inputs ?? []).filter((input) => typeof input === 'string' || !('runtime' in input)),
            outputs: target.outputs,
          },
        ]),
    );
    writeFileSync(file, `${JSON.stringify(projectJson, null, 2)}\n`);
  }
}

function measureWorkload(charts, args, scratch) {
  const root = join(scratch, `plugin-${charts}`);
  const twin = join(scratch, `nx-only-${charts}`);
  const emptyPluginTwin = join(scratch, `nx-empty-plugin-${charts}`);
  generateWorkload({ root, charts, seed: args.seed });
  spawnSync('git', ['init', '-q'], { cwd: root });
  spawnSync('git', ['add', '-A'], { cwd: root });
  spawnSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@localhost', 'commit', '-qm', 'workload'], { cwd: root });
  // The inferred projects, to give the twin the same targets, and a first run that fills the task cache.
  const graphFile = join(scratch, `graph-${charts}.json`);
  nx(root, ['graph', `--file=${graphFile}`]);
  const projects = Object.fromEntries(Object.entries(JSON.parse(readFileSync(graphFile, 'utf8')).graph.nodes).map(([name, node]) => [name, node.data]));
  // Twice: the run after one that wrote chart files re-runs helm-crds once (its inputs are the chart's files).
  nx(root, ['run-many', '-t', 'crds']);
  nx(root, ['run-many', '-t', 'crds']);
  const graphTwin = join(scratch, `nx-only-graph-${charts}`);
  writeTwin(root, graphTwin, {});
  writeTwin(root, twin, projects);
  nx(twin, ['run-many', '-t', 'crds']);
  nx(twin, ['run-many', '-t', 'crds']);
  writeTwin(root, emptyPluginTwin, projects);
  addEmptyPlugin(emptyPluginTwin);
  nx(emptyPluginTwin, ['run-many', '-t', 'crds']);
  nx(emptyPluginTwin, ['run-many', '-t', 'crds']);

  const samples = { graphPlugin: [], graphNx: [], graphPluginInProcess: [], graphNxInProcess: [], noopPlugin: [], noopNx: [], noopPluginInProcess: [], noopNxInProcess: [], noopPluginDaemon: [], noopNxDaemon: [], noopEmptyPlugin: [] };
  const graphEnv = { NX_CACHE_PROJECT_GRAPH: 'false' };
  // Nx runs every plugin (its own included) in a worker process by default; without isolation the plugins load
  // in Nx's process, so the difference is the plugin's own work (loading and inference), not the worker's start-up.
  const inProcessEnv = { ...graphEnv, NX_ISOLATE_PLUGINS: 'false' };
  const daemonEnv = { NX_DAEMON: 'true' };
  try {
    for (let run = 0; run < args.runs + 1; run++) {
      const measured = [
        ['graphPlugin', () => nx(root, ['show', 'projects'], graphEnv)],
        ['graphNx', () => nx(graphTwin, ['show', 'projects'], graphEnv)],
        ['graphPluginInProcess', () => nx(root, ['show', 'projects'], inProcessEnv)],
        ['graphNxInProcess', () => nx(graphTwin, ['show', 'projects'], inProcessEnv)],
        ['noopPlugin', () => nx(root, ['run-many', '-t', 'crds', '--outputStyle=static'])],
        ['noopNx', () => nx(twin, ['run-many', '-t', 'crds', '--outputStyle=static'])],
        ['noopEmptyPlugin', () => nx(emptyPluginTwin, ['run-many', '-t', 'crds', '--outputStyle=static'])],
        ['noopPluginInProcess', () => nx(root, ['run-many', '-t', 'crds', '--outputStyle=static'], { NX_ISOLATE_PLUGINS: 'false' })],
        ['noopNxInProcess', () => nx(twin, ['run-many', '-t', 'crds', '--outputStyle=static'], { NX_ISOLATE_PLUGINS: 'false' })],
        ['noopPluginDaemon', () => nx(root, ['run-many', '-t', 'crds', '--outputStyle=static'], daemonEnv)],
        ['noopNxDaemon', () => nx(twin, ['run-many', '-t', 'crds', '--outputStyle=static'], daemonEnv)],
      ];
      for (const [key, measure] of measured) {
        const { seconds, stdout } = measure();
        if (key.startsWith('noop') && !/Nx read the output from the cache instead of running the command for (\d+) out of \1 tasks/.test(stdout)) throw new Error(`${key}: the no-op run was not served from the cache:\n${stdout}`);
        // The first round only warms the file system, the plugin's inference cache and the daemons.
        if (run > 0) samples[key].push(seconds);
      }
    }
  } finally {
    for (const workspace of [root, twin]) spawnSync(process.execPath, [NX_BIN, 'daemon', '--stop'], { cwd: workspace, env: env(daemonEnv), stdio: 'ignore' });
  }
  const medians = Object.fromEntries(Object.entries(samples).map(([key, values]) => [key, median(values)]));
  const graphCost = medians.graphPlugin - medians.graphNx;
  const ownGraphCost = medians.graphPluginInProcess - medians.graphNxInProcess;
  const noopRatio = medians.noopPlugin / medians.noopNx;
  const noopInProcessRatio = medians.noopPluginInProcess / medians.noopNxInProcess;
  const noopDaemonRatio = medians.noopPluginDaemon / medians.noopNxDaemon;
  const noopOverEmptyPluginRatio = medians.noopPlugin / medians.noopEmptyPlugin;
  const graphBudget = BUDGET.graph[charts];
  return {
    charts,
    samples,
    medians,
    graphCost,
    graphBudget,
    graphWithinBudget: graphBudget === undefined ? undefined : graphCost <= graphBudget,
    ownGraphCost,
    ownGraphWithinBudget: graphBudget === undefined ? undefined : ownGraphCost <= graphBudget,
    noopRatio,
    noopWithinBudget: noopRatio <= BUDGET.noopRatio,
    noopInProcessRatio,
    noopInProcessWithinBudget: noopInProcessRatio <= BUDGET.noopRatio,
    noopDaemonRatio,
    noopOverEmptyPluginRatio,
  };
}

const args = parseArgs(process.argv.slice(2));
if (!existsSync(kubectl)) throw new Error(`No kustomize at ${kubectl}: run \`node tools/fetch-binaries.mjs\` or set NX_HELM_CRDS_KUSTOMIZE.`);
const scratch = join(os.tmpdir(), `nx-helm-crds-plugin-graph-${process.pid}`);
const results = [];
try {
  for (const charts of args.charts) {
    console.error(`plugin-graph: ${charts} charts, ${args.runs} runs…`);
    results.push(measureWorkload(charts, args, scratch));
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const s = (value) => `${value.toFixed(3)} s`;
console.log('\nPlugin cost to Nx (no daemon, medians)');
console.log(
  '| charts | graph with plugin | graph without | plugin graph cost (budget) | same, plugins in Nx\'s process (NX_ISOLATE_PLUGINS=false) | no-op run-many -t crds | Nx no-op | ratio (budget 1.15×) | same, plugins in Nx\'s process | same, daemon on | against Nx with an empty plugin |',
);
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of results) {
  const verdict = (within) => (r.graphBudget === undefined ? '' : ` (≤ ${r.graphBudget} s: ${within ? 'met' : 'NOT met'})`);
  console.log(
    `| ${r.charts} | ${s(r.medians.graphPlugin)} | ${s(r.medians.graphNx)} | ${s(r.graphCost)}${verdict(r.graphWithinBudget)} | ` +
      `${s(r.ownGraphCost)}${verdict(r.ownGraphWithinBudget)} | ${s(r.medians.noopPlugin)} | ${s(r.medians.noopNx)} | ` +
      `${r.noopRatio.toFixed(2)}× (${r.noopWithinBudget ? 'met' : 'NOT met'}) | ` +
      `${s(r.medians.noopPluginInProcess)} / ${s(r.medians.noopNxInProcess)} = ${r.noopInProcessRatio.toFixed(2)}× (${r.noopInProcessWithinBudget ? 'met' : 'NOT met'}) | ` +
      `${s(r.medians.noopPluginDaemon)} / ${s(r.medians.noopNxDaemon)} = ${r.noopDaemonRatio.toFixed(2)}× | ` +
      `${s(r.medians.noopPlugin)} / ${s(r.medians.noopEmptyPlugin)} = ${r.noopOverEmptyPluginRatio.toFixed(2)}× |`,
  );
}
mkdirSync(dirname(args.out), { recursive: true });
const nxVersion = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules/nx/package.json'), 'utf8')).version;
writeFileSync(
  args.out,
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, nx: nxVersion, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, runs: args.runs, seed: args.seed, budget: BUDGET, results }, null, 2)}\n`,
);
const round = (value) => Number(value.toFixed(3));
const summaryFile = updateSummary('pluginGraph', {
  date: new Date().toISOString(),
  command: `node tools/bench/plugin-graph.mjs --charts ${args.charts.join(',')} --runs ${args.runs}`,
  machine: machineSummary({ nx: nxVersion }),
  budget: BUDGET,
  results: results.map((r) => ({
    charts: r.charts,
    medianSeconds: Object.fromEntries(Object.entries(r.medians).map(([key, value]) => [key, round(value)])),
    graphCost: round(r.graphCost),
    ownGraphCost: round(r.ownGraphCost),
    noopRatio: round(r.noopRatio),
    noopInProcessRatio: round(r.noopInProcessRatio),
    noopDaemonRatio: round(r.noopDaemonRatio),
    noopOverEmptyPluginRatio: round(r.noopOverEmptyPluginRatio),
  })),
});
console.log(`\nRaw results: ${args.out}\nSummary: ${summaryFile}`);
