#!/usr/bin/env node
// Writes each executor's schema.d.ts from its schema.json, so an option is declared once (in the schema Nx
// validates, documents and prompts from) and the TypeScript type cannot disagree with it.
//   node tools/schema-types.mjs          rewrite the schema.d.ts files
//   node tools/schema-types.mjs --check  exit 1, naming the files, when a committed one differs
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const executorsDir = join(repoRoot, 'packages/nx-helm-crds/src/executors');

/** Executor folder → the exported type name its executor (and the plugin) imports. */
export const SCHEMA_TYPES = {
  'kustomize-build': 'KustomizeBuildExecutorSchema',
  'helm-crds': 'HelmCrdsExecutorSchema',
  verify: 'VerifyExecutorSchema',
  watch: 'WatchExecutorSchema',
};

const literal = (value) => (typeof value === 'string' ? `'${value.replace(/[\\']/g, '\\$&')}'` : JSON.stringify(value));
const docComment = (text, indent) => (text ? `${indent}/** ${text.replace(/\*\//g, '*\\/').replace(/\s*\n\s*/g, ' ')} */\n` : '');

function typeOf(schema, indent) {
  if (schema.enum) return schema.enum.map(literal).join(' | ');
  if (schema.const !== undefined) return literal(schema.const);
  switch (schema.type) {
    case 'string':
      return 'string';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array': {
      const item = schema.items ? typeOf(schema.items, indent) : 'unknown';
      return /^[\w']+$/.test(item) ? `${item}[]` : `Array<${item}>`;
    }
    case 'object':
      return schema.properties ? `{\n${members(schema, `${indent}  `)}${indent}}` : 'Record<string, unknown>';
    default:
      throw new Error(`schema-types: no TypeScript type for ${JSON.stringify(schema)}`);
  }
}

function members(schema, indent) {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {})
    .map(([key, property]) => `${docComment(property.description, indent)}${indent}${key}${required.has(key) ? '' : '?'}: ${typeOf(property, indent)};\n`)
    .join('');
}

/** The text of one schema.d.ts. */
export function schemaTypes(schema, typeName) {
  return (
    '// Generated from schema.json by tools/schema-types.mjs (`npm run build`); edit schema.json, not this file.\n\n' +
    docComment(schema.description, '') +
    `export interface ${typeName} {\n${members(schema, '  ')}}\n`
  );
}

const check = process.argv.includes('--check');
const stale = [];
for (const [executor, typeName] of Object.entries(SCHEMA_TYPES)) {
  const schema = JSON.parse(readFileSync(join(executorsDir, executor, 'schema.json'), 'utf8'));
  const file = join(executorsDir, executor, 'schema.d.ts');
  const text = schemaTypes(schema, typeName);
  let current;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === text) continue;
  if (check) stale.push(file);
  else writeFileSync(file, text);
}
if (stale.length > 0) {
  console.error(`schema-types: out of date with schema.json (run \`node tools/schema-types.mjs\`):\n${stale.map((file) => `  ${file}`).join('\n')}`);
  process.exit(1);
}
