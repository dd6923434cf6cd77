/** Reading parsed YAML values safely: one definition of "a mapping" and of walking a path through them. */

export type Mapping = Record<string, unknown>;

export function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at `path` (mapping keys), or undefined where the path leaves the mappings. */
export function valueAt(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (!isMapping(current)) return undefined;
    current = current[key];
  }
  return current;
}
