import type * as JsYaml from 'js-yaml';
import type * as Yaml from 'yaml';
import { UserError } from '../shared/errors';

/**
 * The YAML reader policy: every YAML text nx-helm-crds reads goes through core/yaml, and no other folder imports
 * a YAML library (a test checks it).
 * - Values: splitYamlDocuments, for every source alike: Kustomize's output, kustomization files, chart files,
 *   helm's output. `yaml` is the reader of record: it places errors (line and column), rejects duplicate keys
 *   and caps alias expansion. js-yaml is only its fast path, for plain `---`-separated streams without anchors,
 *   where both give the same values (the agreement test in documents.test.ts); measured on 4 MB of the example's
 *   CRDs, about 5x faster cold and 10x warm, which is most of a large chart's task time.
 * - Source positions: parseSourceDocument (source-document.ts), `yaml`'s Document, only to edit text in place.
 */

// Loaded on first use: Nx's plugin worker loads this package to infer targets, which mostly reads no YAML.
const jsYaml = () => require('js-yaml') as typeof JsYaml;
const yaml = () => require('yaml') as typeof Yaml;

/** One document of a multi-document YAML stream, with its source text kept byte for byte. */
export interface YamlDocument {
  /** The document's own text: leading comments included, `---`/`...` markers left out, ends with a newline. */
  readonly text: string;
  /**
   * The parsed value. Documents with the same text share one value (see parseText): treat it as read-only.
   */
  readonly value: unknown;
  /** 1-based line of the document's first line in the stream, for messages. */
  readonly line: number;
}

/** Text that is not YAML at all (as opposed to YAML refused, like an alias bomb): for callers to whom that means "not YAML, so something else". */
export class YamlSyntaxError extends UserError {}

/**
 * Splits a YAML stream into documents, keeping each document's original text so that a CRD can be
 * written out exactly as Kustomize emitted it. Empty documents (a trailing `---`) are dropped.
 * `source` names the stream in error messages.
 *
 * Kustomize's plain `---`-separated streams take the fast path: split at the marker lines, parse each
 * document with js-yaml (several times faster than `yaml` on megabytes of CRDs). Anything else (directives,
 * content on a marker line, comments above the first marker), and any document js-yaml rejects, goes
 * through `yaml`, whose errors name the line and column. So does a stream with an anchor: js-yaml expands
 * aliases without a limit, and an "alias bomb" (aliases of aliases, a few hundred bytes) then becomes billions
 * of nodes once the value is walked; `yaml` counts the expansion and stops it (MAX_ALIAS_EXPANSION).
 */
export function splitYamlDocuments(stream: string, source: string): YamlDocument[] {
  const pieces = ANCHOR.test(stream) ? undefined : splitAtMarkerLines(stream);
  if (pieces === undefined) return splitExactly(stream, source);
  const documents: YamlDocument[] = [];
  for (const piece of pieces) {
    const value = parseText(piece.text);
    if (value === PARSE_FAILED) return splitExactly(stream, source);
    if (value === null || value === undefined) continue;
    documents.push({ ...piece, value });
  }
  return documents;
}

const PARSE_FAILED = Symbol('parse failed');

/**
 * Where an anchor (`&name`) may start: after a line start, a space or a flow indicator. Also true for some
 * `&` in text (those streams just take the slower path); never false for an anchor.
 */
const ANCHOR = /(?:^|[\s[{,])&[^\s\]},]/m;

/**
 * `yaml`'s limit on alias expansion (uses of an alias, weighted by the aliases inside what it names): generous
 * for anchors used to share parts of a schema, while an alias bomb exceeds it within a few levels.
 */
const MAX_ALIAS_EXPANSION = 10_000;

/**
 * A task often parses the same CRD text twice: from Kustomize's output, and from the chart file it wrote, or
 * from what helm rendered. The second time costs a lookup. Bounded (oldest out first), since a batch process
 * runs the tasks of many charts one after the other.
 */
const parsedByText = new Map<string, unknown>();
const PARSED_TEXT_LIMIT = 32 * 1024 * 1024;
let parsedTextLength = 0;

function parseText(text: string): unknown {
  if (parsedByText.has(text)) return parsedByText.get(text);
  let value: unknown;
  try {
    value = jsYaml().load(text, { schema: jsYaml().CORE_SCHEMA });
  } catch {
    return PARSE_FAILED;
  }
  parsedByText.set(text, value);
  parsedTextLength += text.length;
  for (const [oldest] of parsedByText) {
    if (parsedTextLength <= PARSED_TEXT_LIMIT) break;
    parsedByText.delete(oldest);
    parsedTextLength -= oldest.length;
  }
  return value;
}

type Piece = Omit<YamlDocument, 'value'>;

const MARKER = /^(?:---|\.\.\.)[ \t]*\r?$/;
const MARKER_WITH_ANYTHING = /^(?:---|\.\.\.)(?:[ \t]|\r?$)/;
const BLANK_OR_COMMENTS = /^(?:[ \t]*(?:#[^\n]*)?(?:\n|$))*$/;
const LEADING_BLANK_LINES = /^(?:[ \t]*\r?\n)*/;

/**
 * The documents' texts when the stream only uses bare `---`/`...` lines: YAML forbids both at the start of
 * a line inside content, so a line-based split is exact. Undefined when the stream needs the full parser.
 */
function splitAtMarkerLines(stream: string): Piece[] | undefined {
  if (stream.startsWith('\uFEFF') || /^%/m.test(stream)) return undefined;
  const pieces: Piece[] = [];
  let start = 0;
  let line = 1;
  let startLine = 1;
  let previousMarker: string | undefined;
  // False when the text before `end` is something only the full parser places.
  const close = (end: number, atMarker: boolean): boolean => {
    let text = stream.slice(start, end);
    const commentsOnly = BLANK_OR_COMMENTS.test(text);
    if (previousMarker === '...') return commentsOnly;
    if (previousMarker === undefined) {
      if (atMarker && commentsOnly && text.includes('#')) return false;
      const leading = LEADING_BLANK_LINES.exec(text)![0];
      text = text.slice(leading.length);
      startLine += leading.split('\n').length - 1;
    }
    if (!commentsOnly) pieces.push({ text: text.endsWith('\n') ? text : `${text}\n`, line: startLine });
    return true;
  };
  for (let offset = 0; offset < stream.length; line++) {
    const newline = stream.indexOf('\n', offset);
    const next = newline === -1 ? stream.length : newline + 1;
    const content = stream.slice(offset, next).replace(/\n$/, '');
    if (MARKER_WITH_ANYTHING.test(content)) {
      if (!MARKER.test(content) || !close(offset, true)) return undefined;
      previousMarker = content.slice(0, 3);
      start = next;
      startLine = line + 1;
    }
    offset = next;
  }
  return close(stream.length, false) ? pieces : undefined;
}

/** The general path: `yaml` finds the documents and their ranges (directives, markers with content, comments). Exported to test that both paths agree. */
export function splitExactly(stream: string, source: string): YamlDocument[] {
  const documents: YamlDocument[] = [];
  const lines = new LineCounter(stream);
  let isFirst = true;
  for (const parsed of yaml().parseAllDocuments(stream, { prettyErrors: true, uniqueKeys: true })) {
    if (parsed.errors.length > 0) {
      const first = parsed.errors[0];
      throw new YamlSyntaxError(`${source} is not valid YAML: ${first.message.split('\n')[0]}`);
    }
    const [contentStart, , end] = parsed.range;
    // The first document's range starts at its content: comments above it (before any `---`) belong to it too.
    const start = isFirst ? leadingCommentStart(stream, contentStart) : contentStart;
    isFirst = false;
    const raw = stream.slice(start, end);
    const startsWithMarker = DOCUMENT_START.test(raw);
    let text = raw.replace(DOCUMENT_START, '').replace(DOCUMENT_END, '\n');
    let value: unknown;
    try {
      value = parsed.toJS({ maxAliasCount: MAX_ALIAS_EXPANSION });
    } catch (error) {
      if (!(error instanceof ReferenceError)) throw error;
      throw new UserError(
        `${source} is refused: the YAML aliases of the document at line ${lines.lineAt(start)} expand to more than ${MAX_ALIAS_EXPANSION} copies ` +
          '(aliases of aliases, as in an "alias bomb", grow exponentially). Write the repeated parts out, or use fewer levels of aliases.',
      );
    }
    if (value === null || value === undefined) continue;
    if (!text.endsWith('\n')) text += '\n';
    documents.push({ text, value, line: lines.lineAt(start) + (startsWithMarker ? 1 : 0) });
  }
  return documents;
}

const DOCUMENT_START = /^---[ \t]*(?:\r?\n|$)/;
const DOCUMENT_END = /(?:^|\n)\.\.\.[ \t]*\r?\n?$/;

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
