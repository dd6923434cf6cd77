import { isAbsolute, posix } from 'node:path';

/**
 * The remote-reference grammar of Kustomize v5: which entries of a kustomization it fetches over HTTP, clones as
 * git repositories or pulls as OCI artifacts instead of reading from disk. Pure functions of the text.
 */

/** Kustomize fetches such a path over HTTP instead of reading it from disk (fileloader.go, IsRemoteFile). */
export function isHttpUrl(reference: string): boolean {
  return /^https?:\/\//i.test(reference);
}

/**
 * Whether Kustomize v5 would clone `reference` as a git repository (api/internal/git/repospec.go,
 * NewRepoSpecFromURL). v5 insists on a scheme (https://, http://, ssh://, file://), a `user@host:` prefix or a
 * `github.com/` host: `gitlab.com/org/repo` or `../base?ref=v1` are local paths to v5.
 */
export function isGitRepositoryReference(reference: string): boolean {
  if (isAbsolute(reference)) return false;
  let rest = reference.split('?')[0].replace(/^git::/i, '');
  const scheme = (/^(?:ssh|https|http|file):\/\//i.exec(rest)?.[0] ?? '').toLowerCase();
  rest = rest.slice(scheme.length);
  const username = /^[a-zA-Z][a-zA-Z0-9-]*@/.exec(rest)?.[0] ?? '';
  rest = rest.slice(username.length);
  const github = /^github\.com[/:]/i.test(rest);
  const scpStyle = scheme === '' && (username !== '' || github);
  if (scheme === '' && !scpStyle) return false;
  // With file:// everything after the scheme is the path of a repository on this machine.
  if (scheme === 'file://') return hasRepositoryPath(username + rest, true);
  const separator = hostSeparatorIndex(rest, scpStyle);
  const host = separator >= 0 ? rest.slice(0, separator + 1) : rest;
  if (host === '') return false;
  return hasRepositoryPath(separator >= 0 ? rest.slice(separator + 1) : '', false);
}

/** In scp-style references (`git@host:org/repo`) a colon before the first slash ends the host. */
function hostSeparatorIndex(hostAndPath: string, scpStyle: boolean): number {
  const slash = hostAndPath.indexOf('/');
  const colon = hostAndPath.indexOf(':');
  if (scpStyle && (slash === -1 || (colon > 0 && colon < slash))) return colon;
  return slash;
}

/** Splits `org/repo//path` the way repospec.go's parsePathParts does; false when no repository path is left. */
function hasRepositoryPath(path: string, wholePathIsRepository: boolean): boolean {
  let repository: string;
  let pathInRepository: string;
  const gitRoot = path.indexOf('_git/');
  const doubleSlash = path.indexOf('//');
  const gitSuffix = path.indexOf('.git');
  if (gitRoot >= 0) {
    const [repositoryName, ...below] = path.slice(gitRoot + '_git/'.length).split('/');
    repository = path.slice(0, gitRoot + '_git/'.length) + repositoryName;
    pathInRepository = below.join('/');
  } else if (doubleSlash >= 0) {
    repository = path.slice(0, doubleSlash);
    pathInRepository = path.slice(doubleSlash + 2);
  } else if (gitSuffix >= 0) {
    repository = path.slice(0, gitSuffix + '.git'.length);
    pathInRepository = path.slice(gitSuffix + '.git'.length);
  } else if (wholePathIsRepository) {
    repository = path;
    pathInRepository = '';
  } else {
    // Without a marker, the first two segments are `org/repo` (the GitHub layout Kustomize assumes).
    const segments = path.split('/');
    if (segments.length < 2) return false;
    repository = segments.slice(0, 2).join('/');
    pathInRepository = segments.slice(2).join('/');
  }
  const leavesRepository = posix.normalize(pathInRepository.replace(/^\/+/, '') || '.').split('/')[0] === '..';
  return repository !== '' && !leavesRepository;
}

/** What `resources`, `components` and plugin entries may name remotely: a file over HTTP, a git repository or an OCI artifact. */
export function isRemoteBase(reference: string): boolean {
  return isHttpUrl(reference) || isGitRepositoryReference(reference) || /^oci:\/\//i.test(reference);
}

/** Looks like a URL or git reference, although Kustomize v5 reads it as a local path: worth a hint when it is missing. */
export function looksRemote(reference: string): boolean {
  return /:\/\/|\?(?:ref|version)=|^git@|^github\.com|\.git(?:\/|$)/i.test(reference);
}
