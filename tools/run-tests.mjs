#!/usr/bin/env node
// Runs every compiled test file with node's built-in test runner. Node 20's `node --test` does not expand
// globs, so the files are listed here: unit tests beside the code (packages/*/dist/**/*.test.js) first,
// then the end-to-end tests (dist/test/**/*.test.js). `--unit` or `--e2e` runs one kind only.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

function testFiles(directory) {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.test.js'))
    .map((entry) => relative(repoRoot, join(entry.parentPath ?? entry.path, entry.name)))
    .sort();
}

const kinds = process.argv.slice(2).filter((arg) => arg.startsWith('--'));
const wants = (kind) => kinds.length === 0 || kinds.includes(`--${kind}`);
const files = [
  ...(wants('unit') ? testFiles(join(repoRoot, 'packages/nx-helm-crds/dist')) : []),
  ...(wants('e2e') ? testFiles(join(repoRoot, 'dist/test')) : []),
];
if (files.length === 0) {
  console.error('run-tests: no compiled test files found; run `npx tsc -b` first.');
  process.exit(1);
}
// End-to-end tests each run several real Nx commands; one file at a time keeps a 2-core machine responsive.
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...files], { cwd: repoRoot, stdio: 'inherit' });
process.exit(result.status ?? 1);
