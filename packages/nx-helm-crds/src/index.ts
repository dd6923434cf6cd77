// The package is an Nx plugin: Nx loads this module in a plugin worker for every project graph, so it brings
// only createNodes, whose heavy parts load when inference needs them. The executors and generators are
// reached through executors.json and generators.json; the core is internal.
export { createNodes } from './plugin/create-nodes';
export type { NxHelmCrdsPluginOptions, ChartCrdsConfig } from './plugin/plugin-options';
