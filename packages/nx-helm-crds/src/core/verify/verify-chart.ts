import { readChartFiles, isHelmTemplatePath } from '../chart/files';
import { verifyChartCrds, type VerificationReport } from './verification';
import { checkCrd, checkCrdApiVersions, checkReleaseSize, type SanityFinding } from '../crd/sanity';
import { collectCrds, type Crd } from '../crd/model';
import { checkCrdReferences } from '../crd/references';
import { isSelected, type CrdSelection } from '../crd/selection';
import { copyWithoutDependencies, missingDependencies, type ChartCopy } from '../chart/dependencies';
import { UserError } from '../shared/errors';
import { helmTemplate } from '../helm/client';
import type { ProgressReporter } from '../process/progress';
import { KEEP_ANNOTATION } from '../helm/templating';
import { renderedChartFiles } from '../helm/rendering';
import { diffValues } from './diff';
import type { ToolCommand } from '../process/tool-resolution';
import type { YamlDocument } from '../yaml/documents';

export type HelmMode = 'auto' | 'always' | 'never';

export interface ChartCheckRequest {
  readonly kustomizeDocuments: readonly YamlDocument[];
  readonly kustomizeSource: string;
  readonly chartDirectory: string;
  readonly displayChart: string;
  readonly selection: CrdSelection;
  /** The helm to render with; undefined when none was found (or rendering is off). */
  readonly helm?: ToolCommand;
  readonly releaseName: string;
  readonly namespace?: string;
  readonly valuesFiles: readonly string[];
  readonly set: readonly string[];
  readonly ignore: readonly string[];
  /**
   * Fail when the chart's dependencies are not in charts/, instead of rendering the chart's own templates
   * without them.
   */
  readonly requireDependencies?: boolean;
  readonly progress?: ProgressReporter;
  /** Whether helm-crds templates the namespace (then a second render proves only those fields move). */
  readonly namespaceTemplate: boolean;
  /** The documents of the reference overlay, when one is configured. */
  readonly overlay?: { readonly name: string; readonly documents: readonly YamlDocument[] };
}

export interface ChartCheckResult {
  readonly report: VerificationReport;
  readonly findings: readonly SanityFinding[];
  readonly rendered: boolean;
  readonly namespace?: string;
  /** Dependencies not in charts/ that the chart was rendered without. */
  readonly missingDependencies: readonly string[];
  readonly ignoredPaths: readonly string[];
}

const KEEP_PATH = `metadata.annotations["${KEEP_ANNOTATION}"]`;

/**
 * The paths every comparison leaves out: the `ignore` option's, and the keep annotation, which is Helm's
 * instruction to leave the CRD on uninstall, not part of what the CRD does, whoever added it (helm-crds with
 * keep, kubebuilder's chart by default).
 */
export function comparedWithout(ignore: readonly string[]): string[] {
  return [...ignore.filter((path) => path !== KEEP_PATH), KEEP_PATH];
}

const PROBE_NAMESPACE = 'nx-helm-crds-probe';

/** The namespace Kustomize put into the CRDs (webhook service, inject-ca-from), so a render in it must match exactly. */
export function kustomizeNamespace(crds: readonly Crd[]): string | undefined {
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
function chartRenderer(request: ChartCheckRequest) {
  let copy: ChartCopy | undefined;
  let missing: string[] = [];
  const template = (namespace: string) =>
    helmTemplate({
      helm: request.helm!,
      chartDirectory: copy?.directory ?? request.chartDirectory,
      displayChart: request.displayChart,
      releaseName: request.releaseName,
      namespace,
      valuesFiles: request.valuesFiles,
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
          throw new UserError(`${(error as UserError).message}\nrequireDependencies is set: run \`helm dependency build ${request.displayChart}\` before verify.`);
        }
        missing = names;
        copy = copyWithoutDependencies(request.chartDirectory, names);
        stream = await template(namespace);
      }
      return renderedChartFiles(stream, request.displayChart);
    },
    close: () => copy?.remove(),
  };
}

/**
 * Everything verify decides, without Nx: the chart's CRDs (rendered by helm when there is one) against
 * Kustomize's, the sanity and size rules, the reference overlay, and — with namespace templating — proof that
 * rendering into another namespace changes nothing but the namespace fields.
 */
export async function checkChart(request: ChartCheckRequest): Promise<ChartCheckResult> {
  const kustomizeCrds = collectCrds(request.kustomizeDocuments, request.kustomizeSource);
  const selected = kustomizeCrds.filter((crd) => isSelected(crd.name, request.selection));
  const findings: SanityFinding[] = [...checkCrdApiVersions(request.kustomizeDocuments), ...selected.flatMap(checkCrd)];
  if (request.overlay) findings.push(...checkCrdReferences(selected, request.overlay.documents, request.overlay.name));
  const ignoredPaths = comparedWithout(request.ignore);

  if (!request.helm) {
    const report = verifyChartCrds(kustomizeCrds, readChartFiles(request.chartDirectory), request.selection, ignoredPaths);
    return { report, findings, rendered: false, missingDependencies: [], ignoredPaths };
  }
  const namespace = request.namespace ?? kustomizeNamespace(selected) ?? 'default';
  const renderer = chartRenderer(request);
  try {
    const renderedFiles = await renderer.render(namespace);
    const report = verifyChartCrds(kustomizeCrds, renderedFiles, request.selection, ignoredPaths);
    findings.push(...checkReleaseSize(renderedFiles.filter((file) => isHelmTemplatePath(file.path)).flatMap((file) => crdTexts(file.documents ?? []))));
    if (request.namespaceTemplate) findings.push(...(await namespaceProof(renderer.render, renderedFiles, namespace)));
    return { report, findings, rendered: true, namespace, missingDependencies: renderer.missingDependencies, ignoredPaths };
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
