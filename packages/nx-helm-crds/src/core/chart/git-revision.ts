import { existsSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { UserError } from '../shared/errors';
import { ProcessError, runProcess, type ProcessResult } from '../process/runner';

export interface RevisionFile {
  /** Chart-relative path. */
  readonly path: string;
  readonly text: string;
}

const MANIFEST = /\.(ya?ml|json|tpl)$/i;

/** How to carry on when the revision cannot be read: the options a user has, in every such error. */
const FIXES = 'set previousRevision to a revision that exists, or set skipDataLossGuard: true to run without the guard (it then cannot tell that helm upgrade would delete a CRD).';

/** What a revision holds of a chart: its files (none when the chart did not exist then), or why there is nothing to read. */
export type ChartAtRevision =
  | { readonly kind: 'no-repository' }
  /** `HEAD` on a branch with no commit yet. */
  | { readonly kind: 'no-commits' }
  | { readonly kind: 'files'; readonly files: readonly RevisionFile[] };

/**
 * The chart's manifest files as committed at `revision`. A revision that does not exist or cannot be read is an error, never a silent skip: the
 * guard would otherwise let a CRD deletion through. Three or four git processes whatever the chart's size.
 */
export async function chartFilesAtRevision(workspaceRoot: string, chart: string, revision: string): Promise<ChartAtRevision> {
  // Git's messages in English: "not a git repository" is recognised by its text. Every exit code is an answer
  // here (rev-parse --verify says "no" with 1): each call below decides what it means.
  const git = async (args: string[], input?: string): Promise<GitRun> => {
    try {
      return await runProcess({ tool: 'git', file: 'git', args, cwd: workspaceRoot, input, env: { LC_ALL: 'C' }, exitCodes: 'any', encoding: 'buffer' });
    } catch (error) {
      if (error instanceof ProcessError && error.reason === 'spawn') return { failure: error.details.spawnMessage };
      throw error;
    }
  };
  const failure = (result: GitRun) => ('failure' in result ? result.failure : result.stderr.trim() || `exit code ${result.exitCode}`);
  if (revision === '' || revision.startsWith('-')) throw new UserError(`previousRevision "${revision}" is not a git revision: ${FIXES}`);
  const repository = await git(['rev-parse', '--is-inside-work-tree']);
  if (!('failure' in repository) && repository.exitCode !== 0 && /not a git repository/i.test(repository.stderr)) return { kind: 'no-repository' };
  // Without git, only a tree with no .git above it is known not to be a repository.
  if ('failure' in repository && !process.env.GIT_DIR && !insideGitCheckout(workspaceRoot)) return { kind: 'no-repository' };
  if (!isSuccess(repository)) {
    throw new UserError(`The data-loss guard cannot run git in ${workspaceRoot} to read previousRevision "${revision}" (${failure(repository)}). Install git or fix the repository, or ${FIXES}`);
  }
  const commit = await git(['rev-parse', '--verify', '--quiet', `${revision}^{commit}`]);
  if (!isSuccess(commit)) {
    if (revision === 'HEAD' && isSuccess(await git(['symbolic-ref', '--quiet', 'HEAD']))) return { kind: 'no-commits' };
    throw new UserError(
      `previousRevision "${revision}" does not exist in this git repository (or is not a commit), so the data-loss guard cannot compare the chart with it. ` +
        `Fetch it (a shallow or single-branch clone lacks other branches and tags: git fetch, or actions/checkout with fetch-depth: 0), or ${FIXES}`,
    );
  }
  const unreadable = (result: GitRun) =>
    new UserError(`The data-loss guard cannot read ${chart} at previousRevision "${revision}" (${failure(result)}): ${FIXES}`);
  const listing = await git(['ls-tree', '-r', '-z', bytes(commit.stdout).toString('utf8').trim(), '--', `${chart}/`]);
  if (!isSuccess(listing)) throw unreadable(listing);
  // `<mode> blob <object>\t<path>` entries, NUL-separated (paths are not quoted).
  const blobs = bytes(listing.stdout)
    .toString('utf8')
    .split('\0')
    .map((entry) => /^\d+ blob (\w+)\t(.*)$/s.exec(entry))
    .filter((match): match is RegExpExecArray => match !== null && MANIFEST.test(match[2]))
    .map(([, object, path]) => ({ object, path }));
  if (blobs.length === 0) return { kind: 'files', files: [] };
  const contents = await git(['cat-file', '--batch'], blobs.map((blob) => `${blob.object}\n`).join(''));
  if (!isSuccess(contents)) throw unreadable(contents);
  return { kind: 'files', files: readBatch(bytes(contents.stdout), blobs.length).map((text, index) => ({ path: posix.relative(chart, blobs[index].path), text })) };
}

/** A git run that ended with an exit code, or the reason git could not be started. */
type GitRun = ProcessResult<Uint8Array> | { readonly failure: string | undefined };

/** The same bytes as a Buffer (no copy), to decode parts of them. */
function bytes(output: Uint8Array): Buffer {
  return Buffer.from(output.buffer, output.byteOffset, output.byteLength);
}

function isSuccess(result: GitRun): result is ProcessResult<Uint8Array> {
  return 'exitCode' in result && result.exitCode === 0;
}

function insideGitCheckout(directory: string): boolean {
  for (let current = resolve(directory); ; current = dirname(current)) {
    if (existsSync(join(current, '.git'))) return true;
    if (dirname(current) === current) return false;
  }
}

/** Splits `git cat-file --batch` output: a `<object> blob <size>` line, the content, a newline, per object. */
function readBatch(output: Buffer, count: number): string[] {
  const texts: string[] = [];
  let offset = 0;
  for (let index = 0; index < count; index++) {
    const headerEnd = output.indexOf(0x0a, offset);
    const size = Number(/ (\d+)$/.exec(output.toString('utf8', offset, headerEnd))?.[1] ?? 0);
    texts.push(output.toString('utf8', headerEnd + 1, headerEnd + 1 + size));
    offset = headerEnd + 1 + size + 1;
  }
  return texts;
}
