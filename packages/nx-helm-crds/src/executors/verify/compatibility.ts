/**
 * verify's compatibility step: the CRDs the chart will ship against the chart at previousRevision (the
 * revision the data-loss guard of helm-crds uses). Kept apart from the rest of verify so the step stays one
 * call in the executor.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VerificationReport } from '../../core/verify/verification';
import { checkCompatibility, skippedCompatibility, type CompatibilityOptions, type CompatibilityResult } from '../../core/verify/compatibility/guard';
import { chartFilesAtRevision } from '../../core/chart/git-revision';
import { compatibilityAnnotations, compatibilityJson, formatCompatibility, locateFindings, type LocatedFinding } from '../../core/verify/compatibility/report';
import { collectCrds } from '../../core/crd/model';
import { isSelected, type CrdSelection } from '../../core/crd/selection';
import type { JsonReport } from '../../core/verify/reports';
import type { YamlDocument } from '../../core/yaml/documents';
import type { TaskLog } from '../shared/batch';
import type { TaskTiming } from '../shared/task-timing';

export interface CompatibilityStep {
  readonly result: CompatibilityResult;
  readonly findings: readonly LocatedFinding[];
}

export interface CompatibilityStepRequest {
  readonly options?: CompatibilityOptions;
  /** helm-crds' previousRevision; HEAD when unset. */
  readonly previousRevision?: string;
  readonly workspaceRoot: string;
  /** Workspace-relative chart directory. */
  readonly chart: string;
  readonly chartDirectory: string;
  readonly selection: CrdSelection;
  readonly kustomizeDocuments: readonly YamlDocument[];
  readonly kustomizeSource: string;
  /** verify's report: which chart file defines each CRD now (where annotations point). */
  readonly verified: VerificationReport;
}

/** Undefined when the guard is switched off (`compatibility.enabled: false`). Its time is its own entry of the timing line. */
export async function checkChartCompatibility(request: CompatibilityStepRequest, timing: TaskTiming): Promise<CompatibilityStep | undefined> {
  if (request.options?.enabled === false) return undefined;
  return timing.measure('compatibility guard', async () => compatibilityStep(request));
}

async function compatibilityStep(request: CompatibilityStepRequest): Promise<CompatibilityStep> {
  const options = request.options ?? {};
  const revision = request.previousRevision ?? 'HEAD';
  // It refuses a revision that does not exist, as the data-loss guard does (same function, same message).
  const baseline = await chartFilesAtRevision(request.workspaceRoot, request.chart, revision);
  if (baseline.kind !== 'files') {
    const why = baseline.kind === 'no-repository' ? 'not a git repository' : 'the repository has no commits yet';
    return { result: skippedCompatibility(revision, `${why}: nothing to compare with`, options), findings: [] };
  }
  const current = collectCrds(request.kustomizeDocuments, request.kustomizeSource).filter((crd) => isSelected(crd.name, request.selection));
  const result = checkCompatibility({ previousRevision: revision, previousFiles: baseline.files.length > 0 ? baseline.files : undefined, current, options });
  const fileOf = (crd: string) => {
    const path = request.verified.crds.find((verdict) => verdict.name === crd)?.files[0];
    if (!path) return undefined;
    try {
      return { path, text: readFileSync(join(request.chartDirectory, path), 'utf8') };
    } catch {
      return undefined;
    }
  };
  return { result, findings: locateFindings(result.findings, fileOf) };
}

/** The verify report with its `compatibility` part; an incompatible chart makes an otherwise in-sync result `invalid`. */
export function withCompatibility(json: JsonReport, step: CompatibilityStep | undefined): JsonReport & { readonly compatibility?: ReturnType<typeof compatibilityJson> } {
  if (!step) return json;
  const result = json.result === 'in-sync' && step.result.result === 'incompatible' ? 'invalid' : json.result;
  return { ...json, result, compatibility: compatibilityJson(step.result, step.findings) };
}

export function printCompatibility(step: CompatibilityStep | undefined, format: 'text' | 'json' | 'github' | undefined, chart: string, log: TaskLog): void {
  if (!step || format === 'json') return;
  (step.result.result === 'incompatible' ? log.error : log.info)(formatCompatibility(step.result, step.findings));
  if (format === 'github') for (const line of compatibilityAnnotations(step.result, step.findings, chart)) log.info(line);
}
