import { formatFiles, joinPathFragments, type Tree } from '@nx/devkit';
import { crdDirectory } from '../../core/chart/plan';
import { KUSTOMIZATION_FILE_NAMES } from '../../core/kustomize/file-names';
import { UserError } from '../../core/shared/errors';
import { normalizeChartDirectory, type ChartCrdsConfig } from '../../plugin/plugin-options';
import { ensurePluginRegistered, updatePluginOptions } from '../init/generator';
import type { ChartGeneratorSchema } from './schema';

function validate(tree: Tree, chart: string, kustomization: string): void {
  if (!tree.exists(joinPathFragments(chart, 'Chart.yaml'))) {
    throw new UserError(`${chart}/Chart.yaml does not exist: --chart must be the folder that holds the chart's Chart.yaml.`);
  }
  if (!KUSTOMIZATION_FILE_NAMES.some((file) => tree.exists(joinPathFragments(kustomization, file)))) {
    throw new UserError(`${kustomization} has no kustomization.yaml: --kustomization must be the folder you would pass to \`kustomize build\`.`);
  }
}

/** Wires one chart: an entry in the plugin options, from which the chart's targets are inferred. */
export async function chartGenerator(tree: Tree, schema: ChartGeneratorSchema): Promise<void> {
  const chart = normalizeChartDirectory(schema.chart);
  const kustomization = normalizeChartDirectory(schema.kustomization);
  validate(tree, chart, kustomization);
  const config: ChartCrdsConfig = Object.fromEntries(
    Object.entries({
      kustomization,
      placement: schema.placement,
      directory: schema.directory,
      fileName: schema.fileName,
      include: schema.include,
      exclude: schema.exclude,
      unmanaged: schema.unmanaged,
      generate: schema.generate,
    }).filter(([, value]) => value !== undefined),
  ) as unknown as ChartCrdsConfig;
  crdDirectory({ placement: config.placement ?? 'crds', directory: config.directory, fileName: '' });

  const options = ensurePluginRegistered(tree);
  const charts = Object.fromEntries(Object.entries(options.charts ?? {}).filter(([directory]) => normalizeChartDirectory(directory) !== chart));
  updatePluginOptions(tree, { ...options, charts: { ...charts, [chart]: config } });
  if (!schema.skipFormat) await formatFiles(tree);
}

export default chartGenerator;
