/**
 * Harness for the install tests: the packed plugin tarball, a Go operator repository as it is before Nx,
 * and the commands a user types (npm, nx through either install mode, git), run for real.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { startRemoteCache } from './remote-cache';
import { EXAMPLE, REPO_ROOT, cachedTasks, executedTasks, nxEnv, type NxResult } from './workspace';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const ANSI = /\u001b\[[0-9;]*m/g;

export const CHART_DIRECTORY = 'charts/example-operator';
/** Chart.yaml's name: the project name, since the chart has no project.json. */
export const PROJECT = 'example-operator';
export const EXPECTED_CRDS = readdirSync(join(REPO_ROOT, EXAMPLE, 'chart/crds')).sort();

export interface PackedPlugin {
  readonly tarball: string;
  readonly files: string[];
  readonly manifest: { version: string; peerDependencies: Record<string, string>; [key: string]: unknown };
}

/** `npm pack -w nx-helm-crds` at the repo root, as a release would. */
export function packPlugin(destination: string): PackedPlugin {
  const output = execFileSync(NPM, ['pack', '-w', 'nx-helm-crds', '--json', '--pack-destination', destination], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [packed] = JSON.parse(output) as { filename: string; files: { path: string }[] }[];
  return {
    tarball: join(destination, packed.filename),
    files: packed.files.map((file) => file.path).sort(),
    manifest: JSON.parse(readFileSync(join(REPO_ROOT, 'packages/nx-helm-crds/package.json'), 'utf8')),
  };
}

/** The lowest and the latest nx release on the registry that the plugin's peer range accepts. */
export function supportedNxVersions(peerRange: string): { lowest: string; latest: string } {
  const versions = JSON.parse(execFileSync(NPM, ['view', `nx@${peerRange}`, 'version', '--json'], { encoding: 'utf8' })) as string | string[];
  const list = ([] as string[]).concat(versions);
  return { lowest: list[0], latest: list[list.length - 1] };
}

/**
 * npm's settings for every install a test makes, its own and those nx makes (`nx add`, the wrapper): the
 * local cache first, no audit or funding requests.
 */
const NPM_ENV = { npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' };

export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): NxResult {
  const result = spawnSync(command, args, { cwd, env: nxEnv({ ...NPM_ENV, ...env }), encoding: 'utf8', timeout: 300_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}${result.error ?? ''}`.replace(ANSI, '') };
}

/** `run` without blocking the event loop: for commands that talk to a server in this process (the remote cache). */
export function runAsync(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<NxResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: nxEnv({ ...NPM_ENV, ...env }) });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (status) => resolve({ status, output: output.replace(ANSI, '') }));
  });
}

/** Runs `command` and throws with its output unless it exits 0. */
export function runOk(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  const result = run(command, args, cwd, env);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status} in ${cwd}:\n${result.output}`);
  return result.output;
}

export const npm = (cwd: string, ...args: string[]) => runOk(NPM, args, cwd);
export const git = (cwd: string, ...args: string[]) => runOk('git', ['-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', ...args], cwd);

/** `git status --porcelain --untracked-files=all`: the paths a `git add -A` would commit. */
export function changedFiles(root: string): string[] {
  return git(root, 'status', '--porcelain', '--untracked-files=all')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.slice(3))
    .sort();
}

/**
 * A kubebuilder-style Go operator repository before Nx, committed: go.mod, config/ (the example
 * operator's kustomizations), a chart without CRDs, and the dist/install.yaml kubebuilder commits.
 */
export function createGoRepository(parent = mkdtempSync(join(tmpdir(), 'nx-helm-crds-go-'))): string {
  const root = join(parent, 'operator');
  mkdirSync(root, { recursive: true });
  cpSync(join(REPO_ROOT, EXAMPLE, 'config'), join(root, 'config'), { recursive: true });
  cpSync(join(REPO_ROOT, EXAMPLE, 'chart'), join(root, CHART_DIRECTORY), {
    recursive: true,
    filter: (source) => !source.endsWith('project.json') && !source.includes(`${join('chart', 'crds')}`),
  });
  const files: Record<string, string> = {
    'go.mod': 'module example.com/operator\n\ngo 1.24\n',
    'main.go': 'package main\n\nfunc main() {}\n',
    '.gitignore': 'bin/\n',
    'dist/install.yaml': '# generated by make build-installer\napiVersion: v1\nkind: List\nitems: []\n',
  };
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'operator before Nx');
  return root;
}

/**
 * A second clone of `root` somewhere else (a longer path, so nothing path-dependent can match by chance),
 * with a copy of the installed packages at `installed` (node_modules, or the wrapper's .nx/installation).
 */
export function cloneElsewhere(root: string, installed: string): string {
  const clone = join(mkdtempSync(join(tmpdir(), 'nx-helm-crds-clone-')), 'another', 'checkout', 'operator');
  mkdirSync(dirname(clone), { recursive: true });
  git(dirname(clone), 'clone', '-q', root, clone);
  cpSync(join(root, installed), join(clone, installed), { recursive: true, verbatimSymlinks: true });
  return clone;
}

/** Commits what adoption left, as the user would before pushing. */
export function commitAll(root: string): void {
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'nx-helm-crds');
}

/** Removes the temporary directory a repository or clone was made in. */
export function removeRepository(root: string | undefined): void {
  if (root) rmSync(join(tmpdir(), relative(tmpdir(), root).split(sep)[0]), { recursive: true, force: true });
}

/** nx as a test runs it in a repository: through node_modules (npm) or ./nx (the wrapper). */
export type NxRunner = (root: string, args: string[], env?: NodeJS.ProcessEnv) => Promise<NxResult>;

/** The tool versions verify's cache key names (its `toolVersions` option), as `nx show project` reports them. */
async function verifyToolVersions(nx: NxRunner, root: string): Promise<unknown> {
  const shown = (await nx(root, ['show', 'project', PROJECT, '--json'])).output;
  const project = JSON.parse(shown.slice(shown.indexOf('{'))) as { targets: Record<string, { options?: { toolVersions?: unknown } }> };
  const versions = project.targets.verify.options?.toolVersions;
  if (!versions) throw new Error(`no toolVersions option on verify in ${shown}`);
  return versions;
}

/**
 * Both clones infer the same tool versions into the keys, made of the plugin, kustomize and helm versions and
 * no path of either clone.
 */
export async function assertSameToolsKey(nx: NxRunner, first: string, second: string): Promise<void> {
  const versions = await verifyToolVersions(nx, first);
  assert.deepEqual(await verifyToolVersions(nx, second), versions);
  const { plugin, kustomize, helm } = versions as Record<string, string>;
  assert.match(plugin, /^0\.1\.0 [0-9a-f]{32}$/);
  assert.deepEqual([kustomize, helm.replace(/\+.*/, '')], ['v5.6.0', 'v4.1.4']);
}

/** `crds -c check` in the first clone fills a self-hosted remote cache; the second gets every task from it. */
export async function assertSecondCloneServedRemotely(nx: NxRunner, first: string, second: string): Promise<void> {
  const cache = await startRemoteCache();
  // Each clone gets an empty local cache of its own: Nx uploads only what it runs, and without a
  // cacheDirectory in nx.json (the wrapper's) Nx 24 shares one local cache between clones of a repository.
  const local = mkdtempSync(join(tmpdir(), 'nx-helm-crds-local-cache-'));
  const env = (clone: string) => ({
    NX_SELF_HOSTED_REMOTE_CACHE_SERVER: cache.url,
    NX_CACHE_DIRECTORY: join(local, clone, 'cache'),
    NX_WORKSPACE_DATA_DIRECTORY: join(local, clone, 'workspace-data'),
  });
  try {
    const filled = await nx(first, ['run', `${PROJECT}:crds`, '-c', 'check'], env('first'));
    assert.equal(filled.status, 0, filled.output);
    assert.deepEqual(cachedTasks(filled.output), [], 'the first clone runs every task, so each is uploaded');
    const served = await nx(second, ['run', `${PROJECT}:crds`, '-c', 'check'], env('second'));
    assert.equal(served.status, 0, served.output);
    assert.deepEqual(executedTasks(served.output), []);
    assert.deepEqual(cachedTasks(served.output).sort(), ['crds:check', 'helm-crds:check', 'kustomize-build', 'verify:check'].map((task) => `${PROJECT}:${task}`));
    assert.match(served.output, /\[remote cache\]/);
  } finally {
    await cache.close();
    rmSync(local, { recursive: true, force: true });
  }
}
