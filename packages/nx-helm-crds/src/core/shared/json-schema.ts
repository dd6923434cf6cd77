import { closestMatch, typoDistance } from './closest-match';

/**
 * The JSON Schema keywords our schemas use (the executors' schema.json files and the verify report schema):
 * type, const, enum, minimum, required, properties, additionalProperties and items. Enough to check options
 * and reports against the schemas they are documented by, without a validator dependency.
 */
export interface JsonSchema {
  readonly type?: string;
  readonly const?: unknown;
  readonly enum?: readonly unknown[];
  readonly minimum?: number;
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  /** `false` refuses unknown keys; a schema validates every key that `properties` does not name. */
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema;
  readonly description?: string;
}

/** One key or array index on the way from the validated value to the problem. */
export type SchemaPathSegment = string | number;

export interface SchemaProblem {
  readonly path: readonly SchemaPathSegment[];
  readonly message: string;
}

export function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Every place where `value` breaks `schema`; an unknown key gets the closest known key as a suggestion. */
export function schemaProblems(value: unknown, schema: JsonSchema, path: readonly SchemaPathSegment[] = []): SchemaProblem[] {
  const actualType = typeOf(value);
  if (schema.type && !(schema.type === actualType || (schema.type === 'number' && actualType === 'integer'))) {
    return [{ path, message: `expected ${schema.type}, got ${actualType === 'array' ? 'an array' : actualType === 'object' ? 'an object' : JSON.stringify(value)}` }];
  }
  const problems: SchemaProblem[] = [];
  if ('const' in schema && value !== schema.const) problems.push({ path, message: `expected ${JSON.stringify(schema.const)}` });
  if (schema.enum && !schema.enum.includes(value)) problems.push({ path, message: `${JSON.stringify(value)} is not one of ${schema.enum.map((item) => JSON.stringify(item)).join(', ')}` });
  if (schema.minimum !== undefined && typeof value === 'number' && value < schema.minimum) problems.push({ path, message: `${value} is below the minimum ${schema.minimum}` });
  if (actualType === 'object') {
    const object = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in object)) problems.push({ path: [...path, key], message: 'required' });
    for (const [key, child] of Object.entries(object)) {
      const childSchema = schema.properties?.[key] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      if (childSchema) problems.push(...schemaProblems(child, childSchema, [...path, key]));
      else if (schema.additionalProperties === false && child !== undefined) problems.push({ path: [...path, key], message: unknownKey(key, Object.keys(schema.properties ?? {})) });
    }
  }
  if (actualType === 'array' && schema.items) {
    (value as unknown[]).forEach((item, index) => problems.push(...schemaProblems(item, schema.items!, [...path, index])));
  }
  return problems;
}

function unknownKey(key: string, known: readonly string[]): string {
  const suggestion = closestMatch(key, known, typoDistance(key));
  return suggestion ? `unknown key; did you mean "${suggestion}"?` : 'unknown key';
}

/** `root.key`, `root["a/b"]`, `root[0]`: a path as it reads in JSON, starting from `root`. */
export function formatSchemaPath(root: string, path: readonly SchemaPathSegment[]): string {
  return path.reduce<string>(
    (text, segment) => (typeof segment === 'number' ? `${text}[${segment}]` : /^[A-Za-z_$][\w$]*$/.test(segment) ? `${text}.${segment}` : `${text}[${JSON.stringify(segment)}]`),
    root,
  );
}
