import { posix } from 'node:path';
import { writeFileAtomically } from '../fs/atomic-files';
import { requireRealPathInWorkspace, resolveInWorkspace } from '../paths/workspace-paths';
import { isUnmanaged } from '../crd/selection';
import { printable } from '../shared/printable';
import { shownDifferences, WRITE_LOG_DIFFERENCES, type Difference } from '../verify/diff';
import { fileChanges, toJsonReport, type JsonReport } from '../verify/reports';
import { ignoredPaths, verifyChartCrds, type KnownDifferences } from '../verify/verification';
import { planTargetFiles, readTargetKustomizeOutput, selectTargetCrds, type ChartCrdsTarget } from './chart-crds-target';
import { readChartFiles, requireChart } from './files';
import { planChangesChart, planChangesOnlyText, type ChartPlan } from './plan';
import { guardDataLoss, type ReleaseSafetyFinding } from './release-safety';
import { applyChartPlan } from './write';

export interface WriteChartCrdsRequest extends ChartCrdsTarget {
  /** Plan and report only (the `check` option): nothing in the chart is written. */
  readonly dryRun: boolean;
  /** Absolute path of the JSON report; none is written when undefined. */
  readonly reportPath?: string;
  /** Removing a CRD from templates/ (which deletes its custom resources on upgrade) is a warning, not an error. */
  readonly allowCrdRemoval: boolean;
  /** The data-loss guard is switched off (skipDataLossGuard). */
  readonly skipDataLossGuard: boolean;
}

export type WriteChartCrdsResult =
  /** generate: false: another tool writes the chart's CRD files. */
  | { readonly outcome: 'not-generated' }
  /** The data-loss guard found an upgrade that deletes custom resources: nothing was written. */
  | { readonly outcome: 'refused'; readonly findings: readonly ReleaseSafetyFinding[] }
  | WrittenChartCrds;

export interface WrittenChartCrds {
  /** `planned` in a dry run. */
  readonly outcome: 'written' | 'planned';
  readonly plan: ChartPlan;
  /** Why the data-loss guard did not compare, when it did not. */
  readonly guardSkipped?: string;
  /** The guard's warnings (errors refuse the write). */
  readonly findings: readonly ReleaseSafetyFinding[];
  /** Kustomize CRDs the chart ships from elsewhere (unmanaged), left alone. */
  readonly leftAlone: readonly string[];
  /** In a dry run, what to do about a chart that is out of date (verify, which runs next, fails on it). */
  readonly driftAdvice?: string;
  readonly report: JsonReport;
}

/**
 * The helm-crds use case: the Kustomize CRDs the target selects, planned into the chart's files (read once), passed
 * through the data-loss guard, written in one transaction (unless a dry run), and reported in verify's JSON format.
 */
export async function writeChartCrds(request: WriteChartCrdsRequest): Promise<WriteChartCrdsResult> {
  const chartDirectory = resolveInWorkspace(request.workspaceRoot, request.chart, 'chart');
  requireRealPathInWorkspace(request.workspaceRoot, chartDirectory, 'chart', request.chart);
  requireChart(chartDirectory, request.chart);
  if (!request.generate) return { outcome: 'not-generated' };

  const output = readTargetKustomizeOutput(request);
  const crds = selectTargetCrds(request, output);
  const chartFiles = readChartFiles(chartDirectory);
  const plan = planTargetFiles(request, crds, chartDirectory, chartFiles);
  const guard = await guardDataLoss({
    workspaceRoot: request.workspaceRoot,
    chart: request.chart,
    chartFiles,
    plan,
    revision: request.previousRevision,
    allowCrdRemoval: request.allowCrdRemoval,
    skip: request.skipDataLossGuard,
    candidates: output.crds.map((crd) => crd.name),
  });
  const guardSkipped = 'skipped' in guard ? guard.skipped : undefined;
  const findings = 'findings' in guard ? guard.findings : [];
  if (findings.some((finding) => finding.level === 'error')) return { outcome: 'refused', findings };
  if (!request.dryRun) await applyChartPlan(chartDirectory, plan);

  // The chart as this step found it, compared file by file (not rendered: verify renders), in verify's report format.
  const verification = verifyChartCrds(output.crds, chartFiles, request.layout, ignoredPaths([]), plannedComparisons(plan));
  const report = toJsonReport(verification, {
    step: 'helm-crds',
    chart: request.chart,
    kustomization: request.kustomizeOutput.kustomization,
    generated: true,
    written: !request.dryRun,
    rendered: false,
    missingDependencies: [],
    ignoredPaths: ignoredPaths([]),
    findings: [],
    files: fileChanges(plan, verification),
  });
  if (request.reportPath) writeFileAtomically(request.reportPath, `${JSON.stringify(report, null, 2)}\n`);

  return {
    outcome: request.dryRun ? 'planned' : 'written',
    plan,
    guardSkipped,
    findings,
    leftAlone: output.crds.filter((crd) => isUnmanaged(crd.name, request.layout)).map((crd) => crd.name),
    driftAdvice: request.dryRun ? driftAdvice(request, plan) : undefined,
    report,
  };
}

/** The files the plan compared with their CRD: unchanged ones hold its data exactly. */
function plannedComparisons(plan: ChartPlan): KnownDifferences {
  const known = new Map<string, { crd: string; differences: readonly Difference[] }>();
  for (const file of plan.unchanged) known.set(file.path, { crd: file.crd, differences: [] });
  for (const write of plan.writes) if (write.differences) known.set(write.path, { crd: write.crd, differences: write.differences });
  return known;
}

function driftAdvice(request: WriteChartCrdsRequest, plan: ChartPlan): string | undefined {
  if (!planChangesChart(plan)) return undefined;
  const { chart, regenerate } = request;
  const kustomization = request.kustomizeOutput.kustomization;
  // Not a failure here: verify, which runs next, fails with the full report (text, JSON, GitHub annotations).
  return planChangesOnlyText(plan)
    ? `${chart} holds the same CRD data as ${kustomization} (in sync), but ${plan.writes.length} file(s) differ in text only ` +
        `(no nx-helm-crds header, comments, formatting); verify reports them and fails. Run \`${regenerate}\` once and commit: it rewrites them ` +
        'exactly as Kustomize emits them, with the header that lets later runs keep them in sync; the data stays the same.'
    : `${chart} is out of date with ${kustomization}: ${plan.writes.length + plan.prunes.length} file(s) would change; ` +
        `verify reports every difference and fails. Run \`${regenerate}\` (without the check configuration) and commit the result.`;
}

const VERBS = { create: 'created', update: 'updated', adopt: 'adopted (replaced a plain copy)', 'take-over': 'took over' } as const;
const DRY_RUN_VERBS = { create: 'would create', update: 'would update', adopt: 'would replace a plain copy', 'take-over': 'would take over' } as const;

/** What helm-crds did (or, in a dry run, would do) to the chart's files, one line each, then the counts. */
export function chartUpdateLines(result: WrittenChartCrds, chart: string, regenerate: string): string[] {
  const { plan } = result;
  const dryRun = result.outcome === 'planned';
  const verbs = dryRun ? DRY_RUN_VERBS : VERBS;
  // Chart file names are untrusted: one with a newline could start a line GitHub reads as a workflow command.
  const show = (path: string) => printable(posix.join(chart, path));
  const lines: string[] = [];
  for (const write of plan.writes) {
    const moved = write.previousKustomization === undefined ? '' : `; it was generated from the kustomization ${write.previousKustomization}, which no helm-crds target uses any more`;
    lines.push(`  ${verbs[write.reason]} ${show(write.path)} (${write.crd}${moved})`);
    lines.push(...shownDifferences(write.differences ?? [], WRITE_LOG_DIFFERENCES).map((line) => `      ${line}`));
    if (write.reason === 'adopt' && write.differences?.length === 0) {
      lines.push(`      in sync: same data as Kustomize, only the text differs (no nx-helm-crds header, comments or formatting); \`${regenerate}\` rewrites it as Kustomize emits it`);
    } else if (write.reason !== 'create' && write.differences?.length === 0) {
      lines.push('      (same data, different text: comments, formatting or the header)');
    }
  }
  for (const file of plan.unchanged) lines.push(`  unchanged ${show(file.path)}`);
  for (const prune of plan.prunes) {
    const moved = prune.previousKustomization === undefined ? '' : `, taken over from the kustomization ${prune.previousKustomization}, which no helm-crds target uses any more`;
    lines.push(`  ${dryRun ? 'would remove' : 'removed'} ${show(prune.path)} (its CRD is no longer rendered or is provided by another file${moved})`);
  }
  for (const provided of plan.providedElsewhere) lines.push(`  ${provided.crd} is provided by ${show(provided.path)}: no second copy written`);
  lines.push(
    `${dryRun ? 'check: ' : ''}${plan.writes.length} ${dryRun ? 'to write' : 'written'}, ${plan.unchanged.length} unchanged, ` +
      `${plan.prunes.length} ${dryRun ? 'to remove' : 'removed'}, ${plan.providedElsewhere.length} provided by other files`,
  );
  if (result.leftAlone.length > 0) lines.push(`  unmanaged, left alone: ${result.leftAlone.join(', ')}`);
  return lines;
}
