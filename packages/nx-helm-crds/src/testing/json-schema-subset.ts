import { formatSchemaPath, schemaProblems, type JsonSchema } from '../core/shared/json-schema';

/** Validates a value against a schema (see core/json-schema); the problems found, as `<$-path>: <what>`. */
export function validateAgainstSchema(value: unknown, schema: JsonSchema): string[] {
  return schemaProblems(value, schema).map((problem) => `${formatSchemaPath('$', problem.path)}: ${problem.message}`);
}
