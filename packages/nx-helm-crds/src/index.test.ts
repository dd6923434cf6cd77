import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

describe('the package entry', () => {
  it('loads only the createNodes glue: the YAML readers, minimatch and the chart model wait until inference needs them', () => {
    // A fresh process, as Nx's plugin worker is: what requiring the entry adds to the module cache.
    const script = `const before = new Set(Object.keys(require.cache)); const entry = require(${JSON.stringify(join(__dirname, 'index.js'))});
      console.log(JSON.stringify({ exports: Object.keys(entry), loaded: Object.keys(require.cache).filter((path) => !before.has(path)) }));`;
    const { exports, loaded } = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as { exports: string[]; loaded: string[] };
    assert.deepEqual(exports, ['createNodes']);
    const heavy = loaded.filter((path) => /node_modules[\\/](yaml|js-yaml|minimatch)[\\/]|[\\/]dist[\\/]core[\\/](chart|crd|verify|helm|yaml|kustomize)[\\/]/.test(path));
    assert.deepEqual(heavy, []);
    assert.ok(loaded.some((path) => path.endsWith(join('plugin', 'create-nodes.js'))), 'the entry does load createNodes');
  });
});
