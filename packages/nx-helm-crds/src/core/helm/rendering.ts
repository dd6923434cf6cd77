import type { ChartFile } from '../chart/files';
import { renderedSource } from './client';
import { splitYamlDocuments, type YamlDocument } from '../yaml/documents';

/**
 * The manifests `helm template` rendered, grouped back into the chart files they came from (helm's
 * `# Source:` comments), so rendered CRDs are verified and reported per file like unrendered ones.
 */
export function renderedChartFiles(stream: string, displayChart: string): ChartFile[] {
  const bySource = new Map<string, YamlDocument[]>();
  for (const document of splitYamlDocuments(stream, `the output of helm template ${displayChart}`)) {
    const source = renderedSource(document.text) ?? '(rendered)';
    bySource.set(source, [...(bySource.get(source) ?? []), document]);
  }
  return [...bySource].map(([path, documents]) => ({ path, kind: 'plain', documents }));
}
