import { UserError } from '../shared/errors';
import { readKustomizationGraph, type KustomizationGraph } from './graph';

/** What a kustomize-build target may build although nx-helm-crds cannot vouch for its inputs (each also makes it uncached). */
export interface InputAllowances {
  readonly allowUnreadableInputs?: boolean;
  readonly allowRemoteResources?: boolean;
}

/**
 * The kustomization's input graph is what makes a build safe to cache and to run: its files are the cache
 * key, and its remote references are refused. A kustomization whose graph cannot be read (a base outside the
 * workspace, say) could read and fetch anything, so it is not built unless explicitly allowed (and then
 * uncached). Returns the warning to log when an allowance let it through.
 *
 * `allowances` undefined: no opt-in exists for this kustomization (verify's reference overlay, whose files are
 * verify's cache key), so the refusal says to vendor instead.
 */
export function requireKnownInputs(workspaceRoot: string, kustomization: string, allowances?: InputAllowances): string | undefined {
  const subject = allowances ? `The kustomization ${kustomization}` : `The reference overlay ${kustomization}`;
  let graph: KustomizationGraph;
  try {
    graph = readKustomizationGraph(workspaceRoot, kustomization);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    if (!allowances?.allowUnreadableInputs) {
      throw new UserError(
        `${subject} is not built: its input files could not be read: ${error.message}\n` +
          'nx-helm-crds builds a kustomization only when it knows every file the build reads: they are the cache key, and remote ' +
          'resources among them are refused. ' +
          (allowances
            ? 'Fix the kustomization; or, to build it anyway, never cached and with whatever it references (remote resources included), ' +
              'set the plugin option `unreadableInputs: "uncached"` (or the executor option `allowUnreadableInputs: true` with `cache: false` on the target).'
            : 'Point referenceOverlay at a kustomization whose files are all in the workspace (vendor outside bases).'),
      );
    }
    return (
      `The input files of ${kustomization} could not be read (${error.message}). Building it anyway (allowUnreadableInputs): ` +
      'the result must never be cached, and remote resources it references are not refused.'
    );
  }
  if (graph.remote.length === 0 || allowances?.allowRemoteResources) return undefined;
  const references = graph.remote.map((remote) => `${remote.kustomization}: ${remote.field} "${remote.reference}"`);
  throw new UserError(
    `${subject} references remote resources, which nx-helm-crds refuses by default ` +
      `(their content is not part of the cache key, and CI would fetch whatever they point to):\n  - ${references.join('\n  - ')}\n` +
      (allowances
        ? 'Vendor them into the repository, or allow them: the plugin option `remoteResources: "uncached"` ' +
          '(or the executor option `allowRemoteResources: true` with `cache: false` on the target).'
        : 'Vendor them into the repository: a reference overlay is part of verify\'s cache key, so it must be local.'),
  );
}
