/**
 * An error caused by the user's input or environment rather than by a bug: executors print its message
 * (which says what is wrong, where, and what to do) without a stack trace.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
}

export function describeError(error: unknown): string {
  if (error instanceof UserError) return error.message;
  if (error instanceof Error) return error.stack ?? error.message;
  return String(error);
}
