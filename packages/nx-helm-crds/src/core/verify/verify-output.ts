/** verify's result as the task log shows it: pure, so the executor only prints the lines at their level. */
import { printable } from '../shared/printable';
import { compatibilityAnnotations, formatCompatibility } from './compatibility/report';
import { toGithubAnnotations } from './reports';
import { formatVerificationReport } from './verification';
import type { VerifiedChart } from './verify-chart';

export type VerifyFormat = 'text' | 'json' | 'github';

export interface LogLine {
  readonly level: 'info' | 'warn' | 'error';
  readonly text: string;
}

/** The format to print in: the option, else GitHub annotations when running in GitHub Actions, else text. */
export function verifyFormat(option: VerifyFormat | undefined, env: NodeJS.ProcessEnv): VerifyFormat {
  return option ?? (env.GITHUB_ACTIONS === 'true' ? 'github' : 'text');
}

/** What the chart was compared with and how, the report in the format, the compatibility guard's part, then the verdict. */
export function verifyLogLines(result: VerifiedChart, format: VerifyFormat): LogLine[] {
  const { report } = result;
  const lines: LogLine[] = [];
  const info = (text: string) => lines.push({ level: 'info', text });
  const how = result.rendered ? `rendered with helm template --namespace ${result.namespace}` : 'chart files, not rendered';
  info(`verify ${report.chart} (${how}) against kustomize build ${report.kustomization}`);
  if (result.missingDependencies.length > 0) {
    lines.push({
      level: 'warn',
      text:
        `rendered without the dependencies ${result.missingDependencies.join(', ')}: they are not in ${report.chart}/charts/ (run \`helm dependency build ${report.chart}\` to render them too; ` +
        'requireDependencies: true makes this an error). CRDs from those subcharts are not verified.',
    });
  }
  if (format === 'json') {
    info(JSON.stringify(report, null, 2));
  } else {
    const level = report.result === 'in-sync' ? 'info' : 'error';
    lines.push({ level, text: formatVerificationReport(result.verification) });
    for (const file of result.files) {
      const change = file.change === 'remove' ? 'would remove' : `would ${file.change}`;
      lines.push({ level, text: `  ${change} ${printable(`${report.chart}/${file.path}`)}${file.textOnly ? ' (same data, different text: comments, formatting or the header)' : ''}` });
    }
    for (const finding of result.findings) {
      lines.push({ level: finding.level === 'error' ? 'error' : 'warn', text: `${finding.level}: ${printable(finding.crd)}${finding.path ? ` ${printable(finding.path)}` : ''}: ${finding.message}` });
    }
    if (result.ignoredPaths.length > 0) info(`ignored paths: ${result.ignoredPaths.join(', ')}`);
    if (format === 'github') toGithubAnnotations(report, result.chartText).forEach(info);
    if (result.compatibility) {
      const { result: guard, findings } = result.compatibility;
      lines.push({ level: guard.result === 'incompatible' ? 'error' : 'info', text: formatCompatibility(guard, findings) });
      if (format === 'github') compatibilityAnnotations(guard, findings, report.chart).forEach(info);
    }
  }
  if (result.failure) lines.push({ level: 'error', text: result.failure });
  return lines;
}
