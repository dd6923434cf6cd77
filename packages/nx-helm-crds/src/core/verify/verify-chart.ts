import { ChartSnapshot, isHelmTemplatePath, requireChart } from '../chart/files';
import { planTargetFiles, readTargetKustomizeOutput, selectTargetCrds, type ChartCrdsTarget } from '../chart/chart-crds-target';
import { copyWithoutDependencies, missingDependencies, type ChartCopy } from '../chart/dependencies';
import { crdSanityFindings, removedApiVersionFindings, releaseSizeFindings, type SanityFinding } from '../crd/sanity';
import type { Crd } from '../crd/model';
import { overlayReferenceFindings } from '../crd/references';
import { isSelected } from '../crd/selection';
import { writeFileAtomically } from '../fs/atomic-files';
import { helmTemplate } from '../helm/client';
import { renderedChartFiles } from '../helm/rendering';
import { buildReferenceOverlay, type KustomizeRun } from '../kustomize/build-kustomization';
import type { KustomizeOutput } from '../kustomize/output';
import { resolveInWorkspace } from '../paths/workspace-paths';
import type { ProgressReporter } from '../process/progress';
import { resolveHelm, type ToolCommand } from '../process/tool-resolution';
import { UserError } from '../shared/errors';
import { untimed, type ToolTime } from '../shared/tool-time';
import type { YamlDocument } from '../yaml/documents';
import type { CompatibilityOptions } from './compatibility/guard';
import { compatibilityJson } from './compatibility/report';
import { compatibilityWithRevision, type ChartCompatibility } from './compatibility/with-revision';
import { diffValues } from './diff';
import { fileChanges, toJsonReport, type FileChange, type JsonReport } from './reports';
import { DRIFT_STATUSES, ignoredPaths, summaryLine, verifyChartCrds, type VerificationReport } from './verification';

export type HelmMode = 'auto' | 'always' | 'never';

export interface VerifyChartRequest {
  /** The helm-crds target whose chart is verified, as it would write it. */
  readonly target: ChartCrdsTarget;
  /** Absolute path of the JSON report (the caller removes an earlier run's first, before anything can fail). */
  readonly reportPath: string;
  /** Render with helm: `auto` when one is found, `always` (fail without), `never`. */
  readonly helmMode: HelmMode;
  /** The helm binary option (else $NX_HELM_CRDS_HELM, then PATH). */
  readonly helmBinary?: string;
  readonly releaseName: string;
  readonly namespace?: string;
  /** Workspace-relative values files. */
  readonly valuesFiles: readonly string[];
  readonly set: readonly string[];
  readonly ignore: readonly string[];
  /**
   * Fail when the chart's dependencies are not in charts/, instead of rendering the chart's own templates
   * without them.
   */
  readonly requireDependencies?: boolean;
  /** A kustomization (config/default, say) holding what the CRDs point at, built as the chart's kustomization is. */
  readonly referenceOverlay?: { readonly kustomization: string; readonly run: KustomizeRun };
  readonly compatibility?: CompatibilityOptions;
  /** Progress of slow tools, and the note that helm was not found (said before the work it explains). */
  readonly progress?: ProgressReporter;
  readonly time?: ToolTime;
}

export interface VerifiedChart {
  /** The report as written to `reportPath`; its `result` is the verdict. */
  readonly report: JsonReport;
  readonly verification: VerificationReport;
  readonly findings: readonly SanityFinding[];
  /** The files helm-crds would change (none with generate: false). */
  readonly files: readonly FileChange[];
  readonly rendered: boolean;
  /** The namespace rendered into, when rendered. */
  readonly namespace?: string;
  readonly missingDependencies: readonly string[];
  readonly ignoredPaths: readonly string[];
  readonly compatibility?: ChartCompatibility;
  /** What is wrong and how to fix it; undefined when the chart is in sync. */
  readonly failure?: string;
  /** A chart file's text as the task read it, for annotations. */
  readonly chartText: (path: string) => string | undefined;
}

const PROBE_NAMESPACE = 'nx-helm-crds-probe';

/** The namespace Kustomize put into the CRDs (webhook service, inject-ca-from), so a render in it must match exactly. */
function kustomizeNamespace(crds: readonly Crd[]): string | undefined {
  for (const crd of crds) {
    const value = crd.document.value as { spec?: { conversion?: { webhook?: { clientConfig?: { service?: { namespace?: string } } } } }; metadata?: { annotations?: Record<string, string> } };
    const namespace = value.spec?.conversion?.webhook?.clientConfig?.service?.namespace ?? value.metadata?.annotations?.['cert-manager.io/inject-ca-from']?.split('/')[0];
    if (namespace) return namespace;
  }
  return undefined;
}

type RenderedFiles = ReturnType<typeof renderedChartFiles>;

/**
 * Renders the chart with helm. A chart whose dependencies are not vendored (offline CI, before `helm dependency
 * build`) is rendered from a temporary copy without them, unless the request requires them; the copy is
 * reused for every render of the check and removed by `close`.
 */
function chartRenderer(request: VerifyChartRequest, helm: ToolCommand, chartDirectory: string, valuesFiles: readonly string[]) {
  let copy: ChartCopy | undefined;
  let missing: string[] = [];
  const template = (namespace: string) =>
    helmTemplate({
      helm,
      chartDirectory: copy?.directory ?? chartDirectory,
      displayChart: request.target.chart,
      releaseName: request.releaseName,
      namespace,
      valuesFiles,
      set: [...request.set, ...(copy?.conditionsOff ?? [])],
      progress: request.progress,
    });
  return {
    get missingDependencies(): readonly string[] {
      return missing;
    },
    async render(namespace: string): Promise<RenderedFiles> {
      let stream: string;
      try {
        stream = await template(namespace);
      } catch (error) {
        const names = !copy && error instanceof UserError ? missingDependencies(error.message) : undefined;
        if (!names) throw error;
        if (request.requireDependencies) {
          throw new UserError(`${(error as UserError).message}\nrequireDependencies is set: run \`helm dependency build ${request.target.chart}\` before verify.`);
        }
        missing = names;
        copy = copyWithoutDependencies(chartDirectory, names);
        stream = await template(namespace);
      }
      return renderedChartFiles(stream, request.target.chart);
    },
    close: () => copy?.remove(),
  };
}

/**
 * The verify use case, everything verify decides without Nx: the chart's CRDs (rendered by helm when there is
 * one) against Kustomize's, the sanity and size rules, the reference overlay, namespace templating, the files
 * helm-crds would change, the compatibility guard, the JSON report (written) and the verdict.
 */
export async function verifyChart(request: VerifyChartRequest): Promise<VerifiedChart> {
  const { target } = request;
  const time = request.time ?? untimed;
  const snapshot = new ChartSnapshot(resolveInWorkspace(target.workspaceRoot, target.chart, 'chart'));
  requireChart(snapshot.directory, target.chart);
  const output = readTargetKustomizeOutput(target);
  const helm = helmFor(request);
  const valuesFiles = request.valuesFiles.map((file) => resolveInWorkspace(target.workspaceRoot, file, 'values'));
  const overlay = request.referenceOverlay
    ? await buildReferenceOverlay(target.workspaceRoot, request.referenceOverlay.kustomization, request.referenceOverlay.run, request.progress, time)
    : undefined;
  const compared = await compareChart(request, output, snapshot, helm && { command: helm, valuesFiles }, overlay);
  if (compared.rendered) time.include('helm template');
  // The files helm-crds would change: a chart that is out of date fails here with the full report, also when
  // only the text of a generated file differs (the check configuration's helm-crds does not fail on drift).
  const files = target.generate
    ? fileChanges(planTargetFiles(target, selectTargetCrds(target, output), snapshot.directory, snapshot.files), compared.verification)
    : [];
  const compatibility =
    request.compatibility?.enabled === false
      ? undefined
      : await time.measure('compatibility guard', async () =>
          compatibilityWithRevision({
            options: request.compatibility,
            previousRevision: target.previousRevision,
            workspaceRoot: target.workspaceRoot,
            chart: target.chart,
            current: output.crds.filter((crd) => isSelected(crd.name, target.layout)),
            fileOf: (crd) => {
              const path = compared.verification.crds.find((verdict) => verdict.name === crd)?.files[0];
              const text = path === undefined ? undefined : snapshot.text(path);
              return path === undefined || text === undefined ? undefined : { path, text };
            },
          }),
        );
  const report = toJsonReport(compared.verification, {
    step: 'verify',
    chart: target.chart,
    kustomization: target.kustomizeOutput.kustomization,
    generated: target.generate,
    written: false,
    rendered: compared.rendered,
    missingDependencies: compared.missingDependencies,
    ignoredPaths: compared.ignoredPaths,
    findings: compared.findings,
    files,
    compatibility: compatibility && compatibilityJson(compatibility.result, compatibility.findings),
  });
  writeFileAtomically(request.reportPath, `${JSON.stringify(report, null, 2)}\n`);
  return { ...compared, report, files, compatibility, failure: failureOf(target, report, compared, files), chartText: (path) => snapshot.text(path) };
}

/** The helm to render with, following the mode; undefined means compare the files unrendered. */
function helmFor(request: VerifyChartRequest): ToolCommand | undefined {
  if (request.helmMode === 'never') return undefined;
  try {
    return resolveHelm({ explicit: request.helmBinary, workspaceRoot: request.target.workspaceRoot });
  } catch (error) {
    if (request.helmMode === 'always' || !(error instanceof UserError) || request.helmBinary) throw error;
    request.progress?.print('helm not found: comparing the chart files without rendering (templated files are not verifiable). Set helm: "always" to require it.');
    return undefined;
  }
}

function failureOf(target: ChartCrdsTarget, report: JsonReport, compared: ComparedChart, files: readonly FileChange[]): string | undefined {
  const { chart } = target;
  const regenerate = target.generate
    ? `Run \`${target.regenerate}\` to regenerate the chart's CRDs, or fix the hand-maintained files listed above.`
    : 'Regenerate the chart with the tool that generates it (generate: false), or fix the files listed above.';
  switch (report.result) {
    case 'in-sync':
      return undefined;
    case 'drift': {
      const drifted = compared.verification.crds.filter((verdict) => DRIFT_STATUSES.includes(verdict.status)).length;
      return `${chart} does not match Kustomize (${summaryLine(compared.verification)}; ${drifted} CRD(s) and ${files.length} file(s) to fix). ${regenerate}`;
    }
    case 'text-drift':
      return `${chart} installs what Kustomize renders, but ${files.length} generated file(s) differ in text from what helm-crds writes. ${regenerate}`;
    case 'invalid':
      return compared.findings.some((finding) => finding.level === 'error')
        ? `${chart} matches Kustomize, but a CRD breaks a rule listed above; fix its source in ${target.kustomizeOutput.kustomization}.`
        : `${chart} matches Kustomize, but the change would break custom resources stored by the chart at ${target.previousRevision} ` +
            '(compatibility findings above): make the change compatible, or accept a finding with a reason in verify.compatibility.allow.';
  }
}

interface ComparedChart {
  readonly verification: VerificationReport;
  readonly findings: readonly SanityFinding[];
  readonly rendered: boolean;
  readonly namespace?: string;
  /** Dependencies not in charts/ that the chart was rendered without. */
  readonly missingDependencies: readonly string[];
  readonly ignoredPaths: readonly string[];
}

/**
 * The chart's CRDs (rendered by helm when there is one) against Kustomize's, the sanity and size rules, the
 * reference overlay, and — with namespace templating — proof that rendering into another namespace changes
 * nothing but the namespace fields.
 */
async function compareChart(
  request: VerifyChartRequest,
  output: KustomizeOutput,
  snapshot: ChartSnapshot,
  helm: { readonly command: ToolCommand; readonly valuesFiles: readonly string[] } | undefined,
  overlay: { readonly name: string; readonly documents: readonly YamlDocument[] } | undefined,
): Promise<ComparedChart> {
  const selection = request.target.layout;
  const selected = output.crds.filter((crd) => isSelected(crd.name, selection));
  const findings: SanityFinding[] = [...removedApiVersionFindings(output.documents), ...selected.flatMap(crdSanityFindings)];
  if (overlay) findings.push(...overlayReferenceFindings(selected, overlay.documents, overlay.name));
  const ignored = ignoredPaths(request.ignore);

  if (!helm) {
    const verification = verifyChartCrds(output.crds, snapshot.files, selection, ignored);
    return { verification, findings, rendered: false, missingDependencies: [], ignoredPaths: ignored };
  }
  const namespace = request.namespace ?? kustomizeNamespace(selected) ?? 'default';
  const renderer = chartRenderer(request, helm.command, snapshot.directory, helm.valuesFiles);
  try {
    const renderedFiles = await renderer.render(namespace);
    const verification = verifyChartCrds(output.crds, renderedFiles, selection, ignored);
    findings.push(...releaseSizeFindings(renderedFiles.filter((file) => isHelmTemplatePath(file.path)).flatMap((file) => crdTexts(file.documents ?? []))));
    if (selection.namespaceTemplate) findings.push(...(await namespaceProof(renderer.render, renderedFiles, namespace)));
    return { verification, findings, rendered: true, namespace, missingDependencies: renderer.missingDependencies, ignoredPaths: ignored };
  } finally {
    renderer.close();
  }
}

function crdTexts(documents: readonly YamlDocument[]): string[] {
  return documents.filter((document) => (document.value as { kind?: unknown }).kind === 'CustomResourceDefinition').map((document) => document.text);
}

const NAMESPACED_PATHS = ['spec.conversion.webhook.clientConfig.service.namespace', 'metadata.annotations["cert-manager.io/inject-ca-from"]'];

/** Renders into a probe namespace: only the namespace fields may change, and they must carry the probe namespace. */
async function namespaceProof(render: (namespace: string) => Promise<RenderedFiles>, inNamespace: RenderedFiles, namespace: string): Promise<SanityFinding[]> {
  if (namespace === PROBE_NAMESPACE) throw new UserError(`namespace must not be ${PROBE_NAMESPACE}, which verify uses to probe namespace templating.`);
  const elsewhere = await render(PROBE_NAMESPACE);
  const crdsOf = (files: RenderedFiles) =>
    new Map(files.flatMap((file) => file.documents ?? []).filter((document) => (document.value as { kind?: unknown }).kind === 'CustomResourceDefinition').map((document) => [(document.value as { metadata: { name: string } }).metadata.name, document.value]));
  const before = crdsOf(inNamespace);
  const after = crdsOf(elsewhere);
  const findings: SanityFinding[] = [];
  for (const [name, value] of before) {
    for (const difference of diffValues(value, after.get(name))) {
      const expected = NAMESPACED_PATHS.includes(difference.path) && String(difference.actual).startsWith(PROBE_NAMESPACE);
      if (!expected) {
        findings.push({ level: 'error', crd: name, path: difference.path, message: `changes with the release namespace (${JSON.stringify(difference.expected)} in ${namespace}, ${JSON.stringify(difference.actual)} in ${PROBE_NAMESPACE}); only the webhook service namespace and the inject-ca-from namespace may.` });
      }
    }
  }
  return findings;
}
