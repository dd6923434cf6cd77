import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { UserError } from '../shared/errors';

export interface RevisionFile {
  /** Chart-relative path. */
  readonly path: string;
  readonly text: string;
}

const MANIFEST = /\.(ya?ml|json|tpl)$/i;
const MAX_BUFFER = 512 * 1024 * 1024;

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
export function chartFilesAtRevision(workspaceRoot: string, chart: string, revision: string): ChartAtRevision {
  // Git's messages in English: "not a git repository" is recognised by its text.
  const git = (args: string[], input?: string) => spawnSync('git', args, { cwd: workspaceRoot, input, maxBuffer: MAX_BUFFER, env: { ...process.env, LC_ALL: 'C' } });
  const failure = (result: ReturnType<typeof git>) => result.error?.message ?? (result.stderr.toString('utf8').trim() || `exit code ${result.status}`);
  if (revision === '' || revision.startsWith('-')) throw new UserError(`previousRevision "${revision}" is not a git revision: ${FIXES}`);
  const repository = git(['rev-parse', '--is-inside-work-tree']);
  if (repository.status !== 0 && /not a git repository/i.test(repository.stderr?.toString('utf8') ?? '')) return { kind: 'no-repository' };
  // Without git, only a tree with no .git above it is known not to be a repository.
  if (repository.error && !process.env.GIT_DIR && !insideGitCheckout(workspaceRoot)) return { kind: 'no-repository' };
  if (repository.status !== 0) {
    throw new UserError(`The data-loss guard cannot run git in ${workspaceRoot} to read previousRevision "${revision}" (${failure(repository)}). Install git or fix the repository, or ${FIXES}`);
  }
  const commit = git(['rev-parse', '--verify', '--quiet', `${revision}^{commit}`]);
  if (commit.status !== 0) {
    if (revision === 'HEAD' && git(['symbolic-ref', '--quiet', 'HEAD']).status === 0) return { kind: 'no-commits' };
    throw new UserError(
      `previousRevision "${revision}" does not exist in this git repository (or is not a commit), so the data-loss guard cannot compare the chart with it. ` +
        `Fetch it (a shallow or single-branch clone lacks other branches and tags: git fetch, or actions/checkout with fetch-depth: 0), or ${FIXES}`,
    );
  }
  const unreadable = (result: ReturnType<typeof git>) =>
    new UserError(`The data-loss guard cannot read ${chart} at previousRevision "${revision}" (${failure(result)}): ${FIXES}`);
  const listing = git(['ls-tree', '-r', '-z', commit.stdout.toString('utf8').trim(), '--', `${chart}/`]);
  if (listing.status !== 0) throw unreadable(listing);
  // `<mode> blob <object>\t<path>` entries, NUL-separated (paths are not quoted).
  const blobs = listing.stdout
    .toString('utf8')
    .split('\0')
    .map((entry) => /^\d+ blob (\w+)\t(.*)$/s.exec(entry))
    .filter((match): match is RegExpExecArray => match !== null && MANIFEST.test(match[2]))
    .map(([, object, path]) => ({ object, path }));
  if (blobs.length === 0) return { kind: 'files', files: [] };
  const contents = git(['cat-file', '--batch'], blobs.map((blob) => `${blob.object}\n`).join(''));
  if (contents.status !== 0) throw unreadable(contents);
  return { kind: 'files', files: readBatch(contents.stdout, blobs.length).map((text, index) => ({ path: posix.relative(chart, blobs[index].path), text })) };
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
