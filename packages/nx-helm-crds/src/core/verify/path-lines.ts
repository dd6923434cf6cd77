/**
 * The line of a path in a YAML file, for annotations that point at the differing or changed field (verify's drift
 * and the compatibility guard). A line scan of the block structure (keys, `- ` items, indentation) instead of a
 * full parse with positions: `yaml` needs about a third of a second for a 2 MB CRD, this needs a few
 * milliseconds. Flow collections and multi-line scalars are skipped as values; template-only lines
 * (`{{- if … }}`) are ignored and inline actions read as values, so it also reads templated chart files with
 * their line numbers as they are.
 */

/** One step of a path into a CRD: a mapping key, a list position, or a list item by its `name` (versions). */
export type PathSegment = { readonly key: string } | { readonly index: number } | { readonly name: string };

const SEGMENT = /(?:^|\.)([A-Za-z_][A-Za-z0-9_-]*)|\[("(?:[^"\\]|\\.)*")\]|\[name=([^\]]*)\]|\[(\d+)\]/y;

/** Splits a path in the report's notation (`spec.versions[name=v1].served`, `metadata.labels["a/b"]`). */
export function pathSegments(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
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

interface LineNode {
  /** 1-based. */
  readonly line: number;
  readonly keys: Map<string, LineNode>;
  readonly items: LineNode[];
  scalar?: string;
}

const node = (line: number): LineNode => ({ line, keys: new Map(), items: [] });
const SKIPPED = /^\s*(?:#.*|\{\{.*\}\}\s*)?$/;
const KEY = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s"'#{[\-][^:#]*?|-[^\s:#][^:#]*?)\s*:(?:\s+(.*))?$/;

function unquote(text: string): string {
  if (text.startsWith('"')) {
    try {
      return JSON.parse(text) as string;
    } catch {
      return text.slice(1, -1);
    }
  }
  return text.startsWith("'") ? text.slice(1, -1).replace(/''/g, "'") : text;
}

/** A value on the key's line, without a trailing comment; undefined when its content follows on the next lines. */
function inlineValue(value: string | undefined): string | undefined {
  const text = value?.replace(/\s+#.*$/, '').trim();
  return text === undefined || text === '' || text.startsWith('&') || text.startsWith('!') ? undefined : text;
}

/** The documents of a file as trees of keys and items with their lines. */
function lineTrees(text: string): LineNode[] {
  const documents: LineNode[] = [node(1)];
  let stack: { indent: number; node: LineNode; item: boolean }[] = [{ indent: -1, node: documents[0], item: false }];
  // After `key: value` (a scalar, block scalar or flow collection), more-indented lines belong to that value.
  let valueIndent: number | undefined;
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index].replace(/\r$/, '');
    if (/^(?:---|\.\.\.)\s*$/.test(raw)) {
      documents.push(node(index + 2));
      stack = [{ indent: -1, node: documents[documents.length - 1], item: false }];
      valueIndent = undefined;
      continue;
    }
    if (SKIPPED.test(raw)) continue;
    let column = raw.length - raw.trimStart().length;
    if (valueIndent !== undefined && column > valueIndent) continue;
    valueIndent = undefined;
    let rest = raw.slice(column);
    while (rest === '-' || rest.startsWith('- ')) {
      while (stack.length > 1 && (stack[stack.length - 1].indent > column || (stack[stack.length - 1].indent === column && stack[stack.length - 1].item))) stack.pop();
      const item = node(index + 1);
      stack[stack.length - 1].node.items.push(item);
      stack.push({ indent: column, node: item, item: true });
      const content = rest.slice(1);
      const offset = 1 + (content.length - content.trimStart().length);
      column += offset;
      rest = rest.slice(offset);
    }
    if (rest === '') continue;
    const match = KEY.exec(rest);
    if (!match) {
      // A scalar list item (`- foo`) or a value we do not navigate into.
      stack[stack.length - 1].node.scalar ??= rest;
      valueIndent = column;
      continue;
    }
    while (stack.length > 1 && stack[stack.length - 1].indent >= column) stack.pop();
    const child = node(index + 1);
    stack[stack.length - 1].node.keys.set(unquote(match[1].trim()), child);
    stack.push({ indent: column, node: child, item: false });
    const value = inlineValue(match[2]);
    if (value !== undefined) {
      child.scalar = unquote(value);
      valueIndent = column;
    }
  }
  return documents;
}

function step(from: LineNode, segment: PathSegment): LineNode | undefined {
  if ('key' in segment) return from.keys.get(segment.key);
  if ('index' in segment) return from.items[segment.index];
  return from.items.find((item) => item.keys.get('name')?.scalar === segment.name);
}

/**
 * Finds lines of paths in one file (read once, for all its paths): `lineOf(segments, name)` is the 1-based line
 * of `segments` in the document whose metadata.name is `name` (or the only document); undefined when there is no
 * such document. A path that no longer exists (a removed property) gives the line of its nearest existing
 * parent, one without any existing part the document's first line.
 */
export function pathLines(text: string): (segments: readonly PathSegment[], name?: string) => number | undefined {
  const documents = lineTrees(text).filter((document) => document.keys.size > 0);
  return (segments, name) => {
    const document = documents.find((candidate) => candidate.keys.get('metadata')?.keys.get('name')?.scalar === name) ?? (documents.length === 1 ? documents[0] : undefined);
    if (!document) return undefined;
    let current = document;
    for (const segment of segments) {
      const next = step(current, segment);
      if (!next) break;
      current = next;
    }
    // Keys keep insertion order: a document's first key is its first line of content.
    return (current === document ? document.keys.values().next().value! : current).line;
  };
}
