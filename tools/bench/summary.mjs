/**
 * Where the benchmark scripts put what they measure. Raw results (every run, megabytes of JSON) go to
 * tools/bench/results/, which git ignores; the few figures the README quotes go to tools/bench/summary.json,
 * which is committed: one section per script, updated by that script's full runs, each entry with its date,
 * command and machine, so a reader can tell which figures came from which run.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const RESULTS_DIR = join(BENCH_DIR, 'results');
export const SUMMARY_FILE = join(BENCH_DIR, 'summary.json');

/** The raw results file of a script (`results/<name>.json`), its folder created. */
export function rawResultsFile(name) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  return join(RESULTS_DIR, `${name}.json`);
}

/** The machine in a few fields: enough to compare two summaries, nothing that names the host or a path. */
export function machineSummary(facts = {}) {
  const cpus = os.cpus();
  return {
    cores: facts.cores ?? cpus.length,
    cpuModel: facts.cpuModel ?? cpus[0]?.model,
    memoryGiB: Number(((facts.memoryBytes ?? os.totalmem()) / 2 ** 30).toFixed(1)),
    node: facts.node ?? process.version,
    ...(facts.nx ? { nx: facts.nx } : {}),
    ...(facts.kustomize ? { kustomize: facts.kustomize } : {}),
  };
}

/**
 * Replaces `entries` in one section of summary.json (keys not given are kept: a 50-chart run updates the
 * 50-chart row and leaves the 1/3/10-chart rows of an earlier run), and returns the file's path.
 */
export function updateSummary(section, entries) {
  let summary = {};
  try {
    summary = JSON.parse(readFileSync(SUMMARY_FILE, 'utf8'));
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  summary.about = 'The figures README.md quotes, written by tools/bench/{run,memory,compatibility,plugin-graph}.mjs; their raw results (every run) are in tools/bench/results/, not in git.';
  summary[section] = { ...summary[section], ...entries };
  const ordered = Object.fromEntries(Object.entries(summary).sort(([a], [b]) => (a === 'about' ? -1 : b === 'about' ? 1 : a.localeCompare(b))));
  writeFileSync(SUMMARY_FILE, `${JSON.stringify(ordered, null, 2)}\n`);
  return SUMMARY_FILE;
}
