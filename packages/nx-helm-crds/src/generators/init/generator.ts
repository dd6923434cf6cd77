import { formatFiles, readNxJson, updateNxJson, writeJson, type NxJsonConfiguration, type Tree } from '@nx/devkit';
import { OUTPUT_ROOT, PLUGIN_NAME } from '../../constants';
import type { NxHelmCrdsPluginOptions } from '../../plugin/plugin-options';
import { appendIgnoreEntries, missingIgnoreEntries } from './ignore-entries';
import type { InitGeneratorSchema } from './schema';

type PluginEntry = string | { plugin: string; options?: unknown };

const isOurPlugin = (entry: PluginEntry) => (typeof entry === 'string' ? entry : entry.plugin) === PLUGIN_NAME;

const NX_SCHEMA = 'node_modules/nx/schemas/nx-schema.json';

/**
 * nx.json, created when the repository has none (a Go repository that just added nx): without it Nx keeps
 * its cache outside the repository and the generators have nowhere to register the plugin.
 */
function readOrCreateNxJson(tree: Tree): NxJsonConfiguration {
  const existing = tree.exists('nx.json') ? readNxJson(tree) : null;
  if (existing) return existing;
  const created: NxJsonConfiguration = { ...(tree.exists(NX_SCHEMA) ? { $schema: `./${NX_SCHEMA}` } : {}), cacheDirectory: '.nx/cache' };
  writeJson(tree, 'nx.json', created);
  return created;
}

/**
 * What a run leaves in the repository that must not be committed: the targets' outputs (precisely, since
 * kubebuilder repositories commit other files under dist/), Nx's cache and workspace data, and the
 * installed packages of either install mode.
 */
function ignoreGeneratedFiles(tree: Tree, nxJson: NxJsonConfiguration): void {
  const entries = [
    `/${OUTPUT_ROOT}/`,
    '/.nx/cache/',
    '/.nx/workspace-data/',
    ...(nxJson.installation ? ['/.nx/installation/'] : []),
    ...(tree.exists('package.json') ? ['/node_modules/'] : []),
  ];
  const gitignore = tree.exists('.gitignore') ? tree.read('.gitignore', 'utf-8')! : '';
  const missing = missingIgnoreEntries(gitignore, entries);
  if (missing.length > 0) tree.write('.gitignore', appendIgnoreEntries(gitignore, missing));
}

/**
 * Registers the plugin in nx.json (once, creating nx.json and the .gitignore entries if needed) and returns
 * its options, for generators that extend them.
 */
export function ensurePluginRegistered(tree: Tree): NxHelmCrdsPluginOptions {
  const nxJson = readOrCreateNxJson(tree);
  const plugins = (nxJson.plugins ?? []) as PluginEntry[];
  const existing = plugins.find(isOurPlugin);
  if (existing && typeof existing !== 'string') return (existing.options ?? {}) as NxHelmCrdsPluginOptions;
  const entry = { plugin: PLUGIN_NAME, options: { charts: {} } };
  nxJson.plugins = [...plugins.filter((plugin) => !isOurPlugin(plugin)), entry];
  updateNxJson(tree, nxJson);
  ignoreGeneratedFiles(tree, nxJson);
  return entry.options;
}

/** Replaces the plugin's options in nx.json. */
export function updatePluginOptions(tree: Tree, options: NxHelmCrdsPluginOptions): void {
  ensurePluginRegistered(tree);
  const nxJson = readNxJson(tree)!;
  nxJson.plugins = (nxJson.plugins as PluginEntry[]).map((entry) => (isOurPlugin(entry) ? { plugin: PLUGIN_NAME, options } : entry));
  updateNxJson(tree, nxJson);
}

/** What `nx add nx-helm-crds` runs after installing the package (as `nx g nx-helm-crds:init`). */
export async function initGenerator(tree: Tree, schema: InitGeneratorSchema = {}): Promise<void> {
  ensurePluginRegistered(tree);
  ignoreGeneratedFiles(tree, readNxJson(tree)!);
  if (!schema.skipFormat) await formatFiles(tree);
}

export default initGenerator;
