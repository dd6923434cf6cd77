import { existsSync } from 'node:fs';
import { join } from 'node:path';

const REPO_ROOT = join(__dirname, '..', '..', '..', '..');

/** The pinned binaries tools/fetch-binaries.mjs puts into .tools/bin. */
export const PINNED_TOOLS = { kubectl: join(REPO_ROOT, '.tools', 'bin', 'kubectl'), helm: join(REPO_ROOT, '.tools', 'bin', 'helm') } as const;

/**
 * Whether tests that run a pinned binary are skipped: never in CI (`CI=true`), where a missing binary
 * throws so the tests fail instead of quietly disappearing; elsewhere a skip reason that says what to do.
 * Returns `false` when the binary is there, for `describe(…, { skip })` and `t.skip()` alike.
 */
export function skipWithoutPinned(tool: keyof typeof PINNED_TOOLS, env: NodeJS.ProcessEnv = process.env, path: string = PINNED_TOOLS[tool]): string | false {
  if (existsSync(path)) return false;
  const reason = `${path} is missing: run \`node tools/fetch-binaries.mjs\` (linux-x64), or follow what it prints on other platforms`;
  if (env.CI === 'true') throw new Error(`CI=true and ${reason}. Tests that need the pinned ${tool} must run in CI, not be skipped.`);
  return reason;
}
