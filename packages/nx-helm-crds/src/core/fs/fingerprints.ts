import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { fileIdentity, isSettled, type IdentityMemo } from './identity-memo';

/**
 * Content hashes that become part of Nx cache keys (through the `toolVersions` option). They use relative
 * paths and file contents only, never absolute paths, users or times, so two clones share cache entries; the
 * identity hash only looks a content hash up in this machine's memo.
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

/** A binary's content hash, remembered under its identity: what stands for a tool whose version cannot be read. */
export function rememberedBinaryDigest(memo: IdentityMemo, file: string, now = Date.now()): string {
  return memo.remembered('sha256', () => fileIdentity(file, now), () => fileDigest(readFileSync(file)).slice(0, 32));
}

const codeFiles = (packageRoot: string): string[] => listFiles(join(packageRoot, 'dist')).filter((path) => path.endsWith('.js') && !path.endsWith('.test.js'));

/** The plugin's own compiled code: a change to it must invalidate every cached result it produced. */
export function pluginCodeFingerprint(packageRoot: string): string {
  return digest(codeFiles(packageRoot).map((path) => `${path} ${fileDigest(readFileSync(join(packageRoot, 'dist', path)))}`));
}

/**
 * The same files by identity (inode, size, times) instead of content: a tenth of the cost, and it changes
 * whenever the content may have. Undefined while a file changed too recently to be identified (isSettled).
 */
export function pluginCodeIdentity(packageRoot: string, now = Date.now()): string | undefined {
  const lines: string[] = [];
  for (const path of codeFiles(packageRoot)) {
    const { ino, size, mtimeMs, ctimeMs } = statSync(join(packageRoot, 'dist', path));
    if (!isSettled(mtimeMs, ctimeMs, now)) return undefined;
    lines.push(`${path} ${ino} ${size} ${mtimeMs} ${ctimeMs}`);
  }
  return digest(lines);
}

/** pluginCodeFingerprint, remembered under pluginCodeIdentity: every inference asks for it. */
export function rememberedPluginCodeFingerprint(memo: IdentityMemo, packageRoot: string, now = Date.now()): string {
  return memo.remembered('code', () => pluginCodeIdentity(packageRoot, now), () => pluginCodeFingerprint(packageRoot));
}
