import { posix } from 'node:path';
import { DRIFT_STATUSES, type CrdStatus, type VerificationReport } from './chart-verification';
import type { SanityFinding } from './crd-sanity';
import { formatDifference, type Difference } from './structural-diff';

/** Version of the JSON report's shape (schemas/verify-report.schema.json); bumped on any incompatible change. */
export const REPORT_SCHEMA_VERSION = 1;

export interface ReportContext {
  readonly chart: string;
  readonly kustomization: string;
  /** Whether the chart was rendered with helm (so templated files were verified too). */
  readonly rendered: boolean;
  /** Paths left out of the comparison (the keep annotation, the `ignore` option). */
  readonly ignoredPaths: readonly string[];
  readonly findings: readonly SanityFinding[];
}

export interface JsonReport {
  readonly schemaVersion: number;
  readonly chart: string;
  readonly kustomization: string;
  readonly rendered: boolean;
  /** `in-sync`: nothing to fix; `drift`: the chart does not install what Kustomize renders; `invalid`: a sanity error. */
  readonly result: 'in-sync' | 'drift' | 'invalid';
  readonly summary: Readonly<Record<CrdStatus, number>>;
  readonly ignoredPaths: readonly string[];
  readonly crds: readonly {
    readonly name: string;
    readonly status: CrdStatus;
    readonly files: readonly string[];
    readonly differences: readonly { readonly path: string; readonly kind: Difference['kind']; readonly expected?: unknown; readonly actual?: unknown }[];
  }[];
  readonly findings: readonly SanityFinding[];
}

export function resultOf(report: VerificationReport, findings: readonly SanityFinding[]): JsonReport['result'] {
  if (!report.inSync) return 'drift';
  return findings.some((finding) => finding.level === 'error') ? 'invalid' : 'in-sync';
}

export function toJsonReport(report: VerificationReport, context: ReportContext): JsonReport {
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    chart: context.chart,
    kustomization: context.kustomization,
    rendered: context.rendered,
    result: resultOf(report, context.findings),
    summary: report.counts,
    ignoredPaths: context.ignoredPaths,
    crds: report.crds.map((verdict) => ({
      name: verdict.name,
      status: verdict.status,
      files: verdict.files,
      differences: (verdict.differences ?? []).map(({ path, kind, expected, actual }) => ({ path, kind, expected, actual })),
    })),
    findings: context.findings,
  };
}

/** GitHub Actions workflow commands escape %, CR and LF in messages, and also `,` and `:` in properties. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * `::error file=…,title=…::…` lines that GitHub shows on the pull request, pointing at the chart file (or the
 * chart) that drifted.
 */
export function toGithubAnnotations(report: VerificationReport, context: ReportContext): string[] {
  const lines: string[] = [];
  const annotate = (level: 'error' | 'warning', file: string, title: string, message: string) =>
    lines.push(`::${level} file=${escapeProperty(file)},title=${escapeProperty(title)}::${escapeData(message)}`);
  for (const verdict of report.crds) {
    if (!DRIFT_STATUSES.includes(verdict.status)) continue;
    const file = verdict.files[0] ? posix.join(context.chart, verdict.files[0]) : context.chart;
    const details = (verdict.differences ?? []).map((difference) => formatDifference(difference, 'Kustomize', 'chart'));
    annotate('error', file, `CRD ${verdict.status}: ${verdict.name}`, [`${verdict.name} ${verdict.status} (kustomize build ${context.kustomization})`, ...details].join('\n'));
  }
  for (const finding of context.findings) {
    annotate(finding.level, context.chart, `CRD ${finding.level}: ${finding.crd}`, `${finding.path ? `${finding.path}: ` : ''}${finding.message}`);
  }
  return lines;
}
