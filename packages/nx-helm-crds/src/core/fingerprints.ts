import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join, posix } from 'node:path';
import { isGeneratedText } from './generated-file';

/**
 * Content hashes that become part of Nx cache keys (through `runtime` inputs). They use relative paths and
 * file contents only, never absolute paths, users or times, so two clones share cache entries.
 */

function listFiles(root: string, relative = ''): string[] {
  const entries = readdirSync(join(root, relative), { withFileTypes: true });
  return entries
    .flatMap((entry) => {
      const path = relative === '' ? entry.name : posix.join(relative, entry.name);
      return entry.isDirectory() ? listFiles(root, path) : [path];
    })
    .sort();
}

function digest(lines: Iterable<string>): string {
  const hash = createHash('sha256');
  for (const line of lines) hash.update(`${line}\n`);
  return hash.digest('hex').slice(0, 32);
}

const fileDigest = (content: Buffer | string): string => createHash('sha256').update(content).digest('hex');

/** The plugin's own compiled code: a change to it must invalidate every cached result it produced. */
export function pluginCodeFingerprint(packageRoot: string): string {
  const files = listFiles(join(packageRoot, 'dist')).filter((path) => path.endsWith('.js') && !path.endsWith('.test.js'));
  return digest(files.map((path) => `${path} ${fileDigest(readFileSync(join(packageRoot, 'dist', path)))}`));
}

/**
 * The chart as far as the helm-crds decision depends on it: every file except the ones nx-helm-crds
 * generated. Generated files are left out so writing them does not change the key (a second run is a cache
 * hit) while Nx restores them from the cache when they are deleted; any hand-made file that could clash
 * with them or already define a CRD is in. `includeGenerated` hashes every file, for verify, which runs
 * after the chart is written and so must see it as it is on disk (Nx's file inputs are read when the
 * command starts).
 */
export function chartFingerprint(chartDirectory: string, { includeGenerated = false } = {}): string {
  const lines: string[] = [];
  for (const path of listFiles(chartDirectory)) {
    const absolute = join(chartDirectory, path);
    if (lstatSync(absolute).isSymbolicLink()) {
      lines.push(`${path} -> ${readlinkSync(absolute)}`);
      continue;
    }
    const content = readFileSync(absolute);
    if (!includeGenerated && isGeneratedText(content.subarray(0, 64).toString('utf8'))) continue;
    lines.push(`${path} ${fileDigest(content)}`);
  }
  return digest(lines);
}
