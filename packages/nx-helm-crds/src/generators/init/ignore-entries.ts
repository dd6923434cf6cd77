/**
 * Which of `entries` (paths relative to the repository root) a .gitignore does not ignore yet. An entry
 * counts as ignored when a plain line (no glob, no negation) names it or a folder above it, e.g. `dist/`
 * covers `dist/nx-helm-crds`. Anything subtler is left to the user: a line too many is harmless.
 */
export function missingIgnoreEntries(gitignore: string, entries: readonly string[]): string[] {
  const normalize = (path: string) => path.trim().replace(/^\/+|\/+$/g, '');
  const plainLines = gitignore
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^[#!]/.test(line) && !/[*?[\]\\]/.test(line))
    .map(normalize);
  return entries.filter((entry) => {
    const path = normalize(entry);
    return !plainLines.some((line) => path === line || path.startsWith(`${line}/`));
  });
}

/** `gitignore` with `entries` appended under a comment, keeping its line endings. */
export function appendIgnoreEntries(gitignore: string, entries: readonly string[]): string {
  if (entries.length === 0) return gitignore;
  const newline = gitignore.includes('\r\n') ? '\r\n' : '\n';
  const separator = gitignore === '' ? '' : gitignore.endsWith(newline) ? newline : newline + newline;
  return `${gitignore}${separator}${['# Nx and nx-helm-crds: caches and build outputs, never committed', ...entries].join(newline)}${newline}`;
}
