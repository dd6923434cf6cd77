import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../constants';
import { rememberedBinaryDigest, rememberedPluginCodeFingerprint } from '../fs/fingerprints';
import { IdentityMemo } from '../fs/identity-memo';
import { UserError } from '../shared/errors';
import { printable } from '../shared/printable';
import { HELM_BINARIES, KUSTOMIZE_BINARIES, resolveHelm, resolveKustomize, type ToolCommand, type ToolResolution } from './tool-resolution';
import { rememberedToolVersion } from './tool-versions';

/**
 * What a cache key needs and file globs cannot express: the plugin's version and code, and the versions of the
 * tools. Machine-independent (no paths), so clones share cache entries.
 */
export interface KeyVersions {
  /** `<package version> <hash of the compiled code>`. */
  readonly plugin: string;
  /** kustomize's version, or NOT_FOUND. */
  readonly kustomize?: string;
  /** helm's version, or NOT_FOUND (verify then compares without rendering). */
  readonly helm?: string;
}

export const NOT_FOUND = 'not found';

export interface KeyVersionsRequest {
  readonly workspaceRoot: string;
  /** The memo that keeps versions and code hashes by file identity (IdentityMemo). */
  readonly memoFile: string;
  /** Ask kustomize, found as the executor finds it (`explicit` is its option). */
  readonly kustomize?: { readonly explicit?: string };
  /** Ask helm, found as verify finds it. */
  readonly helm?: { readonly explicit?: string };
  readonly env?: NodeJS.ProcessEnv;
}

// Loaded only when the memo cannot answer: they bring the process runner.
const kustomizeVersion = (tool: ToolCommand) => (require('../kustomize/client') as typeof import('../kustomize/client')).kustomizeVersion(tool);
const helmVersion = (tool: ToolCommand) => (require('../helm/client') as typeof import('../helm/client')).helmVersion(tool);

/**
 * The versions as they are now. Asking kubectl and helm costs 0.1 s each, so each answer is remembered under the
 * identity of the binary that gave it (rememberedToolVersion) and the code hash under the identity of the
 * plugin's files: while nothing changed, this is a few `stat` calls. A tool that cannot be found is NOT_FOUND
 * rather than an error: the key must still be computed, and the task that needs the tool fails with its own
 * message.
 */
export function currentKeyVersions(request: KeyVersionsRequest): KeyVersions {
  const memo = IdentityMemo.open(request.memoFile);
  try {
    const { version } = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
    const resolution = (explicit: string | undefined): ToolResolution => ({ explicit, workspaceRoot: request.workspaceRoot, env: request.env });
    return {
      plugin: `${version} ${rememberedPluginCodeFingerprint(memo, PACKAGE_ROOT)}`,
      ...(request.kustomize && { kustomize: versionOrNotFound(() => resolveKustomize(resolution(request.kustomize?.explicit)), KUSTOMIZE_BINARIES, kustomizeVersion, memo) }),
      ...(request.helm && { helm: versionOrNotFound(() => resolveHelm(resolution(request.helm?.explicit)), HELM_BINARIES, helmVersion, memo) }),
    };
  } finally {
    memo.save();
  }
}

function versionOrNotFound(resolve: () => ToolCommand, names: readonly string[], probe: (tool: ToolCommand) => string, memo: IdentityMemo): string {
  let tool;
  try {
    tool = resolve();
  } catch (error) {
    if (error instanceof UserError) return NOT_FOUND;
    throw error;
  }
  try {
    return rememberedToolVersion(memo, tool, names, probe);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    // kubectl before 1.24 prints no kustomize version, yet builds: its content stands for the version (no path).
    return `unknown, binary sha256 ${rememberedBinaryDigest(memo, tool.file)}`;
  }
}

const LABELS: Readonly<Record<keyof KeyVersions, string>> = { plugin: 'nx-helm-crds', kustomize: 'kustomize', helm: 'helm' };

/**
 * The target's key names the versions Nx inferred it with; if the tools this task runs are others now, its
 * result must not be stored under that key. A tool NOT_FOUND now is not compared, as the task fails with what to
 * install, unless it is in `usedOnlyIfFound` (verify compares unrendered without helm: its absence is an answer).
 * Both sides are untrusted text (a project.json can set the option; the versions are the tools' output), so the
 * message prints them through printable.
 */
export function assertKeyVersionsCurrent(inKey: Partial<KeyVersions>, now: KeyVersions, usedOnlyIfFound: readonly (keyof KeyVersions)[] = []): void {
  const changed = (Object.keys(LABELS) as (keyof KeyVersions)[]).filter(
    (tool) => now[tool] !== undefined && (now[tool] !== NOT_FOUND || usedOnlyIfFound.includes(tool)) && inKey[tool] !== undefined && inKey[tool] !== now[tool],
  );
  if (changed.length === 0) return;
  throw new UserError(
    `${changed.map((tool) => `${LABELS[tool]} is ${printable(now[tool] ?? '')}, but this task's cache key was computed with ${printable(inKey[tool] ?? '')}`).join('; ')}. ` +
      'Its result would be cached under a key that names other versions. Either the tool changed after Nx inferred the targets ' +
      '(the Nx daemon keeps them until a workspace file or the environment changes): run `nx daemon --stop` (or `nx reset`) and run the task again. ' +
      'Or this task finds another binary than the nx-helm-crds plugin does (a kustomize or helmBinary option from project.json, targetDefaults or the command line, ' +
      'or NX_HELM_CRDS_KUSTOMIZE / NX_HELM_CRDS_HELM in a .env file of the task): set the binary in the plugin options, or the variable in the environment ' +
      'of the nx command, so the key names the tool that runs.'
  );
}
