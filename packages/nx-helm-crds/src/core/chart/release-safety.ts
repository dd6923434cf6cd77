import { crdNamesDefinedBy, isHelmTemplatePath, readChartFileText, type ChartFile } from './files';
import type { ChartPlan } from './plan';
import { chartFilesAtRevision } from './git-revision';
import { KEEP_ANNOTATION } from '../helm/templating';

/** What a helm upgrade from the chart at the revision to the planned chart does to a CRD (the data-loss guard's verdicts). */
export interface ReleaseSafetyFinding {
  /** `error`: the upgrade deletes custom resources; nothing is written. */
  readonly level: 'error' | 'warning';
  readonly crd: string;
  /** Chart-relative file that defined the CRD at the revision. */
  readonly path: string;
  readonly message: string;
}

/** A CRD as a chart release defines it: where, and whether Helm would keep it when it stops being rendered. */
export interface ReleasedCrd {
  readonly name: string;
  /** Chart-relative file. */
  readonly path: string;
  readonly keep: boolean;
}

/** The CRDs a set of chart files defines, from parsed documents or, in templates, by `name:` lines. */
export function releasedCrds(files: readonly { path: string; text: string }[], candidates: readonly string[]): ReleasedCrd[] {
  const crds: ReleasedCrd[] = [];
  for (const { path, text } of files) {
    const file = readChartFileText(path, text);
    const keep = new RegExp(`${KEEP_ANNOTATION.replace(/[./]/g, '\\$&')}:\\s*["']?keep`).test(text);
    for (const name of crdNamesDefinedBy(file, candidates)) crds.push({ name, path, keep });
  }
  return crds;
}

/**
 * What an upgrade from the committed chart to the new one does to CRDs. Helm deletes a templates/ resource that
 * stops being rendered, and deleting a CRD deletes every custom resource of its kind: that is an error unless
 * the old CRD carried `helm.sh/resource-policy: keep` or removal is explicitly allowed. A CRD moving from crds/
 * to templates/ is not owned by the release yet, so Helm refuses the upgrade until it is adopted.
 */
export function upgradeFindings(before: readonly ReleasedCrd[], after: readonly ReleasedCrd[], allowCrdRemoval: boolean, revision: string): ReleaseSafetyFinding[] {
  const findings: ReleaseSafetyFinding[] = [];
  const afterTemplates = new Set(after.filter((crd) => isHelmTemplatePath(crd.path)).map((crd) => crd.name));
  const afterAll = new Set(after.map((crd) => crd.name));
  for (const crd of before) {
    if (isHelmTemplatePath(crd.path) && !afterTemplates.has(crd.name) && !crd.keep) {
      findings.push({
        level: allowCrdRemoval ? 'warning' : 'error',
        crd: crd.name,
        path: crd.path,
        message:
          `was rendered from ${crd.path} at ${revision} and ${afterAll.has(crd.name) ? 'now moves out of templates/' : 'is no longer rendered'}: ` +
          `helm upgrade will DELETE the CRD and every ${crd.name} resource in the cluster. Keep rendering it, add ${KEEP_ANNOTATION}: keep ` +
          '(the keep option) in a release first, or set allowCrdRemoval if the data loss is intended.',
      });
    }
    if (!isHelmTemplatePath(crd.path) && afterTemplates.has(crd.name)) {
      findings.push({
        level: 'warning',
        crd: crd.name,
        path: crd.path,
        message:
          `moves from crds/ (at ${revision}) to templates/: existing installs must adopt it before upgrading, or Helm fails with "exists and cannot be imported". ` +
          'Label it app.kubernetes.io/managed-by=Helm and annotate it meta.helm.sh/release-name and meta.helm.sh/release-namespace (kubectl label/annotate).',
      });
    }
  }
  return findings;
}

/** The chart's files (as the task read them) as they will be once the plan is applied, for comparing with a committed revision. */
function filesAfterPlan(chartFiles: readonly ChartFile[], plan: ChartPlan): { path: string; text: string }[] {
  const files = new Map(chartFiles.flatMap((file) => (file.text === undefined ? [] : [[file.path, file.text] as const])));
  for (const write of plan.writes) files.set(write.path, write.content);
  for (const prune of plan.prunes) files.delete(prune.path);
  return [...files].map(([path, text]) => ({ path, text }));
}

export interface DataLossGuardRequest {
  readonly workspaceRoot: string;
  /** Workspace-relative chart directory. */
  readonly chart: string;
  /** The chart's files before the plan. */
  readonly chartFiles: readonly ChartFile[];
  readonly plan: ChartPlan;
  readonly revision: string;
  readonly allowCrdRemoval: boolean;
  /** The user switched the guard off (skipDataLossGuard). */
  readonly skip: boolean;
  /** CRD names to look for in templated files (the Kustomize CRDs). */
  readonly candidates: readonly string[];
}

/** The guard's findings, or why it did not compare (always said: a silent skip would hide a CRD deletion). */
export type DataLossGuardResult = { readonly findings: readonly ReleaseSafetyFinding[] } | { readonly skipped: string };

/**
 * Compares the chart the plan produces with the one committed at the revision. Only an explicit skip or a
 * workspace outside git skips it; a revision that cannot be read throws (see chartFilesAtRevision).
 */
export async function guardDataLoss(request: DataLossGuardRequest): Promise<DataLossGuardResult> {
  const consequence = 'a CRD that helm upgrade would delete (one the chart stops rendering from templates/) is not detected';
  if (request.skip) return { skipped: `skipDataLossGuard is set: ${consequence}.` };
  const committed = await chartFilesAtRevision(request.workspaceRoot, request.chart, request.revision);
  if (committed.kind === 'no-repository') return { skipped: `the workspace is not in a git repository, so there is no chart committed at ${request.revision} to compare with: ${consequence}.` };
  const before = releasedCrds(committed.kind === 'files' ? committed.files : [], request.candidates);
  const candidates = [...new Set([...request.candidates, ...before.map((crd) => crd.name)])];
  const after = releasedCrds(filesAfterPlan(request.chartFiles, request.plan), candidates);
  return { findings: upgradeFindings(before, after, request.allowCrdRemoval, request.revision) };
}
