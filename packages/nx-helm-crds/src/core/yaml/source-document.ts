import { parseDocument, type Document } from 'yaml';

/**
 * A YAML text read as `yaml`'s Document, nodes with their source ranges, for the two callers that edit a file's
 * text in place instead of re-serialising values: the CRD templating (keeps Kustomize's bytes around each edit)
 * and the dependency-less Chart.yaml copy (keeps the chart author's comments). Values are read through
 * splitYamlDocuments (documents.ts); see its module docblock for the reader policy.
 */
export function parseSourceDocument(text: string): Document.Parsed {
  return parseDocument(text, { keepSourceTokens: true });
}

/** The node guards that go with it, so the `yaml` package is imported by core/yaml only. */
export { isMap, isScalar, isSeq, type Node } from 'yaml';
