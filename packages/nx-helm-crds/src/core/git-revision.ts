import { posix } from 'node:path';

export interface RevisionFile {
  /** Chart-relative path. */
  readonly path: string;
  readonly text: string;
}

const MANIFEST = /\.(ya?ml|json|tpl)$/i;

/**
 * The chart's manifest files as committed at `revision`, or undefined when there is nothing to compare with
 * (not a git repository, no such revision, or the chart did not exist then).
 */
export async function chartFilesAtRevision(workspaceRoot: string, chart: string, revision: string): Promise<RevisionFile[] | undefined> {
  const { execa } = await import('execa');
  const git = (args: string[]) => execa('git', args, { cwd: workspaceRoot, reject: false, stripFinalNewline: false, maxBuffer: 256 * 1024 * 1024 });
  const listing = await git(['ls-tree', '-r', '--name-only', revision, '--', `${chart}/`]);
  if (listing.failed) return undefined;
  const paths = String(listing.stdout).split('\n').filter((path) => path !== '' && MANIFEST.test(path));
  if (paths.length === 0) return undefined;
  const files: RevisionFile[] = [];
  for (const path of paths) {
    const shown = await git(['show', `${revision}:./${path}`]);
    if (!shown.failed) files.push({ path: posix.relative(chart, path), text: String(shown.stdout) });
  }
  return files;
}
