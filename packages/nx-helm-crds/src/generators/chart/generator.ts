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
  // Every generator option but the chart (the entry's key) and skipFormat is a chart option of the same name;
  // those left unset are undefined, which nx.json (JSON) does not keep.
  const { chart: _chart, skipFormat: _skipFormat, ...chartOptions } = schema;
  const config: ChartCrdsConfig = { ...chartOptions, kustomization };
  crdDirectory({ placement: config.placement ?? 'crds', directory: config.directory, fileName: '' });

  const options = ensurePluginRegistered(tree);
  const charts = Object.fromEntries(Object.entries(options.charts ?? {}).filter(([directory]) => normalizeChartDirectory(directory) !== chart));
  updatePluginOptions(tree, { ...options, charts: { ...charts, [chart]: config } });
  if (!schema.skipFormat) await formatFiles(tree);
}

export default chartGenerator;
