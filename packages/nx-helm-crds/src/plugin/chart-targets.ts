import type { TargetConfiguration } from '@nx/devkit';
import { posix } from 'node:path';
import { crdDirectory } from '../core/chart/plan';
import { DEFAULT_FILE_NAME_PATTERN } from '../core/crd/model';
import { EXECUTORS, defaultOutputPath } from '../constants';
import { definedOnly, kustomizeBuildOptions } from './chart-discovery';
import { chartOptionsFor, type ChartCrdsConfig, type ChartOptionExecutors, type RemoteResourcePolicy, type TargetNames, type UnreadableInputsPolicy } from './plugin-options';

export interface ChartTargetsRequest {
  /** Workspace-relative chart directory; also the project root. */
  readonly chart: string;
  readonly projectName: string;
  readonly config: ChartCrdsConfig;
  /** Every local file the kustomization reads, workspace-relative (the kustomization graph). */
  readonly kustomizationFiles: readonly string[];
  /** Why the graph could not be read (the files are then a fallback glob); kustomize-build reports it. */
  readonly graphProblem?: string;
  /** Remote references found in the kustomization graph. */
  readonly remoteReferences: readonly string[];
  readonly names: TargetNames;
  /** Which executor each chart option goes to (chartOptionExecutors of the executors' schemas). */
  readonly optionExecutors: ChartOptionExecutors;
  readonly kustomize?: string;
  readonly helmBinary?: string;
  /** Files the reference overlay (verify.referenceOverlay) reads, workspace-relative. */
  readonly referenceOverlayFiles?: readonly string[];
  readonly remoteResources: RemoteResourcePolicy;
  /** What a graphProblem does to the build: `fail` (default) or `uncached`. */
  readonly unreadableInputs?: UnreadableInputsPolicy;
  /**
   * The project whose kustomize-build this chart reads, when another chart builds the same kustomization
   * with the same options: each kustomization is built once per run, however many charts take its CRDs.
   */
  readonly sharedBuildProject?: string;
  /**
   * Every chart whose compatibility guard compares with the same previousRevision as this one (this one
   * included), sorted by path: their committed trees are one key.
   */
  readonly baselineCharts: readonly string[];
}

const shellQuote = (value: string): string => (/^[\w./:@=-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`);

/**
 * The compatibility guard compares with the chart as committed at previousRevision, which no file input
 * reaches. The key holds the git trees of the charts at that revision (nothing outside git or without the
 * revision), so it changes when the baseline does, and a commit that leaves the charts alone changes nothing.
 * One command lists the trees of every chart with that baseline: Nx runs a runtime input once per command
 * line, and a process per chart cost 10 ms each on every Nx command. The price is that a commit changing one
 * chart re-runs verify of the others (kustomize-build and helm-crds stay cached).
 */
function committedChartTrees(charts: readonly string[], revision = 'HEAD'): { runtime: string } {
  // -z prints names raw (quoting them would follow each user's core.quotePath); --end-of-options keeps a
  // revision that starts with "-" a revision (verify refuses it, but the key must not become a git option).
  return { runtime: ['git', 'ls-tree', '-z', '--end-of-options', revision, '--', ...charts].map(shellQuote).join(' ') };
}

/**
 * The targets of one chart project. Pure: everything it needs (the kustomization's file set included) is
 * passed in, so it is tested without a workspace.
 */
export function chartTargets(request: ChartTargetsRequest): Record<string, TargetConfiguration> {
  const { chart, config, names, projectName } = request;
  const directory = crdDirectory({ placement: config.placement ?? 'crds', directory: config.directory, fileName: '' });
  const remote = request.remoteReferences.length > 0;
  const remoteUncached = remote && request.remoteResources === 'uncached';
  const unreadableUncached = request.graphProblem !== undefined && request.unreadableInputs === 'uncached';
  const uncached = remoteUncached || unreadableUncached;
  const buildTarget = request.sharedBuildProject ? `${request.sharedBuildProject}:${names.kustomizeBuild}` : undefined;
  const helmCrdsOptions = definedOnly({ chart, ...chartOptionsFor(config, 'helm-crds', request.optionExecutors), buildTarget, pipelineTarget: names.crds });
  const generate = config.generate !== false;
  const verifyOptions = definedOnly({ ...config.verify, helmBinary: request.helmBinary });
  const kustomizationFiles = request.kustomizationFiles.map((file) => `{workspaceRoot}/${file}`);
  // Every step is keyed on what determines its result: the files the kustomization reads (which determine
  // Kustomize's output) and the chart as the command found it (which, with that output, determines what
  // helm-crds leaves). Nx then hashes every task up front instead of waiting for outputs; only Kustomize's
  // output of a kustomization with remote resources, which no file determines, is hashed as an output.
  const kustomizeResult = uncached ? [{ dependentTasksOutputFiles: '**/*.yaml', transitive: true }] : kustomizationFiles;
  const help = (target: string) => ({ command: `npx nx run ${projectName}:${target} --help`, example: {} });

  const kustomizeBuild: Record<string, TargetConfiguration> = {
    [names.kustomizeBuild]: {
      executor: EXECUTORS.kustomizeBuild,
      options: { ...kustomizeBuildOptions(config, request.kustomize, remoteUncached, request.optionExecutors), ...(unreadableUncached ? { allowUnreadableInputs: true } : {}) },
      cache: !uncached,
      inputs: kustomizationFiles,
      outputs: [`{workspaceRoot}/${defaultOutputPath(projectName, 'kustomize.yaml')}`],
      metadata: {
        technologies: ['kustomize'],
        description: request.graphProblem
          ? `Render ${config.kustomization} with kustomize (${unreadableUncached ? 'never cached' : 'fails until fixed'}: its input files could not be read: ${request.graphProblem})`
          : uncached
            ? `Render ${config.kustomization} with kustomize (never cached: it references remote resources ${request.remoteReferences.join(', ')})`
            : `Render ${config.kustomization} with kustomize; cached on the ${request.kustomizationFiles.length} files it reads and the kustomize version`,
        help: help(names.kustomizeBuild),
      },
    },
  };

  return {
    ...(request.sharedBuildProject ? {} : kustomizeBuild),
    [names.helmCrds]: {
      executor: EXECUTORS.helmCrds,
      dependsOn: request.sharedBuildProject ? [{ projects: [request.sharedBuildProject], target: names.kustomizeBuild }] : [names.kustomizeBuild],
      options: helmCrdsOptions,
      configurations: { check: { check: true, checkReport: defaultOutputPath(projectName, `${names.helmCrds}-check.json`) } },
      cache: true,
      // Every chart file, generated ones included: what helm-crds leaves depends on all of them. Nx hashes file
      // inputs when the command starts, so the run after one that rewrote the chart re-runs this step once
      // (writing nothing).
      inputs: [...kustomizeResult, '{projectRoot}/**/*'],
      // With generate: false it writes nothing at all, so it has no outputs to restore.
      outputs: generate
        ? [
            `{workspaceRoot}/${defaultOutputPath(projectName, `${names.helmCrds}.json`)}`,
            // Only files named like the generated ones: Nx restores a cached output by removing and copying each
            // file the glob matches in the cache entry, so files of other names in the folder (Helm templates,
            // a user's notes) are never touched, and nothing is ever removed. A check run writes nothing to the
            // chart, so its only output is its report: restoring chart files from a cached check would hide a
            // broken commit.
            `{options.checkReport ?? {workspaceRoot}/${posix.join(chart, directory, generatedFileGlob(config.fileName ?? DEFAULT_FILE_NAME_PATTERN))}}`,
          ]
        : [],
      metadata: {
        technologies: ['helm'],
        description: generate
          ? `Write the CRDs of ${config.kustomization} into ${posix.join(chart, directory)}/, one file per CRD (check: list what would change)` +
            (buildTarget ? `; reads the output of ${buildTarget}, which builds the same kustomization` : '')
          : `generate: false: ${chart}'s CRD files come from another tool; writes nothing (verify checks them against ${config.kustomization})`,
        help: help(names.helmCrds),
      },
    },
    [names.verify]: {
      executor: EXECUTORS.verify,
      dependsOn: [names.helmCrds],
      options: verifyOptions,
      configurations: { check: {} },
      cache: true,
      inputs: [
        ...kustomizeResult,
        '{projectRoot}/**/*',
        ...[...(config.verify?.values ?? []), ...(request.referenceOverlayFiles ?? [])].map((file) => `{workspaceRoot}/${file}`),
        // It switches the default format to GitHub annotations, which a cache hit replays: a result cached
        // outside GitHub Actions must not stand in for one inside it.
        { env: 'GITHUB_ACTIONS' },
        ...(config.verify?.compatibility?.enabled === false ? [] : [committedChartTrees(request.baselineCharts, config.previousRevision)]),
      ],
      outputs: [`{workspaceRoot}/${defaultOutputPath(projectName, `${names.verify}.json`)}`],
      metadata: {
        technologies: ['helm', 'kustomize'],
        description: `Compare the CRDs of chart ${chart} with kustomize build ${config.kustomization}, as data; fail on any drift`,
        help: help(names.verify),
      },
    },
    [names.crds]: {
      executor: 'nx:noop',
      dependsOn: [names.verify],
      configurations: { check: {} },
      cache: true,
      // `nx affected -t crds` selects this task by its own inputs: every file the kustomization reads, and
      // the chart's files (so a hand edit of a committed CRD is checked in CI).
      inputs: [...kustomizeResult, '{projectRoot}/**/*'],
      metadata: {
        technologies: ['helm', 'kustomize'],
        description: `Keep ${chart} CRDs identical to kustomize build ${config.kustomization}: build, write, verify (-c check in CI: write nothing, fail on drift)`,
      },
    },
    [names.watch]: {
      executor: EXECUTORS.watch,
      continuous: true,
      options: definedOnly({ target: names.crds, buildTarget }),
      metadata: {
        technologies: ['helm', 'kustomize'],
        description: `Re-run ${names.crds} whenever a file of ${config.kustomization} changes (local development)`,
        help: help(names.watch),
      },
    },
  };
}

/**
 * The names `fileName` can produce, as a glob. A CRD's group has at least one dot (the API server refuses a
 * CRD whose group has none), so `{group}` is `*.*` and `{name}` (`<plural>.<group>`) is `*.*.*`: with
 * `{name}.yaml` in templates/, `deployment.yaml` stays out.
 */
export function generatedFileGlob(fileName: string): string {
  const wildcards: Record<string, string> = { group: '*.*', name: '*.*.*', plural: '*', kind: '*' };
  return fileName.replace(/\{(\w+)\}/g, (placeholder, key: string) => wildcards[key] ?? placeholder);
}
