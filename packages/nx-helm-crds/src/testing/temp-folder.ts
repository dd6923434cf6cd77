import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface TempFolder {
  readonly root: string;
  write(path: string, text: string): void;
  /** Runs git in the folder with a fixed identity (commits need one on a bare CI machine). */
  git(...args: string[]): void;
}

/** Runs `test` in a fresh temp folder (not yet a git repository), removed afterwards. */
export async function inTempFolder(test: (folder: TempFolder) => unknown): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'nx-helm-crds-git-'));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: root, stdio: 'ignore' });
  try {
    await test({ root, write, git });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
