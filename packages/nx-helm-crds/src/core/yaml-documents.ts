import { parseAllDocuments } from 'yaml';
import { UserError } from './errors';

/** One document of a multi-document YAML stream, with its source text kept byte for byte. */
export interface YamlDocument {
  /** The document's own text: leading comments included, `---`/`...` markers left out, ends with a newline. */
  readonly text: string;
  /** The parsed value. */
  readonly value: unknown;
  /** 1-based line of the document's first line in the stream, for messages. */
  readonly line: number;
}

const DOCUMENT_START = /^---[ \t]*(?:\r?\n|$)/;
const DOCUMENT_END = /(?:^|\n)\.\.\.[ \t]*\r?\n?$/;

/**
 * Splits a YAML stream into documents, keeping each document's original text so that a CRD can be
 * written out exactly as Kustomize emitted it. Empty documents (a trailing `---`) are dropped.
 * `source` names the stream in error messages.
 */
export function splitYamlDocuments(stream: string, source: string): YamlDocument[] {
  const documents: YamlDocument[] = [];
  const lines = new LineCounter(stream);
  let isFirst = true;
  for (const parsed of parseAllDocuments(stream, { prettyErrors: true, uniqueKeys: true })) {
    if (parsed.errors.length > 0) {
      const first = parsed.errors[0];
      throw new UserError(`${source} is not valid YAML: ${first.message.split('\n')[0]}`);
    }
    const [contentStart, , end] = parsed.range;
    // The first document's range starts at its content: comments above it (before any `---`) belong to it too.
    const start = isFirst ? leadingCommentStart(stream, contentStart) : contentStart;
    isFirst = false;
    const raw = stream.slice(start, end);
    const startsWithMarker = DOCUMENT_START.test(raw);
    let text = raw.replace(DOCUMENT_START, '').replace(DOCUMENT_END, '\n');
    const value = parsed.toJS({ maxAliasCount: -1 });
    if (value === null || value === undefined) continue;
    if (!text.endsWith('\n')) text += '\n';
    documents.push({ text, value, line: lines.lineAt(start) + (startsWithMarker ? 1 : 0) });
  }
  return documents;
}

/** Where the comment lines just above `offset` begin, when only comments and blank lines precede it. */
function leadingCommentStart(stream: string, offset: number): number {
  const prefix = stream.slice(0, offset);
  if (!/^(?:[ \t]*(?:#[^\n]*)?\r?\n)*[ \t]*$/.test(prefix)) return offset;
  const firstComment = prefix.search(/^[ \t]*#/m);
  return firstComment === -1 ? offset : firstComment;
}

/** Maps offsets to line numbers; offsets must be asked for in increasing order (one pass over the stream). */
class LineCounter {
  private offset = 0;
  private line = 1;

  constructor(private readonly text: string) {}

  lineAt(offset: number): number {
    for (let index = this.text.indexOf('\n', this.offset); index !== -1 && index < offset; ) {
      this.line++;
      this.offset = index + 1;
      index = this.text.indexOf('\n', this.offset);
    }
    return this.line;
  }
}
