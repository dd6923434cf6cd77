import type { TargetConfiguration } from '@nx/devkit';
import { posix } from 'node:path';
import { crdDirectory } from '../core/chart-sync';
import { EXECUTORS, FINGERPRINT_COMMAND, defaultOutputPath } from '../constants';
import type { ChartCrdsConfig, RemoteResourcePolicy, TargetNames } from './plugin-options';

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
  readonly kustomize?: string;
  readonly helm?: string;
  /** Files the reference overlay (verify.referenceOverlay) reads, workspace-relative. */
  readonly referenceOverlayFiles?: readonly string[];
  readonly remoteResources: RemoteResourcePolicy;
}

const shellQuote = (value: string): string => (/^[\w./:@=-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`);

function fingerprint(...args: string[]): { runtime: string } {
  return { runtime: [FINGERPRINT_COMMAND, ...args.map(shellQuote)].join(' ') };
}

/**
 * The targets of one chart project. Pure: everything it needs (the kustomization's file set included) is
 * passed in, so it is tested without a workspace.
 */
export function chartTargets(request: ChartTargetsRequest): Record<string, TargetConfiguration> {
  const { chart, config, names, projectName } = request;
  const directory = crdDirectory({ placement: config.placement ?? 'crds', directory: config.directory, fileName: '' });
  const remote = request.remoteReferences.length > 0;
  const uncached = remote && request.remoteResources === 'uncached';
  const helmCrdsOptions = Object.fromEntries(
    Object.entries({
      chart,
      placement: config.placement,
      directory: config.directory,
      fileName: config.fileName,
      include: config.include,
      exclude: config.exclude,
      unmanaged: config.unmanaged,
      allowEmpty: config.allowEmpty,
      namespaceTemplate: config.namespaceTemplate,
      installValue: config.installValue,
      keep: config.keep,
      sharedGuard: config.sharedGuard,
      allowCrdRemoval: config.allowCrdRemoval,
    }).filter(([, value]) => value !== undefined),
  );
  const verifyOptions = Object.fromEntries(
    Object.entries({ ...config.verify, helmBinary: request.helm }).filter(([, value]) => value !== undefined),
  );
  const kustomizeOptions = Object.fromEntries(
    Object.entries({
      kustomization: config.kustomization,
      kustomize: request.kustomize,
      args: config.args,
      enableHelm: config.enableHelm,
      enableAlphaPlugins: config.enableAlphaPlugins,
      enableExec: config.enableExec,
      loadRestrictor: config.loadRestrictor,
      allowRemoteResources: uncached ? true : undefined,
    }).filter(([, value]) => value !== undefined),
  );
  const help = (target: string) => ({ command: `npx nx run ${projectName}:${target} --help`, example: {} });

  return {
    [names.kustomizeBuild]: {
      executor: EXECUTORS.kustomizeBuild,
      options: kustomizeOptions,
      cache: !uncached,
      inputs: [
        ...request.kustomizationFiles.map((file) => `{workspaceRoot}/${file}`),
        request.kustomize ? fingerprint('--kustomize', request.kustomize) : fingerprint('--kustomize'),
      ],
      outputs: [`{workspaceRoot}/${defaultOutputPath(projectName, 'kustomize.yaml')}`],
      metadata: {
        technologies: ['kustomize'],
        description: request.graphProblem
          ? `Render ${config.kustomization} with kustomize (its input files could not be read: ${request.graphProblem})`
          : uncached
            ? `Render ${config.kustomization} with kustomize (never cached: it references remote resources ${request.remoteReferences.join(', ')})`
            : `Render ${config.kustomization} with kustomize; cached on the ${request.kustomizationFiles.length} files it reads and the kustomize version`,
        help: help(names.kustomizeBuild),
      },
    },
    [names.helmCrds]: {
      executor: EXECUTORS.helmCrds,
      dependsOn: [names.kustomizeBuild],
      options: helmCrdsOptions,
      configurations: { check: { check: true, checkReport: defaultOutputPath(projectName, `${names.helmCrds}-check.json`) } },
      cache: true,
      inputs: [{ dependentTasksOutputFiles: '**/*.yaml' }, fingerprint('--chart', chart)],
      outputs: [
        `{workspaceRoot}/${defaultOutputPath(projectName, `${names.helmCrds}.json`)}`,
        // A check run writes nothing to the chart, so its only output is its report: restoring the chart
        // folder from a cached check would hide a broken commit.
        `{options.checkReport ?? {workspaceRoot}/${posix.join(chart, directory)}}`,
      ],
      metadata: {
        technologies: ['helm'],
        description: `Write the CRDs of ${config.kustomization} into ${posix.join(chart, directory)}/, one file per CRD (check: list what would change)`,
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
        { dependentTasksOutputFiles: '**/*.yaml', transitive: true },
        ...[...(config.verify?.values ?? []), ...(request.referenceOverlayFiles ?? [])].map((file) => `{workspaceRoot}/${file}`),
        config.verify?.helm === 'never'
          ? fingerprint('--chart-files', chart)
          : fingerprint('--chart-files', chart, ...(request.helm ? ['--helm', request.helm] : ['--helm'])),
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
      // `nx affected -t crds` selects this task by its own inputs: the chart's files (so a hand edit of a
      // committed CRD is checked in CI), and the outputs of the steps it runs (so every file the
      // kustomization reads reaches it through kustomize-build). Nx reads file inputs when the command
      // starts, so the run after one that rewrote the chart re-runs this no-op once.
      inputs: ['{projectRoot}/**/*', { dependentTasksOutputFiles: '**/*', transitive: true }],
      metadata: {
        technologies: ['helm', 'kustomize'],
        description: `Keep ${chart} CRDs identical to kustomize build ${config.kustomization}: build, write, verify (-c check in CI: write nothing, fail on drift)`,
      },
    },
    [names.watch]: {
      executor: EXECUTORS.watch,
      continuous: true,
      options: { target: names.crds },
      metadata: {
        technologies: ['helm', 'kustomize'],
        description: `Re-run ${names.crds} whenever a file of ${config.kustomization} changes (local development)`,
        help: help(names.watch),
      },
    },
  };
}
