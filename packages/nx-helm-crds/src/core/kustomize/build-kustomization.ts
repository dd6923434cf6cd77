import { writeFileAtomically } from '../fs/atomic-files';
import { resolveOutputPath } from '../paths/output-paths';
import { displayPath, requireDirectory, resolveInWorkspace } from '../paths/workspace-paths';
import type { ProgressReporter } from '../process/progress';
import { resolveKustomize, type ToolCommand } from '../process/tool-resolution';
import { untimed, type ToolTime } from '../shared/tool-time';
import { splitYamlDocuments, type YamlDocument } from '../yaml/documents';
import { kustomizeBuild, safetyFlags, type KustomizeSafety } from './client';
import { requireKustomizationFile } from './kustomization-file';
import { requireKnownInputs, type InputAllowances } from './known-inputs';

/** How a kustomize-build target runs kustomize: also how verify builds its reference overlay. */
export interface KustomizeRun {
  /** The kustomize option: a binary (workspace-relative path or command on PATH); else $NX_HELM_CRDS_KUSTOMIZE, then PATH. */
  readonly kustomize?: string;
  readonly args?: readonly string[];
  /** Milliseconds before kustomize is killed; 0 waits forever. */
  readonly timeout?: number;
  readonly safety: KustomizeSafety;
}

export interface BuildKustomizationRequest {
  readonly workspaceRoot: string;
  /** Workspace-relative kustomization directory. */
  readonly kustomization: string;
  /** Workspace-relative file the output goes to. */
  readonly outputFile: string;
  readonly run: KustomizeRun;
  readonly allowances: InputAllowances;
  readonly progress?: ProgressReporter;
  readonly time?: ToolTime;
  /** Told what runs before kustomize starts, so it is said before kustomize's progress lines and failure. */
  readonly starting?: (build: StartingBuild) => void;
}

export interface StartingBuild {
  /** The kustomize command as the user can run it (workspace-relative when inside the workspace). */
  readonly command: string;
  /** Where the binary came from: the option, the environment variable, PATH. */
  readonly origin: string;
  /** The flags the options add that switch off Kustomize's safety defaults. */
  readonly loosened: readonly string[];
  /** Why the build goes ahead although its inputs are not known (an allowance said so). */
  readonly inputWarning?: string;
}

export interface BuiltKustomization {
  readonly outputFile: string;
  readonly bytes: number;
}

/**
 * The kustomize-build use case: a kustomization whose input files are known (see requireKnownInputs) is built
 * with the resolved kustomize, and its output written atomically.
 */
export async function buildKustomization(request: BuildKustomizationRequest): Promise<BuiltKustomization> {
  const { workspaceRoot, kustomization } = request;
  const directory = resolveInWorkspace(workspaceRoot, kustomization, 'kustomization');
  requireDirectory(directory, 'The kustomization directory', 'Set the kustomization option to the folder that holds kustomization.yaml.', kustomization);
  requireKustomizationFile(directory, kustomization);
  const outputPath = resolveOutputPath(workspaceRoot, request.outputFile, 'outputFile');
  const inputWarning = requireKnownInputs(workspaceRoot, kustomization, request.allowances);
  const kustomize = resolveKustomize({ explicit: request.run.kustomize, workspaceRoot });
  request.starting?.({
    command: [displayPath(workspaceRoot, kustomize.file), ...kustomize.args].join(' '),
    origin: kustomize.origin,
    loosened: safetyFlags(request.run.safety, kustomize),
    inputWarning,
  });
  const rendered = await render(kustomize, directory, kustomization, request.run, request.progress, request.time);
  writeFileAtomically(outputPath, rendered);
  return { outputFile: request.outputFile, bytes: Buffer.byteLength(rendered) };
}

/**
 * verify's reference overlay (config/default, say), built as the chart's kustomization is. Its files are verify's
 * cache key, so it passes the same input guard as a build, with no opt-in.
 */
export async function buildReferenceOverlay(
  workspaceRoot: string,
  overlay: string,
  run: KustomizeRun,
  progress?: ProgressReporter,
  time: ToolTime = untimed,
): Promise<{ readonly name: string; readonly documents: readonly YamlDocument[] }> {
  const directory = resolveInWorkspace(workspaceRoot, overlay, 'referenceOverlay');
  requireDirectory(directory, 'The reference overlay', 'Set referenceOverlay to a kustomization directory such as config/default.', overlay);
  requireKnownInputs(workspaceRoot, overlay);
  const stream = await render(resolveKustomize({ explicit: run.kustomize, workspaceRoot }), directory, overlay, run, progress, time);
  return { name: overlay, documents: splitYamlDocuments(stream, `kustomize build ${overlay}`) };
}

/** One `kustomize build` of a checked kustomization, timed as the task's kustomize time. */
function render(kustomize: ToolCommand, directory: string, kustomization: string, run: KustomizeRun, progress: ProgressReporter | undefined, time: ToolTime = untimed): Promise<string> {
  return time.measure('kustomize', () =>
    kustomizeBuild({ kustomize, directory, displayDirectory: kustomization, extraArgs: run.args, timeout: run.timeout, progress, ...run.safety }),
  );
}
