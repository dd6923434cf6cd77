import { posix } from 'node:path';
import type { ChartPlan, WriteReason } from '../chart/plan';
import { DRIFT_STATUSES, statusText, type CrdStatus, type VerificationReport } from './verification';
import type { SanityFinding } from '../crd/sanity';
import type { CompatibilityJson } from './compatibility/report';
import { pathLines, pathSegments } from './path-lines';
import { formatDifference, type Difference } from './diff';
import { printable } from '../shared/printable';

/** Version of the JSON report's shape (schemas/verify-report.schema.json); bumped on any incompatible change. */
const REPORT_SCHEMA_VERSION = 2;

/** How regenerating changes one chart file: helm-crds' plan, as the report states it. */
export interface FileChange {
  /** Chart-relative path. */
  readonly path: string;
  readonly crds: readonly string[];
  readonly change: WriteReason | 'remove';
  /** The file's CRD data already equals Kustomize's: only its text differs (comments, formatting, the header). */
  readonly textOnly: boolean;
}

export interface ReportContext {
  /** Which target wrote the report. */
  readonly step: 'verify' | 'helm-crds';
  readonly chart: string;
  readonly kustomization: string;
  /** Whether helm-crds generates the chart's CRD files (false with `generate: false`: another tool does). */
  readonly generated: boolean;
  /** Whether the file changes were made (helm-crds outside check mode) or are what regenerating would do. */
  readonly written: boolean;
  /** Whether the chart was rendered with helm (so templated files were verified too). */
  readonly rendered: boolean;
  /** Dependencies missing from charts/ that the chart was rendered without. */
  readonly missingDependencies: readonly string[];
  /** Paths left out of the comparison (the keep annotation, the `ignore` option). */
  readonly ignoredPaths: readonly string[];
  readonly findings: readonly SanityFinding[];
  readonly files: readonly FileChange[];
  /** verify's compatibility guard, when it ran. */
  readonly compatibility?: CompatibilityJson;
}

export type ReportResult = 'in-sync' | 'drift' | 'text-drift' | 'invalid';

/** The report: the context it was written in, the verdict, and every CRD's comparison. */
export interface JsonReport extends ReportContext {
  readonly schemaVersion: number;
  /**
   * `in-sync`: nothing to fix; `drift`: the chart does not install what Kustomize renders; `text-drift`: it does,
   * but generated files differ in text from what helm-crds writes; `invalid`: a sanity error, or an otherwise
   * in-sync chart that the compatibility guard finds incompatible.
   */
  readonly result: ReportResult;
  readonly summary: Readonly<Record<CrdStatus, number>>;
  readonly crds: readonly {
    readonly name: string;
    readonly status: CrdStatus;
    readonly files: readonly string[];
    readonly differences: readonly { readonly path: string; readonly kind: Difference['kind']; readonly expected?: unknown; readonly actual?: unknown }[];
  }[];
}

/** The plan's file changes; a write is text-only when the comparison found its CRD's data in sync. */
export function fileChanges(plan: ChartPlan, report: VerificationReport): FileChange[] {
  const inSync = new Set(report.crds.filter((verdict) => verdict.status === 'in-sync').map((verdict) => verdict.name));
  return [
    ...plan.writes.map((write) => ({ path: write.path, crds: [write.crd], change: write.reason, textOnly: inSync.has(write.crd) })),
    ...plan.prunes.map((prune) => ({ path: prune.path, crds: prune.crds, change: 'remove' as const, textOnly: false })),
  ];
}

function resultOf(report: VerificationReport, context: Pick<ReportContext, 'findings' | 'files' | 'compatibility'>): ReportResult {
  if (!report.inSync || context.files.some((file) => !file.textOnly)) return 'drift';
  if (context.findings.some((finding) => finding.level === 'error')) return 'invalid';
  if (context.files.length > 0) return 'text-drift';
  return context.compatibility?.result === 'incompatible' ? 'invalid' : 'in-sync';
}

export function toJsonReport(report: VerificationReport, context: ReportContext): JsonReport {
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    step: context.step,
    chart: context.chart,
    kustomization: context.kustomization,
    generated: context.generated,
    written: context.written,
    rendered: context.rendered,
    missingDependencies: context.missingDependencies,
    result: resultOf(report, context),
    summary: report.counts,
    ignoredPaths: context.ignoredPaths,
    crds: report.crds.map((verdict) => ({
      name: verdict.name,
      status: verdict.status,
      files: verdict.files,
      differences: (verdict.differences ?? []).map(({ path, kind, expected, actual }) => ({ path, kind, expected, actual })),
    })),
    files: context.files,
    findings: context.findings,
    ...(context.compatibility ? { compatibility: context.compatibility } : {}),
  };
}

/** GitHub Actions workflow commands escape %, CR and LF in messages, and also `,` and `:` in properties. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** One chart file's problems: the CRDs concerned, the message lines, and the first differing path to point at. */
interface FileProblems {
  readonly titles: string[];
  readonly lines: string[];
  target?: { readonly crd: string; readonly path: string };
}

const differenceLines = (differences: readonly Difference[]) => differences.map((difference) => formatDifference(difference, 'Kustomize', 'chart'));

/**
 * `::error file=…,line=…,title=…::…` lines that GitHub shows on the pull request: one per chart file that differs
 * (or is missing: line 1), at the line of its first differing path (or of the nearest parent the file has),
 * with every CRD and difference in the message; then the sanity findings. `readChartFile` returns a
 * chart-relative file's text, or undefined when there is none.
 */
export function toGithubAnnotations(report: JsonReport, readChartFile: (path: string) => string | undefined): string[] {
  const problems = new Map<string, FileProblems>();
  const entry = (path: string) => problems.get(path) ?? problems.set(path, { titles: [], lines: [] }).get(path)!;
  const planned = (crd: string) => report.files.find((file) => file.crds.includes(crd))?.path;

  for (const verdict of report.crds) {
    if (!DRIFT_STATUSES.includes(verdict.status)) continue;
    const paths = verdict.files.length > 0 ? verdict.files : [planned(verdict.name) ?? 'Chart.yaml'];
    for (const path of paths) {
      const problem = entry(path);
      problem.titles.push(`${verdict.name} ${verdict.status}`);
      problem.lines.push(`${verdict.name}: ${statusText(verdict.status)} (kustomize build ${report.kustomization})`, ...differenceLines(verdict.differences));
      if (!problem.target && verdict.differences[0]) problem.target = { crd: verdict.name, path: verdict.differences[0].path };
    }
  }
  for (const file of report.files) {
    if (problems.has(file.path)) continue;
    entry(file.path).titles.push(`${file.crds.join(', ')} ${file.change}`);
    entry(file.path).lines.push(
      file.change === 'remove'
        ? `${file.path} is generated for ${file.crds.join(', ') || 'no CRD'} that the chart no longer takes from kustomize build ${report.kustomization}: regenerating removes it.`
        : `${file.crds.join(', ')}: same data as Kustomize, but the text differs from what helm-crds writes (comments, formatting or the header): regenerate it.`,
    );
  }

  const annotations: string[] = [];
  const annotate = (level: 'error' | 'warning', path: string, line: number, title: string, message: string) =>
    annotations.push(`::${level} file=${escapeProperty(posix.join(report.chart, path))},line=${line},title=${escapeProperty(title)}::${escapeData(message)}`);
  // One line index per file, however many problems it has.
  const locators = new Map<string, ReturnType<typeof pathLines> | undefined>();
  const lineIn = (path: string, target: { crd: string; path: string } | undefined) => {
    if (!target) return 1;
    if (!locators.has(path)) {
      const text = readChartFile(path);
      locators.set(path, text === undefined ? undefined : pathLines(text));
    }
    return locators.get(path)?.(pathSegments(target.path), target.crd) ?? 1;
  };
  for (const [path, problem] of problems) {
    annotate('error', path, lineIn(path, problem.target), `CRD drift: ${problem.titles.join('; ')}`, problem.lines.join('\n'));
  }
  for (const finding of report.findings) {
    const path = report.crds.find((verdict) => verdict.name === finding.crd)?.files[0] ?? 'Chart.yaml';
    const line = finding.path ? lineIn(path, { crd: finding.crd, path: finding.path }) : 1;
    annotate(finding.level, path, line, `CRD ${finding.level}: ${finding.crd}`, `${finding.path ? `${finding.path}: ` : ''}${finding.message}`);
  }
  return annotations;
}

const MAX_SUMMARY_PATHS = 3;
/** A Markdown table cell's code span: one line, no `|` to end the cell, no backtick to end the span. */
const cell = (text: string) => printable(text).replace(/\|/g, '\\|').replace(/`/g, "'");

/** The Markdown a GitHub job summary ($GITHUB_STEP_SUMMARY) gets for one chart: its result, then one row per CRD. */
export function toStepSummary(report: JsonReport): string {
  const mark = report.result === 'in-sync' ? '✅' : '❌';
  const how = report.rendered
    ? `rendered with helm${report.missingDependencies.length > 0 ? ` without the dependencies ${report.missingDependencies.join(', ')}` : ''}`
    : 'chart files, not rendered';
  const rows = report.crds
    .filter((verdict) => verdict.status !== 'excluded')
    .map((verdict) => {
      const textOnly = report.files.find((file) => file.textOnly && file.crds.includes(verdict.name));
      const status = textOnly ? 'in sync as data; file text differs' : statusText(verdict.status);
      const paths = verdict.differences.slice(0, MAX_SUMMARY_PATHS).map((difference) => `\`${cell(difference.path)}\``);
      if (verdict.differences.length > MAX_SUMMARY_PATHS) paths.push(`… ${verdict.differences.length - MAX_SUMMARY_PATHS} more`);
      return `| \`${cell(verdict.name)}\` | ${cell(status)} | ${verdict.files.map((file) => `\`${cell(file)}\``).join(', ')} | ${paths.join(', ')} |`;
    });
  return [
    `### ${mark} ${cell(report.chart)}: ${report.result}`,
    '',
    `Compared with \`kustomize build ${cell(report.kustomization)}\` (${cell(how)}).`,
    '',
    '| CRD | status | files | first differing paths |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    '',
  ].join('\n');
}
