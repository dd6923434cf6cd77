import { crdNameOf, type Crd } from '../crd/model';
import { crdNamesDefinedBy, type ChartFile } from '../chart/files';
import { isSelected, isUnmanaged, type CrdSelection } from '../crd/selection';
import { diffValues, shownDifferences, VERIFY_REPORT_DIFFERENCES, type Difference } from './diff';
import { KEEP_ANNOTATION } from '../helm/templating';
import { printable } from '../shared/printable';

export type CrdStatus =
  | 'in-sync'
  | 'differs'
  | 'missing'
  | 'not-in-kustomize'
  | 'defined-twice'
  | 'not-verifiable'
  | 'unmanaged'
  | 'excluded';

/** Statuses that mean the chart does not install what Kustomize renders. */
export const DRIFT_STATUSES: readonly CrdStatus[] = ['differs', 'missing', 'not-in-kustomize', 'defined-twice'];

export interface CrdVerdict {
  readonly name: string;
  readonly status: CrdStatus;
  /** Chart-relative files that define the CRD. */
  readonly files: readonly string[];
  readonly differences?: readonly Difference[];
}

export interface VerificationReport {
  readonly crds: readonly CrdVerdict[];
  readonly counts: Readonly<Record<CrdStatus, number>>;
  readonly inSync: boolean;
}

const KEEP_PATH = `metadata.annotations["${KEEP_ANNOTATION}"]`;

/**
 * The paths every comparison leaves out: the `ignore` option's, and the keep annotation, which is Helm's
 * instruction to leave the CRD on uninstall, not part of what the CRD does, whoever added it (helm-crds with
 * keep, kubebuilder's chart by default).
 */
export function ignoredPaths(ignore: readonly string[]): string[] {
  return [...ignore.filter((path) => path !== KEEP_PATH), KEEP_PATH];
}

/**
 * Comparisons made already, by chart-relative file: helm-crds' plan compared every file it keeps or rewrites
 * that holds one CRD document, so its report does not compare them again.
 */
export type KnownDifferences = ReadonlyMap<string, { readonly crd: string; readonly differences: readonly Difference[] }>;

/**
 * Compares, as data, the CRDs a chart defines with the CRDs Kustomize renders. Templated files cannot be
 * read without rendering them, so CRDs they define are `not-verifiable` here.
 */
export function verifyChartCrds(
  kustomizeCrds: readonly Crd[],
  chartFiles: readonly ChartFile[],
  selection: CrdSelection,
  /** Paths left out of the comparison, e.g. `metadata.labels["helm.sh/chart"]` (their children too). */
  ignored: readonly string[] = [],
  known: KnownDifferences = new Map(),
): VerificationReport {
  const kustomizeNames = kustomizeCrds.map((crd) => crd.name);
  const chartDefinitions = new Map<string, { file: ChartFile; value?: unknown }[]>();
  for (const file of chartFiles) {
    if (file.documents) {
      for (const document of file.documents) {
        const name = crdNameOf(document.value);
        if (name) chartDefinitions.set(name, [...(chartDefinitions.get(name) ?? []), { file, value: document.value }]);
      }
    } else {
      for (const name of crdNamesDefinedBy(file, kustomizeNames)) {
        chartDefinitions.set(name, [...(chartDefinitions.get(name) ?? []), { file }]);
      }
    }
  }

  const verdicts: CrdVerdict[] = [];
  for (const crd of kustomizeCrds) {
    const definitions = chartDefinitions.get(crd.name) ?? [];
    chartDefinitions.delete(crd.name);
    const files = definitions.map((definition) => definition.file.path);
    if (isUnmanaged(crd.name, selection)) {
      verdicts.push({ name: crd.name, status: 'unmanaged', files });
    } else if (!isSelected(crd.name, selection)) {
      verdicts.push({ name: crd.name, status: 'excluded', files });
    } else if (definitions.length === 0) {
      verdicts.push({ name: crd.name, status: 'missing', files });
    } else if (definitions.length > 1) {
      verdicts.push({ name: crd.name, status: 'defined-twice', files });
    } else if (!('value' in definitions[0])) {
      verdicts.push({ name: crd.name, status: 'not-verifiable', files });
    } else {
      const compared = known.get(definitions[0].file.path);
      const all = compared?.crd === crd.name ? compared.differences : diffValues(crd.document.value, definitions[0].value);
      const differences = all.filter((difference) => !isIgnored(difference.path, ignored));
      verdicts.push({ name: crd.name, status: differences.length === 0 ? 'in-sync' : 'differs', files, differences });
    }
  }
  for (const [name, definitions] of chartDefinitions) {
    const files = definitions.map((definition) => definition.file.path);
    verdicts.push({ name, status: isUnmanaged(name, selection) ? 'unmanaged' : 'not-in-kustomize', files });
  }

  const counts = Object.fromEntries(
    (['in-sync', 'differs', 'missing', 'not-in-kustomize', 'defined-twice', 'not-verifiable', 'unmanaged', 'excluded'] as const).map(
      (status) => [status, verdicts.filter((verdict) => verdict.status === status).length],
    ),
  ) as Record<CrdStatus, number>;
  return {
    crds: verdicts.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    counts,
    inSync: DRIFT_STATUSES.every((status) => counts[status] === 0),
  };
}

/** A path is ignored when it is an ignored path or lies below one (`a.b` covers `a.b.c` and `a.b["x"]`). */
export function isIgnored(path: string, ignored: readonly string[]): boolean {
  return ignored.some((prefix) => path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`));
}

const STATUS_TEXT: Record<CrdStatus, string> = {
  'in-sync': 'in sync',
  differs: 'differs from Kustomize',
  missing: 'missing in chart',
  'not-in-kustomize': 'not produced by Kustomize (remove it, or list it in unmanaged)',
  'defined-twice': 'defined more than once in the chart',
  'not-verifiable': 'not verifiable without rendering: the file uses Helm template syntax',
  unmanaged: 'unmanaged (shipped from elsewhere, not compared)',
  excluded: 'excluded by include/exclude',
};

/** What a status means, in words. */
export function statusText(status: CrdStatus): string {
  return STATUS_TEXT[status];
}

/** The report for people: one block per CRD, its differing paths, then the summary line. */
export function formatVerificationReport(report: VerificationReport): string {
  const lines: string[] = [];
  for (const verdict of report.crds) {
    const mark = DRIFT_STATUSES.includes(verdict.status) ? '✖' : verdict.status === 'in-sync' ? '✔' : '•';
    const where = verdict.files.length > 0 ? ` [${verdict.files.map(printable).join(', ')}]` : '';
    lines.push(`${mark} ${printable(verdict.name)}: ${STATUS_TEXT[verdict.status]}${where}`);
    lines.push(...shownDifferences(verdict.differences ?? [], VERIFY_REPORT_DIFFERENCES).map((line) => `    ${line}`));
  }
  lines.push(summaryLine(report));
  return lines.join('\n');
}

export function summaryLine({ counts }: VerificationReport): string {
  const parts = [
    `${counts['in-sync']} in sync`,
    `${counts.differs} differ`,
    `${counts.missing} missing`,
    `${counts.unmanaged} unmanaged`,
  ];
  if (counts['not-in-kustomize']) parts.push(`${counts['not-in-kustomize']} not produced by Kustomize`);
  if (counts['defined-twice']) parts.push(`${counts['defined-twice']} defined twice`);
  if (counts['not-verifiable']) parts.push(`${counts['not-verifiable']} not verifiable`);
  if (counts.excluded) parts.push(`${counts.excluded} excluded`);
  return parts.join(', ');
}
