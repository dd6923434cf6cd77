import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const repoRoot = join(__dirname, '..', '..', '..', '..');

describe('executor schema types', () => {
  it('each committed schema.d.ts is what its schema.json generates', () => {
    const result = spawnSync(process.execPath, [join(repoRoot, 'tools', 'schema-types.mjs'), '--check'], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
  });
});
