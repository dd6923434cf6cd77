#!/usr/bin/env node
// Removes compiled files whose TypeScript source is gone. `tsc -b` never deletes outputs, so a deleted or
// renamed module would live on in dist: its stale test would still run, the plugin's code hash (which covers
// dist) would differ from a clean clone's, and npm pack would ship it.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const COMPILED = /\.(?:js|d\.ts)(?:\.map)?$/;

function* filesUnder(directory) {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else yield path;
  }
}

let removed = 0;
for (const reference of JSON.parse(readFileSync(join(repoRoot, 'tsconfig.json'), 'utf8')).references) {
  const projectDirectory = join(repoRoot, reference.path);
  const { compilerOptions } = JSON.parse(readFileSync(join(projectDirectory, 'tsconfig.json'), 'utf8'));
  const rootDir = resolve(projectDirectory, compilerOptions.rootDir);
  const outDir = resolve(projectDirectory, compilerOptions.outDir);
  if (!existsSync(outDir)) continue;
  for (const file of filesUnder(outDir)) {
    if (!COMPILED.test(file)) continue;
    const source = join(rootDir, relative(outDir, file).replace(COMPILED, '.ts'));
    if (existsSync(source)) continue;
    rmSync(file);
    removed++;
  }
}
if (removed > 0) console.log(`prune-dist: removed ${removed} compiled file(s) whose source is gone`);
