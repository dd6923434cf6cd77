/**
 * The guard's result for people (text), for machines (the `compatibility` part of the verify report) and for
 * GitHub (workflow annotations at the line of the changed path in the chart file).
 */
import { posix } from 'node:path';
import { truncatedValue } from '../diff';
import { escapeData, escapeProperty } from '../reports';
import type { ReviewedFinding } from './allow-list';
import type { CompatibilityResult, CrdCompatibility } from './guard';
import { pathLines } from '../path-lines';

/** A finding with where it shows in the chart now: the chart-relative file of its CRD and the line of its path. */
export type LocatedFinding = ReviewedFinding & { readonly file?: string; readonly line?: number };

/** The chart file (chart-relative path and text) that defines a CRD now, if any. */
export type ChartFileOf = (crd: string) => { readonly path: string; readonly text: string } | undefined;

export function locateFindings(findings: readonly ReviewedFinding[], fileOf: ChartFileOf): LocatedFinding[] {
  const linesByFile = new Map<string, ReturnType<typeof pathLines>>();
  return findings.map((finding) => {
    const file = fileOf(finding.crd);
    if (!file) return finding;
    let lineOf = linesByFile.get(file.path);
    if (!lineOf) linesByFile.set(file.path, (lineOf = pathLines(file.text)));
    const line = lineOf(finding.segments, finding.crd);
    return { ...finding, file: file.path, ...(line ? { line } : {}) };
  });
}

export type CompatibilityJson = ReturnType<typeof compatibilityJson>;

/** The `compatibility` part of the verify report (schemas/verify-report.schema.json). */
export function compatibilityJson(result: CompatibilityResult, findings: readonly LocatedFinding[]) {
  const open = findings.filter((finding) => !finding.accepted);
  return {
    previousRevision: result.previousRevision,
    result: result.result,
    ...(result.note ? { note: result.note } : {}),
    failOnWarnings: result.failOnWarnings,
    summary: {
      breaking: open.filter((finding) => finding.class === 'breaking').length,
      warning: open.filter((finding) => finding.class === 'warning').length,
      accepted: findings.length - open.length,
      compatible: result.compatibleChanges.length,
    },
    crds: result.crds,
    findings: findings.map(({ segments: _segments, ...finding }) => finding),
    compatibleChanges: result.compatibleChanges,
    unusedAllowances: result.unusedAllowances,
  };
}

const MARKS: Record<CrdCompatibility, string> = { unchanged: '✔', compatible: '✔', accepted: '✔', warning: '⚠', breaking: '✖', new: '+', 'not-comparable': '•' };
const MAX_COMPATIBLE_SHOWN = 5;

function describeFinding(finding: LocatedFinding): string {
  const values = finding.previous !== undefined || finding.current !== undefined ? ` [${truncatedValue(finding.previous)} → ${truncatedValue(finding.current)}]` : '';
  const where = finding.file ? ` (${finding.file}${finding.line ? `:${finding.line}` : ''})` : '';
  return `${finding.path}: ${finding.message}${values}${where}`;
}

/** The text report: one block per CRD, then the summary line. */
export function formatCompatibility(result: CompatibilityResult, findings: readonly LocatedFinding[]): string {
  const lines = [`compatibility with ${result.previousRevision}${result.note ? `: ${result.note}` : ''}`];
  for (const crd of result.crds) {
    const changes = result.compatibleChanges.filter((change) => change.crd === crd.name);
    const detail = crd.status === 'compatible' && changes.length > 0 ? ` (${changes.length} compatible change${changes.length === 1 ? '' : 's'})` : '';
    lines.push(`${MARKS[crd.status]} ${crd.name}: ${crd.status}${detail}${crd.note ? ` — ${crd.note}` : ''}`);
    for (const finding of findings.filter((candidate) => candidate.crd === crd.name)) {
      lines.push(`    ${finding.accepted ? `accepted ${finding.class}` : finding.class} ${describeFinding(finding)}`);
      if (finding.accepted) lines.push(`        reason: ${finding.accepted}`);
    }
    for (const change of changes.slice(0, MAX_COMPATIBLE_SHOWN)) lines.push(`    compatible ${change.path}: ${change.change}`);
    if (changes.length > MAX_COMPATIBLE_SHOWN) lines.push(`    … and ${changes.length - MAX_COMPATIBLE_SHOWN} more compatible changes`);
  }
  for (const entry of result.unusedAllowances) lines.push(`• allow-list entry matched no finding: ${entry.crd} ${entry.path} (${entry.reason})`);
  const summary = compatibilityJson(result, findings).summary;
  lines.push(
    `compatibility: ${summary.breaking} breaking, ${summary.warning} warning${summary.warning === 1 ? '' : 's'}${result.failOnWarnings ? ' (failOnWarnings)' : ''}, ` +
      `${summary.accepted} accepted, ${summary.compatible} compatible change${summary.compatible === 1 ? '' : 's'}`,
  );
  if (result.result === 'incompatible') {
    lines.push(
      'These changes break custom resources already in clusters that upgrade the chart. Keep the old schema (serve a new version for the change), ' +
        'or, once reviewed, accept a finding in the compatibility.allow option: { "crd": "<name>", "path": "<path above>", "reason": "<why it is safe>" }.',
    );
  }
  return lines.join('\n');
}

/** `::error file=…,line=…,title=…::…` per finding: errors fail the task, accepted findings are notices. */
export function compatibilityAnnotations(result: CompatibilityResult, findings: readonly LocatedFinding[], chart: string): string[] {
  return findings.map((finding) => {
    const level = finding.accepted ? 'notice' : finding.class === 'breaking' || result.failOnWarnings ? 'error' : 'warning';
    const file = finding.file ? posix.join(chart, finding.file) : chart;
    const properties = [`file=${escapeProperty(file)}`, ...(finding.line ? [`line=${finding.line}`] : []), `title=${escapeProperty(`CRD ${finding.accepted ? 'accepted ' : ''}${finding.class} change: ${finding.crd}`)}`];
    const message = `${describeFinding({ ...finding, file: undefined })} (compared with ${result.previousRevision})${finding.accepted ? `\naccepted: ${finding.accepted}` : ''}`;
    return `::${level} ${properties.join(',')}::${escapeData(message)}`;
  });
}
