import { LineCounter, isMap, isSeq, parseAllDocuments, type Node } from 'yaml';

/** One step of a report path: a mapping key, a list item by `name`, or a list item by position. */
type Segment = { readonly key: string } | { readonly name: string } | { readonly index: number };

const SEGMENT = /(?:^|\.)([A-Za-z_][A-Za-z0-9_-]*)|\[("(?:[^"\\]|\\.)*")\]|\[name=([^\]]*)\]|\[(\d+)\]/y;

/** Splits a path in the report's notation (`spec.versions[name=v1].served`, `metadata.labels["a/b"]`). */
export function pathSegments(path: string): Segment[] {
  const segments: Segment[] = [];
  SEGMENT.lastIndex = 0;
  while (SEGMENT.lastIndex < path.length) {
    const match = SEGMENT.exec(path);
    if (!match) break;
    if (match[1] !== undefined) segments.push({ key: match[1] });
    else if (match[2] !== undefined) segments.push({ key: JSON.parse(match[2]) as string });
    else if (match[3] !== undefined) segments.push({ name: match[3] });
    else segments.push({ index: Number(match[4]) });
  }
  return segments;
}

/**
 * Helm template actions blanked out with the line structure kept, so a chart template parses as the YAML it
 * renders to: whole-line actions (`{{- if … }}`) become empty lines, inline ones a placeholder scalar.
 */
function maskTemplateActions(text: string): string {
  return text
    .split('\n')
    .map((line) => (/^\s*\{\{.*\}\}\s*$/.test(line) ? '' : line.replace(/\{\{.*?\}\}/g, 'x')))
    .join('\n');
}

/**
 * The 1-based line of `path` in the chart file `text`, in the document that defines `crdName`: the line of
 * the deepest part of the path that exists in the file (its nearest existing parent when the path itself is
 * missing), or the document's first line. Used to point GitHub annotations at the differing line.
 */
export function lineOfPath(text: string, crdName: string, path: string): number {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(maskTemplateActions(text), { lineCounter });
  if (!Array.isArray(documents)) return 1;
  const document =
    documents.find((candidate) => (candidate.toJS({ maxAliasCount: -1 }) as { metadata?: { name?: unknown } } | null)?.metadata?.name === crdName) ??
    (documents.length === 1 ? documents[0] : undefined);
  if (!document?.contents) return 1;
  let node: unknown = document.contents;
  let offset = (document.contents as Node).range?.[0] ?? 0;
  for (const segment of pathSegments(path)) {
    const next = step(node, segment);
    if (!next) break;
    [node, offset] = next;
  }
  return lineCounter.linePos(offset).line;
}

function step(node: unknown, segment: Segment): [unknown, number] | undefined {
  if ('key' in segment) {
    if (!isMap(node)) return undefined;
    const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === segment.key);
    const start = (pair?.key as Node | null)?.range?.[0];
    return pair && start !== undefined ? [pair.value, start] : undefined;
  }
  if (!isSeq(node)) return undefined;
  const item =
    'index' in segment ? node.items[segment.index] : node.items.find((candidate) => isMap(candidate) && candidate.get('name') === segment.name);
  const start = (item as Node | undefined)?.range?.[0];
  return item && start !== undefined ? [item, start] : undefined;
}
