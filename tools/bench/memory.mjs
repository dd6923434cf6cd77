#!/usr/bin/env node
/**
 * Peak memory of each task's process against the size of the kustomize output it reads.
 *
 *   node tools/bench/memory.mjs [--sizes 1,2,4] [--out tools/bench/results/memory.json (default)] [--no-summary]
 *
 * Generates the 6-chart benchmark workload (tools/bench/generate-workload.mjs, seed 1: 4 operators of ~2.5 MB
 * of CRDs each), adds one kustomization per size n that includes the first n operators (so ~2.5 MB, ~5 MB,
 * ~10 MB of output) and one chart taking all CRDs of each, then runs `nx run-many -t crds` on those charts
 * (cold, one task per process, as Nx runs them by default). Every task prints its process's peak RSS on its
 * `timing:` line; this script relates it to the output size and fits MB of RSS per MB of YAML. The points and fits go
 * to --out (ignored by git) and, unless --no-summary, to the `memory` section of tools/bench/summary.json.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, generateWorkload } from './generate-workload.mjs';
import { machineSummary, rawResultsFile, updateSummary } from './summary.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const sizes = option('--sizes', '1,2,4').split(',').map(Number);
const out = option('--out', undefined) ?? rawResultsFile('memory');
const kubectl = process.env.NX_HELM_CRDS_KUSTOMIZE ?? join(REPO_ROOT, '.tools/bin/kubectl');

const root = mkdtempSync(join(os.tmpdir(), 'nx-helm-crds-memory-'));
try {
  generateWorkload({ root, charts: Math.ceil((Math.max(...sizes) * 3) / 2) });
  const nxJsonPath = join(root, 'nx.json');
  const nxJson = JSON.parse(readFileSync(nxJsonPath, 'utf8'));
  const plugin = nxJson.plugins.find((entry) => (entry.plugin ?? entry) === 'nx-helm-crds');
  if (!plugin?.options?.charts) throw new Error('The repo nx.json does not wire charts through the nx-helm-crds plugin options.');
  const projects = [];
  for (const n of sizes) {
    const kustomization = `memory/k${n}`;
    const resources = Array.from({ length: n }, (_, k) => `- ../../operators/op-${k}/config/crd`).join('\n');
    mkdirSync(join(root, kustomization), { recursive: true });
    writeFileSync(join(root, kustomization, 'kustomization.yaml'), `resources:\n${resources}\n`);
    const chart = `charts/memory-${n}`;
    mkdirSync(join(root, chart), { recursive: true });
    writeFileSync(join(root, chart, 'Chart.yaml'), `apiVersion: v2\nname: memory-${n}\nversion: 0.1.0\n`);
    plugin.options.charts[chart] = { kustomization };
    projects.push(`memory-${n}`);
  }
  writeFileSync(nxJsonPath, `${JSON.stringify(nxJson, null, 2)}\n`);

  const env = { ...process.env, CI: 'true', NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0', NX_HELM_CRDS_KUSTOMIZE: kubectl };
  const run = spawnSync(process.execPath, ['node_modules/nx/dist/bin/nx.js', 'run-many', '-t', 'crds', '-p', projects.join(','), '--outputStyle=static'], { cwd: root, env, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (run.status !== 0) throw new Error(`nx failed:\n${run.stdout}\n${run.stderr}`);

  const rows = [];
  let task;
  for (const line of run.stdout.split('\n').map((text) => text.trim())) {
    task = /^> nx run (\S+)/.exec(line)?.[1] ?? task;
    const peak = /^timing: .*peak memory (\d+) MB$/.exec(line)?.[1];
    if (!peak || !task) continue;
    const [project, target] = task.split(':');
    const n = Number(project.slice('memory-'.length));
    const outputMb = execFileSync(kubectl, ['kustomize', join(root, `memory/k${n}`)], { maxBuffer: 1 << 30 }).length / 1e6;
    rows.push({ target, outputMb: Number(outputMb.toFixed(2)), peakRssMb: Number(peak) });
  }
  const fits = {};
  for (const target of [...new Set(rows.map((row) => row.target))]) {
    const points = rows.filter((row) => row.target === target).sort((a, b) => a.outputMb - b.outputMb);
    const first = points[0];
    const last = points.at(-1);
    fits[target] = { mbPerMbOfYaml: Number(((last.peakRssMb - first.peakRssMb) / (last.outputMb - first.outputMb)).toFixed(1)), points };
  }
  console.log('Peak RSS of each task process (MB) by kustomize output size (MB), cold, one task per process:');
  for (const [target, fit] of Object.entries(fits)) {
    console.log(`  ${target.padEnd(16)} ${fit.points.map((point) => `${point.outputMb} MB -> ${point.peakRssMb} MB`).join(', ')}; +${fit.mbPerMbOfYaml} MB per MB of YAML`);
  }
  const command = `node tools/bench/memory.mjs ${args.join(' ')}`.trim();
  const date = new Date().toISOString();
  writeFileSync(out, `${JSON.stringify({ command, date, node: process.version, fits }, null, 2)}\n`);
  console.log(`results: ${out}`);
  if (!args.includes('--no-summary')) {
    const perTarget = Object.fromEntries(
      Object.entries(fits).map(([target, fit]) => [target, { mbPerMbOfYaml: fit.mbPerMbOfYaml, outputMbToPeakRssMb: fit.points.map((point) => [point.outputMb, point.peakRssMb]) }]),
    );
    console.log(`summary: ${updateSummary('memory', { date, command, machine: machineSummary(), fits: perTarget })}`);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
