/**
 * Compares two parsed YAML values as data and names every differing path, e.g.
 * `metadata.annotations["cert-manager.io/inject-ca-from"]` or `spec.versions[name=v1beta1].served`.
 */

import { isMapping, type Mapping } from '../yaml/values';

export type DifferenceKind = 'missing' | 'unexpected' | 'changed';

export interface Difference {
  /** Path from the document root. */
  readonly path: string;
  /** `missing`: only the expected side has it; `unexpected`: only the actual side; `changed`: both, unequal. */
  readonly kind: DifferenceKind;
  readonly expected?: unknown;
  readonly actual?: unknown;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function keyPath(parent: string, key: string): string {
  if (PLAIN_KEY.test(key)) return parent === '' ? key : `${parent}.${key}`;
  return `${parent}[${JSON.stringify(key)}]`;
}

/** Lists of objects with unique `name`s (versions, containers, env) are matched by name, not position. */
function namesOf(list: unknown[]): string[] | undefined {
  const names = list.map((item) => (isMapping(item) && typeof item.name === 'string' ? item.name : undefined));
  if (names.some((name) => name === undefined)) return undefined;
  return new Set(names).size === names.length ? (names as string[]) : undefined;
}

export function diffValues(expected: unknown, actual: unknown, path = ''): Difference[] {
  if (Object.is(expected, actual)) return [];
  if (isMapping(expected) && isMapping(actual)) return diffMappings(expected, actual, path);
  if (Array.isArray(expected) && Array.isArray(actual)) return diffLists(expected, actual, path);
  return [{ path: path || '(document)', kind: 'changed', expected, actual }];
}

function diffMappings(expected: Mapping, actual: Mapping, path: string): Difference[] {
  const differences: Difference[] = [];
  for (const key of Object.keys(expected)) {
    const childPath = keyPath(path, key);
    if (!Object.hasOwn(actual, key)) {
      differences.push({ path: childPath, kind: 'missing', expected: expected[key] });
    } else {
      differences.push(...diffValues(expected[key], actual[key], childPath));
    }
  }
  for (const key of Object.keys(actual)) {
    if (!Object.hasOwn(expected, key)) {
      differences.push({ path: keyPath(path, key), kind: 'unexpected', actual: actual[key] });
    }
  }
  return differences;
}

function diffLists(expected: unknown[], actual: unknown[], path: string): Difference[] {
  const expectedNames = namesOf(expected);
  const actualNames = namesOf(actual);
  if (expectedNames && actualNames) {
    const differences: Difference[] = [];
    const actualByName = new Map(actualNames.map((name, index) => [name, actual[index]]));
    expectedNames.forEach((name, index) => {
      const itemPath = `${path}[name=${name}]`;
      if (!actualByName.has(name)) {
        differences.push({ path: itemPath, kind: 'missing', expected: expected[index] });
      } else {
        differences.push(...diffValues(expected[index], actualByName.get(name), itemPath));
      }
    });
    actualNames.forEach((name, index) => {
      if (!expectedNames.includes(name)) {
        differences.push({ path: `${path}[name=${name}]`, kind: 'unexpected', actual: actual[index] });
      }
    });
    if (differences.length === 0 && expectedNames.join('\0') !== actualNames.join('\0')) {
      differences.push({ path, kind: 'changed', expected: expectedNames, actual: actualNames });
    }
    return differences;
  }
  const differences: Difference[] = [];
  const shared = Math.min(expected.length, actual.length);
  for (let index = 0; index < shared; index++) {
    differences.push(...diffValues(expected[index], actual[index], `${path}[${index}]`));
  }
  for (let index = shared; index < expected.length; index++) {
    differences.push({ path: `${path}[${index}]`, kind: 'missing', expected: expected[index] });
  }
  for (let index = shared; index < actual.length; index++) {
    differences.push({ path: `${path}[${index}]`, kind: 'unexpected', actual: actual[index] });
  }
  return differences;
}

/** A value shown in a message: JSON, cut to `limit` characters. */
export function truncatedValue(value: unknown, limit = 60): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length <= limit ? json : `${json.slice(0, limit - 1)}…`;
}

/** One line per difference, naming which side holds what: `<path>: "x" in Kustomize, absent in chart`. */
export function formatDifference(difference: Difference, expectedSide: string, actualSide: string): string {
  const expected = truncatedValue(difference.expected);
  const actual = truncatedValue(difference.actual);
  switch (difference.kind) {
    case 'missing':
      return `${difference.path}: missing in ${actualSide} (${expectedSide} has ${expected})`;
    case 'unexpected':
      return `${difference.path}: absent in ${expectedSide}, ${actual} in ${actualSide}`;
    case 'changed':
      return `${difference.path}: ${expected} in ${expectedSide}, ${actual} in ${actualSide}`;
  }
}

/**
 * How many differing paths a log lists per CRD before `… and N more`. helm-crds lists them beside each file it
 * writes, as a note of what changed (the whole list is in its JSON report); verify's text report is what a user
 * fixes the chart from, so it shows twice as many.
 */
export const WRITE_LOG_DIFFERENCES = 20;
export const VERIFY_REPORT_DIFFERENCES = 40;

/** The first `max` differences, Kustomize's side as expected and the chart's as actual, then how many more there are. */
export function shownDifferences(differences: readonly Difference[], max: number): string[] {
  const lines = differences.slice(0, max).map((difference) => formatDifference(difference, 'Kustomize', 'chart'));
  if (differences.length > max) lines.push(`… and ${differences.length - max} more differing paths`);
  return lines;
}
