import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, it } from 'node:test';

const SOURCE_ROOT = join(__dirname, '..', '..', '..', 'src');
const YAML_IMPORT = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"](?:yaml|js-yaml)(?:\/[^'"]*)?['"]/;

describe('the YAML reader policy', () => {
  it('keeps every YAML library import inside core/yaml (tests may use one as an independent oracle)', () => {
    const offenders = readdirSync(SOURCE_ROOT, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
      .map((entry) => relative(SOURCE_ROOT, join(entry.parentPath ?? entry.path, entry.name)).split(sep).join('/'))
      .filter((path) => !path.startsWith('core/yaml/') && YAML_IMPORT.test(readFileSync(join(SOURCE_ROOT, path), 'utf8')));
    assert.deepEqual(offenders, []);
  });
});
