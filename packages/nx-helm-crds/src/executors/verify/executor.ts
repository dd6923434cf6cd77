import { logger, type ExecutorContext } from '@nx/devkit';
import { writeFileAtomically } from '../../core/atomic-files';
import { readChartFiles } from '../../core/chart-files';
import { readKustomizeCrds, requireChart } from '../../core/chart-sync';
import { formatVerificationReport, verifyChartCrds } from '../../core/chart-verification';
import { describeError } from '../../core/errors';
import { resolveInWorkspace } from '../../core/workspace-paths';
import type { HelmCrdsExecutorSchema } from '../helm-crds/schema';
import { kustomizeOutputFile } from '../kustomize-build/executor';
import type { KustomizeBuildExecutorSchema } from '../kustomize-build/schema';
import { EXECUTORS, defaultOutputPath } from '../../constants';
import { siblingTargetOptions } from '../shared/sibling-targets';
import type { VerifyExecutorSchema } from './schema';

export default async function verifyExecutor(options: VerifyExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  try {
    const project = context.projectName!;
    const helmCrds = siblingTargetOptions<HelmCrdsExecutorSchema>(context, EXECUTORS.helmCrds, options.helmCrdsTarget);
    const build = siblingTargetOptions<KustomizeBuildExecutorSchema>(context, EXECUTORS.kustomizeBuild, helmCrds.options.buildTarget);
    const outputFile = kustomizeOutputFile(build.options, project);
    const chartDirectory = resolveInWorkspace(context.root, helmCrds.options.chart, 'chart');
    requireChart(chartDirectory, helmCrds.options.chart);

    const kustomizeCrds = readKustomizeCrds(resolveInWorkspace(context.root, outputFile, 'outputFile'), outputFile);
    const report = verifyChartCrds(kustomizeCrds, readChartFiles(chartDirectory), helmCrds.options);
    const reportFile = options.report ?? defaultOutputPath(project, `${context.targetName}.json`);
    writeFileAtomically(
      resolveInWorkspace(context.root, reportFile, 'report'),
      `${JSON.stringify({ chart: helmCrds.options.chart, kustomization: build.options.kustomization, ...report }, null, 2)}\n`,
    );

    logger.info(`verify ${helmCrds.options.chart} against kustomize build ${build.options.kustomization}`);
    const text = formatVerificationReport(report);
    if (report.inSync) {
      logger.info(text);
      return { success: true };
    }
    logger.error(text);
    logger.error(
      `${helmCrds.options.chart} does not match Kustomize. Run \`nx run ${project}:${helmCrds.target}\` to regenerate the chart's CRDs, ` +
        'or fix the hand-maintained files listed above.',
    );
    return { success: false };
  } catch (error) {
    logger.error(describeError(error));
    return { success: false };
  }
}
