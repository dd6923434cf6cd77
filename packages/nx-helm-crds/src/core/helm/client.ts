import { UserError } from '../shared/errors';
import { withProgress, type ProgressReporter } from '../process/progress';
import { ProcessError, runProcess } from '../process/runner';
import { probeTool, type ToolCommand } from '../process/tool-resolution';

export interface HelmTemplateRequest {
  readonly helm: ToolCommand;
  /** Absolute chart directory. */
  readonly chartDirectory: string;
  /** Workspace-relative chart directory, for messages. */
  readonly displayChart: string;
  readonly releaseName: string;
  readonly namespace: string;
  /** Absolute values files, in order. */
  readonly valuesFiles?: readonly string[];
  /** `key=value` pairs for --set, in order. */
  readonly set?: readonly string[];
  readonly timeout?: number;
  readonly progress?: ProgressReporter;
}

/**
 * `helm template` with the chart's CRDs included (`--include-crds`): no cluster, no network. The argument list is
 * built here, pure, so it is tested without spawning helm.
 */
export function helmTemplateArgs(request: HelmTemplateRequest): string[] {
  // Both are positional or flag values taken from options and the chart's name: one starting with "-" would be
  // read by helm as a flag (--output-dir, --post-renderer), so it never reaches the command line.
  for (const [option, value] of [['releaseName', request.releaseName], ['namespace', request.namespace]] as const) {
    if (value.startsWith('-')) {
      throw new UserError(`verify's ${option} ${JSON.stringify(value)} starts with "-", which helm would read as a flag: set ${option} to a Kubernetes name.`);
    }
  }
  return [
    ...request.helm.args,
    'template',
    request.releaseName,
    request.chartDirectory,
    '--namespace',
    request.namespace,
    '--include-crds',
    ...(request.valuesFiles ?? []).flatMap((file) => ['--values', file]),
    ...(request.set ?? []).flatMap((pair) => ['--set', pair]),
  ];
}

/** Renders the chart as Helm would install it and returns the manifest stream. */
export async function helmTemplate(request: HelmTemplateRequest): Promise<string> {
  const args = helmTemplateArgs(request);
  const run = runProcess({ tool: 'helm', file: request.helm.file, args, timeout: request.timeout });
  try {
    return (await withProgress(`helm template ${request.displayChart}`, run, request.progress)).stdout;
  } catch (error) {
    if (!(error instanceof ProcessError) || error.reason === 'output-cap') throw error;
    if (error.reason === 'timeout') {
      throw new UserError(`helm template ${request.displayChart} did not finish within ${request.timeout} ms and was killed.`);
    }
    throw new UserError(
      `helm template of the chart ${request.displayChart} failed (${error.commandLine}):\n` +
        `${error.details.stderr || error.details.spawnMessage || error.message}\nFix the chart's templates or values, or set helm: "never" to verify the files without rendering.`,
    );
  }
}

/** `# Source: <chart>/<path>` comments that helm template puts before every document. */
const SOURCE_COMMENT = /^# Source: [^/\n]+\/(.+)$/m;

/** The chart-relative file a rendered document came from, from helm's `# Source:` comment. */
export function renderedSource(documentText: string): string | undefined {
  return SOURCE_COMMENT.exec(documentText)?.[1];
}

/** helm's version string, e.g. `v4.1.4`, for cache keys. */
export function helmVersion(helm: ToolCommand): string {
  const { ok, output } = probeTool(helm, [...helm.args, 'version', '--short']);
  const version = /v\d+\.\d+\.\d+\S*/.exec(output)?.[0];
  if (!ok || !version) throw new UserError(`Cannot read the helm version from ${helm.file} (${helm.origin}): ${output}`);
  return version;
}
