import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after } from 'node:test';

export interface TempFolder {
  readonly root: string;
  write(path: string, text: string): void;
  /** Runs git in the folder with a fixed identity (commits need one on a bare CI machine). */
  git(...args: string[]): void;
}

/** Runs `test` in a fresh temp folder (not yet a git repository), removed afterwards. */
export async function inTempFolder(test: (folder: TempFolder) => unknown): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'nx-helm-crds-git-'));
  const write = (path: string, text: string) => writeTree(root, { [path]: text });
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: root, stdio: 'ignore' });
  try {
    await test({ root, write, git });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Writes `files` (path relative to `root` → text) under `root`, making their folders. */
export function writeTree(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

/**
 * For a test file that makes many temp folders: a maker of fresh folders (holding `files`, if given), all
 * removed once the file's tests have run. Call it at the top level or in a describe body.
 */
export function tempFolders(prefix: string): (files?: Record<string, string>) => string {
  const roots: string[] = [];
  after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));
  return (files = {}) => {
    const root = mkdtempSync(join(tmpdir(), `nx-helm-crds-${prefix}-`));
    roots.push(root);
    writeTree(root, files);
    return root;
  };
}

/**
 * Blocks until the file system clock has moved on: file times have a tick's granularity, and a test that
 * rewrites a file must do so on a later tick, as any real rewrite does.
 */
export function waitForNextFileTimeTick(): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
}
