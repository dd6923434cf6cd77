/**
 * The CRDs a chart shipped at an earlier revision, read from its committed files: the baseline the guard
 * compares with. Plain and generated files are parsed as they are; a templated file as templateDocuments reads
 * it (template-only lines removed, inline actions replaced, escaped braces restored), which is enough for the
 * wrappers nx-helm-crds itself writes (install toggle, keep, shared guard, namespace templating). A file that
 * still does not parse is reported as not comparable rather than guessed at.
 */
import { readChartFileText, templateDocuments } from '../../chart/files';
import { crdNameOf, isCrdDocument } from '../../crd/model';
import type { RevisionFile } from '../../chart/git-revision';

export interface PreviousCrd {
  readonly name: string;
  readonly value: unknown;
  /** Chart-relative file it was read from. */
  readonly file: string;
}

export interface PreviousChart {
  readonly crds: ReadonlyMap<string, PreviousCrd>;
  /** Files that define CRDs (among the candidates) but could not be read as YAML, with the reason. */
  readonly notComparable: readonly { readonly file: string; readonly crds: readonly string[]; readonly reason: string }[];
}

/** The CRDs defined by the chart's files at the revision; `candidates` are the names looked for in files that cannot be parsed. */
export function previousChartCrds(files: readonly RevisionFile[], candidates: readonly string[]): PreviousChart {
  const crds = new Map<string, PreviousCrd>();
  const notComparable: { file: string; crds: string[]; reason: string }[] = [];
  for (const { path, text } of files) {
    if (!text.includes('CustomResourceDefinition')) continue;
    const file = readChartFileText(path, text);
    let documents = file.documents;
    if (!documents && file.kind !== 'unreadable') {
      const template = templateDocuments(text, path);
      if (template.problems.length > 0) {
        notComparable.push({ file: path, crds: mentionedCandidates(text, candidates), reason: `it does not parse once its template lines are removed (${template.problems[0]})` });
        continue;
      }
      documents = template.documents;
    }
    if (!documents) {
      notComparable.push({ file: path, crds: mentionedCandidates(text, candidates), reason: file.problem ?? 'it could not be read' });
      continue;
    }
    for (const document of documents) {
      const name = crdNameOf(document.value);
      if (name && isCrdDocument(document.value)) crds.set(name, { name, value: document.value, file: path });
    }
  }
  return { crds, notComparable };
}

/**
 * The candidate CRD names a file that cannot be parsed mentions: only to tell the user which CRDs went
 * unchecked, never to decide what the file defines.
 */
function mentionedCandidates(text: string, candidates: readonly string[]): string[] {
  return candidates.filter((name) => text.includes(name));
}
