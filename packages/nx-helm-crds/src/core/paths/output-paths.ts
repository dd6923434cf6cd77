import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UserError } from '../shared/errors';
import { displayPath, resolveInWorkspace } from './workspace-paths';

/** Resolves a workspace-relative file an option names for a report or build output; see requireOutsideCharts. */
export function resolveOutputPath(workspaceRoot: string, path: string, option: string): string {
  const absolute = resolveInWorkspace(workspaceRoot, path, option);
  requireOutsideCharts(workspaceRoot, absolute, option, path);
  return absolute;
}

/**
 * Refuses a report or build output path inside a Helm chart (below a folder holding Chart.yaml, the
 * placement folder included), following symbolic links: the write could replace a chart file, a CRD file
 * among them, and every chart file is part of the chart's cache keys. The workspace root itself is not
 * looked at, so a workspace that is one chart keeps its dist/ outputs.
 */
function requireOutsideCharts(workspaceRoot: string, absolute: string, option: string, path: string): void {
  let existing = dirname(absolute);
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  const realRoot = realpathSync(workspaceRoot);
  for (let directory = realpathSync(existing); directory !== realRoot && dirname(directory) !== directory; directory = dirname(directory)) {
    if (!existsSync(join(directory, 'Chart.yaml'))) continue;
    throw new UserError(
      `${option} "${path}" is inside the Helm chart ${displayPath(realRoot, directory)}: nx-helm-crds never writes reports or build output into a chart ` +
        '(it could replace a chart file such as a CRD, and every chart file is part of the chart\'s cache key). ' +
        `Point ${option} outside every chart, e.g. under dist/nx-helm-crds/.`,
    );
  }
}
