/** What a helm-crds target says about its chart: helm-crds writes from it, verify compares with what it would write. */
import { resolveInWorkspace } from '../paths/workspace-paths';
import { readKustomizeOutput, type KustomizeOutput } from '../kustomize/output';
import { selectCrds } from '../crd/selection';
import type { Crd } from '../crd/model';
import type { ChartFile } from './files';
import { planChartUpdate, type ChartLayout, type ChartPlan } from './plan';

export interface ChartCrdsTarget {
  readonly workspaceRoot: string;
  /** Workspace-relative chart directory. */
  readonly chart: string;
  /** The kustomize-build target's output file (workspace-relative) and the kustomization it was built from. */
  readonly kustomizeOutput: { readonly file: string; readonly kustomization: string };
  /** Where and how the CRD files go, and which CRDs (include, exclude, unmanaged). */
  readonly layout: ChartLayout;
  /** Accept an empty selection and include globs that match nothing. */
  readonly allowEmpty: boolean;
  /** false: another tool writes the chart's CRD files (generate: false); nothing is planned. */
  readonly generate: boolean;
  /** The command that regenerates the chart: it goes into the generated files' header and into advice. */
  readonly regenerate: string;
  /** Kustomizations other helm-crds targets write into this chart from (their generated files are theirs). */
  readonly otherKustomizations: readonly string[];
  /** The revision the data-loss and compatibility guards compare with (previousRevision; HEAD by default). */
  readonly previousRevision: string;
}

/** The kustomize-build target's output, read once for the task. */
export function readTargetKustomizeOutput(target: ChartCrdsTarget): KustomizeOutput {
  const { file, kustomization } = target.kustomizeOutput;
  return readKustomizeOutput(resolveInWorkspace(target.workspaceRoot, file, 'outputFile'), file, kustomization);
}

/** The Kustomize CRDs the chart should hold (see selectCrds). */
export function selectTargetCrds(target: ChartCrdsTarget, output: KustomizeOutput): Crd[] {
  return selectCrds(output.crds, target.layout, output.source, target.allowEmpty);
}

/** What the chart's CRD files should be, as helm-crds writes them (nothing is written). */
export function planTargetFiles(target: ChartCrdsTarget, crds: readonly Crd[], chartDirectory: string, chartFiles: readonly ChartFile[]): ChartPlan {
  return planChartUpdate({
    crds,
    chartDirectory,
    chartFiles,
    displayChart: target.chart,
    layout: target.layout,
    kustomization: target.kustomizeOutput.kustomization,
    regenerate: target.regenerate,
    otherKustomizations: target.otherKustomizations,
  });
}
