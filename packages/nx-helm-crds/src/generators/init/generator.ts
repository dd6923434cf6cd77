import { formatFiles, readNxJson, updateNxJson, type Tree } from '@nx/devkit';
import { PLUGIN_NAME } from '../../constants';
import type { NxHelmCrdsPluginOptions } from '../../plugin/plugin-options';
import type { InitGeneratorSchema } from './schema';

type PluginEntry = string | { plugin: string; options?: unknown };

const isOurPlugin = (entry: PluginEntry) => (typeof entry === 'string' ? entry : entry.plugin) === PLUGIN_NAME;

/** Registers the plugin in nx.json (once) and returns its options, for generators that extend them. */
export function ensurePluginRegistered(tree: Tree): NxHelmCrdsPluginOptions {
  const nxJson = readNxJson(tree) ?? {};
  const plugins = (nxJson.plugins ?? []) as PluginEntry[];
  const existing = plugins.find(isOurPlugin);
  if (existing && typeof existing !== 'string') return (existing.options ?? {}) as NxHelmCrdsPluginOptions;
  const entry = { plugin: PLUGIN_NAME, options: { charts: {} } };
  nxJson.plugins = [...plugins.filter((plugin) => !isOurPlugin(plugin)), entry];
  updateNxJson(tree, nxJson);
  return entry.options;
}

/** Replaces the plugin's options in nx.json. */
export function updatePluginOptions(tree: Tree, options: NxHelmCrdsPluginOptions): void {
  ensurePluginRegistered(tree);
  const nxJson = readNxJson(tree)!;
  nxJson.plugins = (nxJson.plugins as PluginEntry[]).map((entry) => (isOurPlugin(entry) ? { plugin: PLUGIN_NAME, options } : entry));
  updateNxJson(tree, nxJson);
}

export async function initGenerator(tree: Tree, schema: InitGeneratorSchema = {}): Promise<void> {
  ensurePluginRegistered(tree);
  if (!schema.skipFormat) await formatFiles(tree);
}

export default initGenerator;
