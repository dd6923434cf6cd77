import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { architectureViolations, importsOf, type Violation } from './testing/architecture';
import { tempFolders } from './testing/temp-folder';

// Compiled to dist/architecture.test.js; the rules are checked on the TypeScript sources next to dist.
const sourceRoot = join(__dirname, '..', 'src');

const describeViolations = (violations: Violation[]) => violations.map((v) => `${v.file}:${v.line} imports '${v.specifier}': ${v.rule}`).join('\n');

describe('architecture of packages/nx-helm-crds/src', () => {
  it('core imports neither nx nor @nx/*, nor executors, plugin or generators; no executor imports another; only core/yaml imports a YAML library', () => {
    const violations = architectureViolations(sourceRoot);
    assert.equal(violations.length, 0, describeViolations(violations));
  });

  it('reads the real sources: the core and the executors are there, with imports', () => {
    // Guards against a checker that passes because it looked at an empty or wrong folder.
    const files = ['core/kustomize/client.ts', 'executors/helm-crds/executor.ts'];
    for (const file of files) assert.ok(importsOf(file, readFileSync(join(sourceRoot, file), 'utf8')).length > 0, file);
  });
});

describe('architectureViolations on a synthetic tree', () => {
  const tree = tempFolders('architecture');

  const found = (root: string) => architectureViolations(root).map(({ file, specifier, rule }) => ({ file, specifier, rule }));

  it('names a core file that imports nx or @nx/* statically, with import(), require() or a type', () => {
    const root = tree({
      'core/a/static.ts': "import { logger } from '@nx/devkit';\n",
      'core/a/deep.ts': "export { readJsonFile } from 'nx/src/utils/fileutils';\n",
      'core/b/dynamic.ts': "export async function load() { return import('@nx/devkit/internal'); }\n",
      'core/b/required.ts': "const devkit = require('nx');\nexport default devkit;\n",
      'core/b/typed.ts': "import type { ExecutorContext } from '@nx/devkit';\nexport type C = ExecutorContext;\n",
      'core/b/type-query.ts': "export type G = import('nx/src/config/project-graph').ProjectGraph;\n",
      'core/b/fine.ts': "import { minimatch as load } from 'minimatch';\nimport { join } from 'node:path';\nimport { nxLike } from './nx';\nexport { load, join, nxLike };\n",
      'core/b/nx.ts': 'export const nxLike = 1;\n',
    });
    const rule = 'core must not import nx or @nx/*';
    assert.deepEqual(found(root), [
      { file: 'core/a/deep.ts', specifier: 'nx/src/utils/fileutils', rule },
      { file: 'core/a/static.ts', specifier: '@nx/devkit', rule },
      { file: 'core/b/dynamic.ts', specifier: '@nx/devkit/internal', rule },
      { file: 'core/b/required.ts', specifier: 'nx', rule },
      { file: 'core/b/type-query.ts', specifier: 'nx/src/config/project-graph', rule },
      { file: 'core/b/typed.ts', specifier: '@nx/devkit', rule },
    ]);
  });

  it('resolves relative specifiers: names a core file reaching executors, plugin or generators, at any depth', () => {
    const root = tree({
      'core/top.ts': "import { x } from '../executors/shared/batch';\nexport { x };\n",
      'core/a/b/deep.ts': "import '../../../plugin/create-nodes';\n",
      'core/a/lazy.ts': "export const g = () => require('../../generators/chart/generator');\n",
      // Looks like the layer by name but stays inside core: not a violation.
      'core/a/plugin.ts': "import { y } from './executors/thing';\nexport { y };\n",
      'core/a/executors/thing.ts': "import { z } from '../../../core/b/z';\nexport const y = z;\n",
      'core/b/z.ts': 'export const z = 1;\n',
      'plugin/create-nodes.ts': "import { z } from '../core/b/z';\nimport { logger } from '@nx/devkit';\nexport { z, logger };\n",
    });
    assert.deepEqual(found(root), [
      { file: 'core/a/b/deep.ts', specifier: '../../../plugin/create-nodes', rule: 'core must not import src/plugin' },
      { file: 'core/a/lazy.ts', specifier: '../../generators/chart/generator', rule: 'core must not import src/generators' },
      { file: 'core/top.ts', specifier: '../executors/shared/batch', rule: 'core must not import src/executors' },
    ]);
  });

  it('names an executor importing another executor, allowing executors/shared and option types', () => {
    const root = tree({
      'executors/verify/executor.ts': [
        "import { writeChartCrds } from '../helm-crds/executor';",
        "import type { HelmCrdsExecutorSchema } from '../helm-crds/schema';",
        "import { batch } from '../shared/batch';",
        "import { local } from './lib/local';",
        'export { writeChartCrds, batch, local };',
        'export type S = HelmCrdsExecutorSchema;',
      ].join('\n'),
      'executors/verify/lib/local.ts': "export const local = () => import('../../kustomize-build/executor');\n",
      'executors/watch/executor.ts': "import type { Log } from '../kustomize-build/log';\nimport { s } from '../kustomize-build/schema';\nexport type L = Log;\nexport { s };\n",
      'executors/shared/batch.ts': "import { build } from '../kustomize-build';\nexport const batch = build;\n",
    });
    assert.deepEqual(found(root), [
      { file: 'executors/shared/batch.ts', specifier: '../kustomize-build', rule: 'executor shared must not import executor kustomize-build' },
      { file: 'executors/verify/executor.ts', specifier: '../helm-crds/executor', rule: 'executor verify must not import executor helm-crds' },
      { file: 'executors/verify/lib/local.ts', specifier: '../../kustomize-build/executor', rule: 'executor verify must not import executor kustomize-build' },
      // A type that is not the option type, and a value from a schema module, are both coupling.
      { file: 'executors/watch/executor.ts', specifier: '../kustomize-build/log', rule: 'executor watch must not import executor kustomize-build' },
      { file: 'executors/watch/executor.ts', specifier: '../kustomize-build/schema', rule: 'executor watch must not import executor kustomize-build' },
    ]);
  });

  it('refuses a computed specifier in core, which it cannot check', () => {
    const root = tree({ 'core/a/computed.ts': "const name = 'nx';\nexport const m = () => import(name);\n" });
    assert.deepEqual(found(root), [{ file: 'core/a/computed.ts', specifier: '<computed>', rule: 'core: a computed module specifier cannot be checked' }]);
  });

  it('gives the line of the import', () => {
    const root = tree({ 'core/a.ts': "import { join } from 'node:path';\n\nimport { logger } from '@nx/devkit';\nexport { join, logger };\n" });
    assert.deepEqual(architectureViolations(root).map(({ line }) => line), [3]);
  });

  it('names a file outside core/yaml that imports a YAML library (tests may, as an oracle)', () => {
    const root = tree({
      'core/yaml/documents.ts': "import type * as Yaml from 'yaml';\nconst yaml = () => require('js-yaml');\nexport { yaml };\nexport type Y = Yaml.Document;\n",
      'core/chart/reader.ts': "import { parseDocument } from 'yaml';\nexport { parseDocument };\n",
      'plugin/lazy.ts': "export const yaml = () => require('js-yaml/dist/js-yaml.js');\n",
      'core/chart/reader.test.ts': "import { parse } from 'yaml';\nexport { parse };\n",
    });
    const rule = 'only core/yaml imports a YAML library';
    assert.deepEqual(found(root), [
      { file: 'core/chart/reader.ts', specifier: 'yaml', rule },
      { file: 'plugin/lazy.ts', specifier: 'js-yaml/dist/js-yaml.js', rule },
    ]);
  });
});
