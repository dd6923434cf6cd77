/**
 * End-to-end harness: a real Nx workspace in a temp directory, holding a copy of the embedded example
 * operator and the repo's nx.json, with real `nx` and the pinned kustomize. No mocks.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..', '..');
export const PINNED_KUBECTL = join(REPO_ROOT, '.tools', 'bin', 'kubectl');
export const PINNED_HELM = join(REPO_ROOT, '.tools', 'bin', 'helm');
export const EXAMPLE = 'examples/operator';
export const CHART = `${EXAMPLE}/chart`;
export const CHART_CRDS = `${CHART}/crds`;

export interface NxResult {
  readonly status: number | null;
  /** stdout and stderr, ANSI colours removed. */
  readonly output: string;
}

export interface TestWorkspace {
  readonly root: string;
  path(relative: string): string;
  read(relative: string): string;
  write(relative: string, content: string): void;
  nx(args: string[], env?: NodeJS.ProcessEnv): NxResult;
  remove(): void;
}

const ANSI = /\u001b\[[0-9;]*m/g;

/** The environment every test run of nx gets: no daemon, no cloud, no TUI, and the pinned kustomize and helm. */
export function nxEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CI: 'true',
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    NX_SKIP_NX_CACHE: undefined,
    FORCE_COLOR: '0',
    NX_HELM_CRDS_KUSTOMIZE: PINNED_KUBECTL,
    NX_HELM_CRDS_HELM: PINNED_HELM,
    ...overrides,
  };
}

export interface WorkspaceOptions {
  /** Keep the example chart's generated crds/ (default: start from a chart without them). */
  readonly keepGeneratedCrds?: boolean;
  /**
   * How the workspace gets nx and the plugin: `link` symlinks the repo's node_modules (fast; the plugin
   * is the repo's compiled package), or a directory whose node_modules an npm install filled.
   */
  readonly nodeModules?: string;
  /**
   * Load the plugins as Nx does by default, each in a worker process of its own (default: in Nx's process, see
   * IN_PROCESS_PLUGINS). For the tests of how Nx loads the plugin, reports its errors and follows its inputs.
   */
  readonly isolatedPlugins?: boolean;
}

/**
 * Without the daemon, Nx starts one worker process per plugin for every command by default: four here (its three
 * built-in plugins and ours), about 2.5 s of CPU per nx command, a third of the suite's CPU on the 2-core CI
 * machine. The tests of createWorkspace's workspaces load the plugins in Nx's own process instead: what the plugin
 * infers and what its executors do does not depend on where Nx loads it. Nx's default stays tested where loading is
 * the point: the installs of the packed tarball and through the wrapper, the README command, the generators,
 * invalid plugin options, inputs across commands with and without the daemon (isolatedPlugins), and the bench smoke.
 */
const IN_PROCESS_PLUGINS: NodeJS.ProcessEnv = { NX_ISOLATE_PLUGINS: 'false' };

/** A new workspace holding the example operator, wired like the repo (nx.json targetDefaults, project.json). */
export function createWorkspace(options: WorkspaceOptions = {}): TestWorkspace {
  const root = mkdtempSync(join(tmpdir(), 'nx-helm-crds-e2e-'));
  cpSync(join(REPO_ROOT, EXAMPLE), join(root, EXAMPLE), { recursive: true });
  if (!options.keepGeneratedCrds) rmSync(join(root, CHART_CRDS), { recursive: true, force: true });
  cpSync(join(REPO_ROOT, 'nx.json'), join(root, 'nx.json'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'e2e-workspace', private: true }, null, 2));
  symlinkSync(join(options.nodeModules ?? REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  return workspaceAt(root, options.isolatedPlugins ? {} : IN_PROCESS_PLUGINS);
}

/** `env`: what every nx command of the workspace gets on top of nxEnv (a command's own overrides win). */
export function workspaceAt(root: string, env: NodeJS.ProcessEnv = {}): TestWorkspace {
  const path = (relative: string) => join(root, relative);
  return {
    root,
    path,
    read: (relative) => readFileSync(path(relative), 'utf8'),
    write: (relative, content) => {
      mkdirSync(dirname(path(relative)), { recursive: true });
      writeFileSync(path(relative), content);
    },
    nx: (args, overrides) => runNx(root, args, { ...env, ...overrides }),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

export function runNx(cwd: string, args: string[], env?: NodeJS.ProcessEnv): NxResult {
  const result = spawnSync(process.execPath, [join(cwd, 'node_modules', 'nx', 'dist', 'bin', 'nx.js'), ...args], {
    cwd,
    env: nxEnv(env),
    encoding: 'utf8',
    timeout: 180_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}`.replace(ANSI, '') };
}

/** Runs nx in the background (for the concurrency test); resolves with its result. */
export function runNxAsync(cwd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<NxResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(cwd, 'node_modules', 'nx', 'dist', 'bin', 'nx.js'), ...args], { cwd, env: nxEnv(env) });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (status) => resolve({ status, output: output.replace(ANSI, '') }));
  });
}

/**
 * Task ids Nx reports as served from its cache: `> nx run chart:verify  [local cache]` for one project,
 * `✔  nx run chart:verify  [local cache]` in the summary of run-many and affected.
 */
export function cachedTasks(output: string): string[] {
  return [...output.matchAll(/^(?:>|✔)\s+nx run (\S+)\s+\[(?:local cache|remote cache|existing outputs match the cache, left as is)\]$/gm)].map(
    (match) => match[1],
  );
}

/** Task ids Nx actually ran (a batch run names a task twice: when it starts and when it ends). */
export function executedTasks(output: string): string[] {
  return [...new Set([...output.matchAll(/^(?:>|✔|✖)\s+nx run (\S+?)\s*$/gm)].map((match) => match[1]))];
}

/** Nx's own summary line, e.g. `4/4` from `Cache: 4/4 hit (100%)`. */
export function cacheSummary(output: string): string | undefined {
  return /Cache:\s+(\d+\/\d+) hit/.exec(output)?.[1];
}
