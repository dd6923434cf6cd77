import type * as Yaml from 'yaml';
import type { Document, Node } from 'yaml';

export type { Node };

// Loaded on first use: Nx's plugin worker loads this package to infer targets, which needs no YAML parser.
const yaml = () => require('yaml') as typeof Yaml;

/**
 * A YAML text read as `yaml`'s Document, nodes with their source ranges, for the two callers that edit a file's
 * text in place instead of re-serialising values: the CRD templating (keeps Kustomize's bytes around each edit)
 * and the dependency-less Chart.yaml copy (keeps the chart author's comments). Values are read through
 * splitYamlDocuments (documents.ts); see its module docblock for the reader policy.
 */
export function parseSourceDocument(text: string): Document.Parsed {
  return yaml().parseDocument(text, { keepSourceTokens: true });
}

/** The node guards that go with it, so the `yaml` package is imported by core/yaml only. */
export const isMap = (node: unknown): node is Yaml.YAMLMap => yaml().isMap(node);
export const isScalar = (node: unknown): node is Yaml.Scalar => yaml().isScalar(node);
export const isSeq = (node: unknown): node is Yaml.YAMLSeq => yaml().isSeq(node);
