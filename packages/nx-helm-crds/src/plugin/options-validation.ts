import { isAbsolute, posix } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { closestMatch } from '../core/shared/closest-match';
import { UserError } from '../core/shared/errors';
import { formatSchemaPath, schemaProblems, typeOf, type JsonSchema, type SchemaProblem } from '../core/shared/json-schema';
import { PLUGIN_NAME } from '../constants';
import { executorOptionNames, type ExecutorSchemas } from './executor-schemas';
import {
  DEFAULT_TARGET_NAMES,
  PLUGIN_SET_OPTIONS,
  PLUGIN_WIDE_OPTIONS,
  REMOTE_RESOURCE_POLICIES,
  UNREADABLE_INPUTS_POLICIES,
  chartOptionExecutors,
  normalizeChartDirectory,
  type OptionExecutor,
  type TargetNames,
} from './plugin-options';

function schemaProperty(schemas: ExecutorSchemas, executor: OptionExecutor, key: string): JsonSchema {
  const property = schemas[executor].properties?.[key];
  if (!property) throw new Error(`nx-helm-crds: plugin option ${key} has no property in the ${executor} executor's schema.json`);
  return property;
}

/**
 * The schema of the plugin options, assembled from the executors' schemas: a chart entry takes each option
 * from the executor it belongs to (chartOptionExecutors), `verify` takes the verify executor's options, and
 * the plugin-wide binaries take the executor options they set.
 */
export function pluginOptionsSchema(schemas: ExecutorSchemas): JsonSchema {
  const owners = chartOptionExecutors(executorOptionNames(schemas));
  const chartKeys = Object.keys(owners);
  const verify = schemas.verify;
  const verifyProperties = Object.fromEntries(
    Object.entries(verify.properties ?? {}).filter(([key]) => !(PLUGIN_SET_OPTIONS.verify as readonly string[]).includes(key)),
  );
  const chart: JsonSchema = {
    type: 'object',
    additionalProperties: false,
    required: chartKeys.filter((key) => key !== 'verify' && schemas[owners[key]].required?.includes(key)),
    properties: Object.fromEntries(
      chartKeys.map((key) => [key, key === 'verify' ? { ...verify, properties: verifyProperties } : schemaProperty(schemas, owners[key], key)]),
    ),
  };
  const pluginWide = Object.fromEntries(Object.entries(PLUGIN_WIDE_OPTIONS).map(([key, executor]) => [key, schemaProperty(schemas, executor, key)]));
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      charts: { type: 'object', additionalProperties: chart },
      targetNames: { type: 'object', additionalProperties: false, properties: Object.fromEntries(Object.keys(DEFAULT_TARGET_NAMES).map((key) => [key, { type: 'string' }])) },
      ...pluginWide,
      remoteResources: { type: 'string', enum: REMOTE_RESOURCE_POLICIES },
      unreadableInputs: { type: 'string', enum: UNREADABLE_INPUTS_POLICIES },
    },
  };
}

/** What the validation needs to know about the workspace. */
export interface WorkspaceView {
  /** What is at a workspace-relative path. */
  kind(path: string): 'file' | 'directory' | 'missing';
  /** The directories of the Chart.yaml files Nx found (what the plugin can make projects of). */
  readonly chartDirectories: readonly string[];
}

/**
 * Plugin options renamed to the executor option they set, so that one name means one thing everywhere (the
 * plugin's `helm` was a binary, verify's `helm` is a render mode): the old name is refused, naming the new.
 */
const RENAMED_OPTIONS: Readonly<Record<string, keyof typeof PLUGIN_WIDE_OPTIONS>> = { helm: 'helmBinary' };

function withRenames(problem: SchemaProblem): SchemaProblem {
  const [key] = problem.path;
  const renamed = problem.path.length === 1 && typeof key === 'string' && Object.hasOwn(RENAMED_OPTIONS, key) ? RENAMED_OPTIONS[key] : undefined;
  return renamed === undefined || problem.message !== 'unknown key' ? problem : { ...problem, message: `unknown key; did you mean "${renamed}"?` };
}

/** Every problem with the plugin options, each at its path inside them. */
export function pluginOptionsProblems(options: unknown, schemas: ExecutorSchemas, workspace: WorkspaceView): SchemaProblem[] {
  const problems = schemaProblems(options ?? {}, pluginOptionsSchema(schemas)).map(withRenames);
  if (typeOf(options) !== 'object') return problems;
  const { charts, targetNames } = options as Record<string, unknown>;
  if (typeOf(charts) === 'object') problems.push(...chartDirectoryProblems(Object.keys(charts as object), workspace));
  if (typeOf(targetNames) === 'object') {
    // Names of the wrong type are already reported; the clash check compares the others.
    problems.push(...targetNameProblems(Object.fromEntries(Object.entries(targetNames as object).filter(([, name]) => typeof name === 'string'))));
  }
  return problems;
}

const CHART_FILE = /^Chart\.ya?ml$/i;

function chartDirectoryProblems(keys: readonly string[], workspace: WorkspaceView): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const seen = new Map<string, string>();
  for (const key of keys) {
    const problem = (message: string) => problems.push({ path: ['charts', key], message });
    const directory = normalizeChartDirectory(key);
    const nearest = () => {
      const closest = closestMatch(directory, workspace.chartDirectories.filter((chart) => chart !== directory));
      return closest === undefined ? 'No directory in the workspace has a Chart.yaml.' : `Did you mean "${closest}"? (the closest directory with a Chart.yaml)`;
    };
    if (directory === '' || isAbsolute(key) || directory === '..' || directory.startsWith('../')) {
      problem('a chart directory must be relative to the workspace root and inside it, e.g. "charts/my-operator".');
      continue;
    }
    if (CHART_FILE.test(posix.basename(directory))) {
      problem(`names the chart's ${posix.basename(directory)} file; the key is the chart directory: "${posix.dirname(directory)}".`);
      continue;
    }
    const first = seen.get(directory);
    if (first !== undefined) {
      problem(`is the same chart directory as charts[${JSON.stringify(first)}]; give each chart one entry.`);
      continue;
    }
    seen.set(directory, key);
    const kind = workspace.kind(directory);
    if (kind === 'missing') problem(`the chart directory ${directory} does not exist, so no project is created for it. ${nearest()}`);
    else if (kind === 'file') problem(`${directory} is a file, not a chart directory. ${nearest()}`);
    else if (workspace.kind(`${directory}/Chart.yaml`) !== 'file') problem(`${directory} has no Chart.yaml, so it is not a Helm chart and no project is created for it. ${nearest()}`);
    else if (!workspace.chartDirectories.includes(directory)) {
      problem(`Nx does not see ${directory}/Chart.yaml (ignored by .gitignore or .nxignore, or left out by this plugin entry's include/exclude), so no project is created for it.`);
    }
  }
  return problems;
}

function targetNameProblems(overrides: Partial<TargetNames>): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const names = { ...DEFAULT_TARGET_NAMES, ...overrides };
  const keys = Object.keys(names) as (keyof TargetNames)[];
  for (const key of keys) {
    if (overrides[key] === undefined) continue;
    const problem = (message: string) => problems.push({ path: ['targetNames', key], message });
    const name = names[key];
    if (name.trim() === '') problem('a target name cannot be empty.');
    else if (name.includes(':')) problem(`"${name}": ':' separates project, target and configuration in Nx; choose a name without it.`);
    const clash = keys.find((other) => other !== key && names[other] === name);
    if (clash !== undefined) {
      problem(
        `"${name}" is also the name of the ${clash} target (${overrides[clash] === undefined ? 'its default' : `targetNames.${clash}`}); ` +
          'two targets cannot share a name (one would replace the other), so give each its own.',
      );
    }
  }
  return problems;
}

/** Which nx.json `plugins` entry holds these options, for messages (the first with equal options). */
export function pluginEntryIndex(plugins: readonly unknown[] | undefined, options: unknown): number | undefined {
  const entries = (plugins ?? []).map((entry) => (typeof entry === 'object' && entry !== null ? (entry as { plugin?: unknown; options?: unknown }) : { plugin: entry }));
  const index = entries.findIndex((entry) => entry.plugin === PLUGIN_NAME && isDeepStrictEqual(entry.options, options));
  const anyIndex = index === -1 ? entries.findIndex((entry) => isDeepStrictEqual(entry.options, options)) : index;
  return anyIndex === -1 ? undefined : anyIndex;
}

/** Refuses invalid plugin options with every problem, each named by its nx.json path. */
export function validatePluginOptions(options: unknown, schemas: ExecutorSchemas, workspace: WorkspaceView, pluginIndex: number | undefined): void {
  const problems = pluginOptionsProblems(options, schemas, workspace);
  if (problems.length === 0) return;
  const root = `nx.json › plugins[${pluginIndex ?? '?'}].options`;
  throw new UserError(
    `Invalid ${PLUGIN_NAME} plugin options in nx.json (fix them; the executors' schema.json files document every option):\n` +
      problems.map((problem) => `  - ${formatSchemaPath(root, problem.path)}: ${problem.message}`).join('\n'),
  );
}
