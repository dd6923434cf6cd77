/**
 * Validates a value against the JSON Schema keywords our report schema uses (type, const, enum, required,
 * properties, additionalProperties: false, items), so tests check the documented schema without a new
 * dependency. Returns the problems found, as `<path>: <what>`.
 */
type Schema = {
  type?: string;
  const?: unknown;
  enum?: unknown[];
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean;
  items?: Schema;
};

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

export function validateAgainstSchema(value: unknown, schema: Schema, path = '$'): string[] {
  const problems: string[] = [];
  const actualType = typeOf(value);
  if (schema.type && !(schema.type === actualType || (schema.type === 'number' && actualType === 'integer'))) {
    return [`${path}: expected ${schema.type}, got ${actualType}`];
  }
  if ('const' in schema && value !== schema.const) problems.push(`${path}: expected ${JSON.stringify(schema.const)}`);
  if (schema.enum && !schema.enum.includes(value)) problems.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (actualType === 'object') {
    const object = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in object)) problems.push(`${path}.${key}: required`);
    for (const [key, child] of Object.entries(object)) {
      const childSchema = schema.properties?.[key];
      if (childSchema) problems.push(...validateAgainstSchema(child, childSchema, `${path}.${key}`));
      else if (schema.additionalProperties === false && child !== undefined) problems.push(`${path}.${key}: not allowed`);
    }
  }
  if (actualType === 'array' && schema.items) {
    (value as unknown[]).forEach((item, index) => problems.push(...validateAgainstSchema(item, schema.items!, `${path}[${index}]`)));
  }
  return problems;
}
