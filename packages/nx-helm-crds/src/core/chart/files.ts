import { lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { crdNameOf } from '../crd/model';
import { UserError } from '../shared/errors';
import { generatedFileBody, generatedFileKustomization, unescapeHelmBraces } from './generated-file';
import { splitYamlDocuments, type YamlDocument } from '../yaml/documents';

/**
 * What a chart file is, as far as CRD ownership goes:
 * - `generated`: written by nx-helm-crds (it starts with our header); we may rewrite or prune it;
 * - `plain`: YAML without Helm template syntax, parsed;
 * - `template`: a Helm template (`{{ }}` under templates/): its CRDs are found by name, not parsed;
 * - `unreadable`: not valid YAML or not UTF-8;
 * - `symlink`: never followed, never written through.
 */
export type ChartFileKind = 'generated' | 'plain' | 'template' | 'unreadable' | 'symlink';

export interface ChartFile {
  /** Chart-relative, `/`-separated path. */
  readonly path: string;
  readonly kind: ChartFileKind;
  /** The file's content (absent for symlinks and non-UTF-8 files). */
  readonly text?: string;
  /** Parsed documents of `generated` and `plain` files. */
  readonly documents?: readonly YamlDocument[];
  /** Why an `unreadable` file could not be read. */
  readonly problem?: string;
  /** For `generated` files: the kustomization named in the header. */
  readonly generatedFrom?: string;
}

/** Checks the chart directory is a Helm chart, so nothing is ever written into the wrong place. */
export function requireChart(chartDirectory: string, chart: string): void {
  const fix = 'Set the chart option (workspace-relative) to the folder that holds Chart.yaml.';
  const stats = statSync(chartDirectory, { throwIfNoEntry: false });
  if (!stats) throw new UserError(`The chart directory ${chart} does not exist (looked for ${chartDirectory}). ${fix}`);
  if (!stats.isDirectory()) throw new UserError(`The chart directory ${chart} is a file, not a directory. ${fix}`);
  if (!statSync(join(chartDirectory, 'Chart.yaml'), { throwIfNoEntry: false })?.isFile()) {
    throw new UserError(`The chart directory ${chart} has no Chart.yaml, so it is not a Helm chart. ${fix}`);
  }
}

const MANIFEST_EXTENSIONS = /\.(ya?ml|json|tpl)$/i;

/** A file under templates/ is rendered by Helm; everywhere else (crds/, files/) braces are literal text. */
export function isHelmTemplatePath(chartRelativePath: string): boolean {
  return chartRelativePath === 'templates' || chartRelativePath.startsWith('templates/');
}

/** Lists the chart's manifest files (YAML, JSON, .tpl), recursively, in a stable order. */
export function readChartFiles(chartDirectory: string): ChartFile[] {
  const files: ChartFile[] = [];
  const visit = (relative: string): void => {
    const entries = readdirSync(join(chartDirectory, relative), { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    for (const entry of entries) {
      const path = relative === '' ? entry.name : posix.join(relative, entry.name);
      if (entry.isDirectory()) {
        try {
          visit(path);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        }
      } else if (MANIFEST_EXTENSIONS.test(entry.name) && !entry.name.startsWith('.')) {
        // Another run may remove a file between listing and reading it: it is then simply not there.
        try {
          files.push(readChartFile(chartDirectory, path));
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        }
      }
    }
  };
  visit('');
  return files;
}

/**
 * A chart's manifest files read once for a task, on first use, and handed to every step that needs them (the
 * plan, the comparison, the lines annotations point at), so no step reads the chart again.
 */
export class ChartSnapshot {
  private read?: { readonly files: readonly ChartFile[]; readonly byPath: ReadonlyMap<string, ChartFile> };

  constructor(readonly directory: string) {}

  get files(): readonly ChartFile[] {
    return this.contents().files;
  }

  /** A chart-relative file's text; undefined when the chart has no such manifest (or it is a link, or not UTF-8). */
  text(path: string): string | undefined {
    return this.contents().byPath.get(path)?.text;
  }

  private contents() {
    if (!this.read) {
      const files = readChartFiles(this.directory);
      this.read = { files, byPath: new Map(files.map((file) => [file.path, file])) };
    }
    return this.read;
  }
}

export function readChartFile(chartDirectory: string, path: string): ChartFile {
  const absolute = join(chartDirectory, path);
  const stats = lstatSync(absolute);
  if (stats.isSymbolicLink()) return { path, kind: 'symlink' };
  // A named pipe or device would block or never end: never read one.
  if (!stats.isFile()) return { path, kind: 'unreadable', problem: 'it is not a regular file' };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(absolute));
  } catch {
    return { path, kind: 'unreadable', problem: 'it is not UTF-8 text' };
  }
  return readChartFileText(path, text);
}

/** Classifies a chart file from its chart-relative path and text (from disk, or from a git revision). */
export function readChartFileText(path: string, text: string): ChartFile {
  const helmTemplate = isHelmTemplatePath(path);
  const generatedBody = generatedFileBody(text, helmTemplate);
  if (generatedBody === undefined && (/\.tpl$/i.test(path) || (helmTemplate && text.includes('{{')))) {
    return { path, kind: 'template', text };
  }
  if (generatedBody !== undefined) return generatedFile(path, text, generatedBody);
  try {
    return { path, kind: 'plain', text, documents: splitYamlDocuments(text, path) };
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return { path, kind: 'unreadable', text, problem: error.message };
  }
}

/**
 * A file we generated, recognised by its header. Its documents are parsed only when asked for: a run that
 * finds its files unchanged compares their text and never pays for parsing megabytes of CRDs again. A body
 * wrapped in Helm syntax (install toggle, namespace templating) has no documents: only rendering reads it.
 */
function generatedFile(path: string, text: string, body: string): ChartFile {
  let documents: readonly YamlDocument[] | undefined | null = null;
  return {
    path,
    kind: 'generated',
    text,
    generatedFrom: generatedFileKustomization(text, isHelmTemplatePath(path)),
    get documents() {
      if (documents === null) {
        try {
          documents = splitYamlDocuments(body, path);
        } catch (error) {
          if (!(error instanceof UserError)) throw error;
          documents = undefined;
        }
      }
      return documents;
    },
  };
}

/**
 * Names of the CRDs a file defines. A template (or a generated file wrapped in Helm syntax) is read as Helm
 * would leave it (see templateDocuments); of its CRDs only the candidate `names` count.
 */
export function crdNamesDefinedBy(file: ChartFile, candidates: Iterable<string>): string[] {
  if (file.documents) {
    return file.documents.map((document) => crdNameOf(document.value)).filter((name): name is string => !!name);
  }
  if ((file.kind === 'template' || file.kind === 'generated') && file.text !== undefined) {
    const wanted = new Set(candidates);
    return templateDocuments(file.text, file.path)
      .documents.map((document) => crdNameOf(document.value))
      .filter((name): name is string => name !== undefined && wanted.has(name));
  }
  return [];
}

/** A Go template action, `{{ … }}`, with quoted strings in it (which may hold braces) taken whole. */
const TEMPLATE_ACTION = /\{\{(?:"(?:[^"\\]|\\.)*"|`[^`]*`|[^"`}]|\}(?!\}))*\}\}/g;
/** What an inline action becomes: a plain scalar, so `name: {{ include "x" . }}-webhook` still parses. */
const ACTION_PLACEHOLDER = 'nx-helm-crds-template-value';

/** What a Helm template holds as YAML, as far as it can be known without rendering (see templateDocuments). */
export interface TemplateYaml {
  readonly documents: readonly YamlDocument[];
  /** Why pieces of it still did not parse (each defines nothing): empty when the whole template was read. */
  readonly problems: readonly string[];
}

/**
 * The documents of a Helm template as far as they can be known without rendering: lines holding nothing but
 * actions (`{{- if … }}`, `{{- end }}`, `{{ include … | nindent 4 }}`) are removed, escaped braces
 * (`{{ "{{" }}`) become the braces Helm renders, other actions a placeholder value, and each `---`-separated
 * document is parsed on its own; one that still does not parse defines nothing. So a file provides a CRD only
 * when one document is a CustomResourceDefinition with that metadata.name: a ValidatingAdmissionPolicy named
 * like the CRD, next to the word CustomResourceDefinition in a comment, provides nothing.
 */
export function templateDocuments(text: string, source: string): TemplateYaml {
  const lines = text
    .replace(TEMPLATE_ACTION, (action) => {
      const literal = unescapeHelmBraces(action);
      if (literal !== action) return literal;
      return action.includes('\n') ? `${action.replace(/[^\n]/g, '')}\u0000` : '\u0000';
    })
    .split('\n')
    .filter((line) => !/^[\s\u0000]*\u0000[\s\u0000]*$/.test(line))
    .map((line) => line.replace(/\u0000/g, ACTION_PLACEHOLDER));
  const documents: YamlDocument[] = [];
  const problems: string[] = [];
  for (const piece of lines.join('\n').split(/^---[ \t]*$/m)) {
    try {
      documents.push(...splitYamlDocuments(piece, source));
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      problems.push(error.message);
    }
  }
  return { documents, problems };
}
