#!/usr/bin/env node
// Runs every compiled test file with node's built-in test runner: unit tests beside the code
// (packages/*/dist/**/*.test.js) and the end-to-end tests (dist/test/**/*.test.js). `--unit` or `--e2e` runs
// one kind only; `--concurrency N` (default 2) sets how many test files run at once, `--concurrency 1` is serial.
//
// Two at a time because one file alone keeps a 2-core CI machine only partly busy: an end-to-end test often waits
// (on npm, on Nx starting its processes one after another, on kustomize and helm) and the unit files are mostly
// single-threaded. More than two only overloads the two cores: each Nx command already starts several processes.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { run } from 'node:test';
import { spec, tap } from 'node:test/reporters';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The slowest files (measured on the 2-core CI machine), longest first. They start first so that no long file
 * starts last and runs on alone while the other slot is idle; every other file follows in name order and fills
 * the gaps. A file missing from this list is only scheduled later, never skipped.
 */
const SLOWEST_FIRST = [
  'dist/test/e2e/affected.test.js',
  'dist/test/e2e/compatibility.test.js',
  'dist/test/e2e/chart-ownership.test.js',
  'dist/test/e2e/pipeline.test.js',
  'dist/test/e2e/packed-tarball.test.js',
  'dist/test/e2e/ci-report.test.js',
  'dist/test/e2e/kustomize-guards.test.js',
  'dist/test/e2e/generators-and-watch.test.js',
  'dist/test/e2e/nx-wrapper.test.js',
  'dist/test/e2e/bad-inputs.test.js',
  'dist/test/e2e/helm-rendering.test.js',
  'dist/test/e2e/plugin-options.test.js',
  'dist/test/e2e/verify-only.test.js',
  'dist/test/e2e/write-faults.test.js',
  'dist/test/e2e/tool-errors.test.js',
];

function testFiles(directory) {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.test.js'))
    .map((entry) => relative(repoRoot, join(entry.parentPath ?? entry.path, entry.name)))
    .sort();
}

const args = process.argv.slice(2);
const concurrencyFlag = args.indexOf('--concurrency');
const concurrency = concurrencyFlag === -1 ? 2 : Number(args[concurrencyFlag + 1]);
if (!Number.isInteger(concurrency) || concurrency < 1) {
  console.error('run-tests: --concurrency takes a positive integer.');
  process.exit(1);
}
const kinds = args.filter((arg) => arg === '--unit' || arg === '--e2e');
const wants = (kind) => kinds.length === 0 || kinds.includes(`--${kind}`);
const found = [
  ...(wants('unit') ? testFiles(join(repoRoot, 'packages/nx-helm-crds/dist')) : []),
  ...(wants('e2e') ? testFiles(join(repoRoot, 'dist/test')) : []),
];
if (found.length === 0) {
  console.error('run-tests: no compiled test files found; run `npx tsc -b` first.');
  process.exit(1);
}
const rank = (file) => (SLOWEST_FIRST.includes(file) ? SLOWEST_FIRST.indexOf(file) : SLOWEST_FIRST.length);
// `node --test` on Node 20 sorts the files it is given; run() keeps this order.
const files = [...found].sort((a, b) => rank(a) - rank(b));

// The test files run with the repository root as their working directory, as under `node --test` there.
process.chdir(repoRoot);
const stream = run({ files: files.map((file) => join(repoRoot, file)), concurrency });
stream.on('test:fail', () => {
  process.exitCode = 1;
});
// The reporter `node --test` picks: spec on a terminal, TAP in CI logs.
stream.compose(process.stdout.isTTY ? spec : tap).pipe(process.stdout);
