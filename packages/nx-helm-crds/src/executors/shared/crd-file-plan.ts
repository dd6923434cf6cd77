/** How helm-crds plans a chart's CRD files and names its regenerate command: helm-crds writes the plan, verify compares with it. */
import type { ChartFile } from '../../core/chart/files';
import type { ChartPlan } from '../../core/chart/plan';
import { planChartUpdate } from '../../core/chart/update';
import { DEFAULT_FILE_NAME_PATTERN, type Crd } from '../../core/crd/model';
import type { HelmCrdsExecutorSchema } from '../helm-crds/schema';

export interface CrdFilesRequest {
  readonly crds: readonly Crd[];
  readonly chartDirectory: string;
  readonly kustomization: string;
  /** The command that regenerates the files (it goes into their header). */
  readonly regenerate: string;
  readonly chartFiles?: readonly ChartFile[];
  /** Kustomizations other helm-crds targets write into this chart from (their generated files are theirs). */
  readonly otherKustomizations?: readonly string[];
}

/** The command users run to regenerate the chart (`nx run chart:crds`), not this inner step: it goes into headers and advice. */
export function regenerateCommand(project: string, options: HelmCrdsExecutorSchema, helmCrdsTarget: string): string {
  return `nx run ${project}:${options.pipelineTarget ?? helmCrdsTarget}`;
}

/** What the chart's CRD files should be, as helm-crds would write them with these options (nothing is written). */
export function planCrdFiles(options: HelmCrdsExecutorSchema, request: CrdFilesRequest): ChartPlan {
  return planChartUpdate({
    ...request,
    displayChart: options.chart,
    layout: { ...options, placement: options.placement ?? 'crds', fileName: options.fileName ?? DEFAULT_FILE_NAME_PATTERN },
  });
}
