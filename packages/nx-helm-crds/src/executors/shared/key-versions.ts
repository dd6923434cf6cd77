import type { ExecutorContext } from '@nx/devkit';
import { workspaceDataDirectory } from 'nx/src/utils/cache-directory';
import { join } from 'node:path';
import { IDENTITY_MEMO } from '../../constants';
import { assertKeyVersionsCurrent, currentKeyVersions, type KeyVersions, type KeyVersionsRequest } from '../../core/process/key-versions';

/**
 * Fails the task when the tools it runs are not the versions its cache key names (the `toolVersions` option the
 * plugin sets; see assertKeyVersionsCurrent). A target written without the plugin names none, and is not checked.
 */
export function assertToolsMatchKey(
  inKey: Partial<KeyVersions> | undefined,
  tools: Pick<KeyVersionsRequest, 'kustomize' | 'helm'>,
  context: ExecutorContext,
  usedOnlyIfFound: readonly (keyof KeyVersions)[] = [],
): void {
  if (inKey === undefined) return;
  assertKeyVersionsCurrent(inKey, currentKeyVersions({ workspaceRoot: context.root, memoFile: join(workspaceDataDirectory, IDENTITY_MEMO), ...tools }), usedOnlyIfFound);
}
