import { constants } from 'node:os';

/**
 * An error caused by the user's input or environment rather than by a bug: executors print its message
 * (which says what is wrong, where, and what to do) without a stack trace.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
}

export function describeError(error: unknown): string {
  if (error instanceof UserError) return error.message;
  const described = describeSystemError(error);
  if (described) return described;
  if (error instanceof Error) return error.stack ?? error.message;
  return String(error);
}

/** What to do about the file system errors a user can fix; every other error code gets the system's wording. */
const ADVICE: Record<string, string> = {
  EACCES: 'permission denied: make it writable for this user (or run from a checkout you own)',
  EPERM: 'the operation is not permitted (an immutable or protected file?): make it writable',
  EROFS: 'the file system is read-only: run from a writable checkout',
  EISDIR: 'a directory of that name is in the way: remove or rename it',
  ENOSPC: 'the disk is full: free some space',
  EDQUOT: 'the disk quota is exhausted: free some space',
  ENAMETOOLONG: 'the name is too long for the file system (255 bytes a name, 4096 a path): choose a shorter fileName, directory or path',
  EFBIG: 'the file is larger than this process may write (ulimit -f) or the file system allows: raise the limit',
  ELOOP: 'too many levels of symbolic links: replace the links with real folders',
  EMFILE: 'too many open files in this process: raise the limit (ulimit -n)',
  ENFILE: 'too many open files on this machine: close some programs or raise the limit',
  EIO: 'the disk reported an input/output error: check the disk',
  ENOENT: 'no such file or folder',
  EBUSY: 'it is in use by another program: close that program',
  ETXTBSY: 'it is in use by another program: close that program',
  EXDEV: 'it is on another file system than its destination',
  ENOTEMPTY: 'the folder is not empty',
};

/** Advice for a file system error code; undefined for anything that is not an operating system error. */
export function fileSystemAdvice(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (!code || !(code in constants.errno)) return undefined;
  // Node's own wording, e.g. "EXYZ: some problem, open '/path'" → "some problem".
  return ADVICE[code] ?? /^[A-Z]+: ([^,]+)/.exec((error as Error).message)?.[1] ?? code;
}

const ACTIONS: Record<string, string> = {
  open: 'open',
  read: 'read',
  write: 'write',
  rename: 'rename',
  mkdir: 'create the folder',
  rmdir: 'remove the folder',
  unlink: 'remove',
  scandir: 'list the folder',
  opendir: 'list the folder',
  stat: 'read',
  lstat: 'read',
  link: 'link',
  copyfile: 'copy',
  fsync: 'flush',
  spawn: 'run',
};

/**
 * Node's file system errors and its refusal of a path holding a NUL byte, as a message with the path
 * (without a stack trace, which says nothing to a user about a full disk or a bad option).
 */
function describeSystemError(error: unknown): string | undefined {
  const failure = error as NodeJS.ErrnoException & { dest?: string };
  if (failure?.code === 'ERR_INVALID_ARG_VALUE' || failure?.code === 'ERR_INVALID_ARG_TYPE') {
    if (!/null bytes/.test(failure.message)) return undefined;
    const received = /Received (.*)$/s.exec(failure.message)?.[1] ?? 'a path';
    return `A path contains a NUL character (\\0): ${received}. Paths cannot hold one: check the options (chart, directory, fileName, outputFile) and the CRD names it is built from.`;
  }
  const advice = fileSystemAdvice(error);
  if (!advice) return undefined;
  const action = ACTIONS[failure.syscall ?? ''] ?? failure.syscall ?? 'use';
  const where = failure.path ? ` ${failure.path}${failure.dest ? ` to ${failure.dest}` : ''}` : '';
  return `Cannot ${action}${where}: ${advice}.`;
}
