import { spawnSync } from 'node:child_process';
import { posix } from 'node:path';

export interface RevisionFile {
  /** Chart-relative path. */
  readonly path: string;
  readonly text: string;
}

const MANIFEST = /\.(ya?ml|json|tpl)$/i;
const MAX_BUFFER = 512 * 1024 * 1024;

/**
 * The chart's manifest files as committed at `revision`, or undefined when there is nothing to compare with
 * (not a git repository, no such revision, or the chart did not exist then). Two git processes whatever the
 * chart's size: one lists the blobs, one prints them all.
 */
export function chartFilesAtRevision(workspaceRoot: string, chart: string, revision: string): RevisionFile[] | undefined {
  const git = (args: string[], input?: string) => spawnSync('git', args, { cwd: workspaceRoot, input, maxBuffer: MAX_BUFFER });
  const listing = git(['ls-tree', '-r', '-z', revision, '--', `${chart}/`]);
  if (listing.status !== 0) return undefined;
  // `<mode> blob <object>\t<path>` entries, NUL-separated (paths are not quoted).
  const blobs = listing.stdout
    .toString('utf8')
    .split('\0')
    .map((entry) => /^\d+ blob (\w+)\t(.*)$/s.exec(entry))
    .filter((match): match is RegExpExecArray => match !== null && MANIFEST.test(match[2]))
    .map(([, object, path]) => ({ object, path }));
  if (blobs.length === 0) return undefined;
  const contents = git(['cat-file', '--batch'], blobs.map((blob) => `${blob.object}\n`).join(''));
  if (contents.status !== 0) return undefined;
  return readBatch(contents.stdout, blobs.length).map((text, index) => ({ path: posix.relative(chart, blobs[index].path), text }));
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
