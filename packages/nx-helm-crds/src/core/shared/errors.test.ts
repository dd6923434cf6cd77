import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UserError, describeError } from './errors';

/** The error a real call throws. */
function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  assert.fail('expected an error');
}

describe('describeError', () => {
  it("prints a UserError's message, and a bug's stack", () => {
    assert.equal(describeError(new UserError('fix the option')), 'fix the option');
    assert.match(describeError(new TypeError('x is undefined')), /^TypeError: x is undefined\n\s+at /);
  });

  it('names the path and the problem of file system errors, without a stack', () => {
    const root = mkdtempSync(join(tmpdir(), 'nx-helm-crds-errors-'));
    try {
      const long = join(root, 'x'.repeat(300));
      assert.equal(describeError(thrownBy(() => writeFileSync(long, ''))), `Cannot open ${long}: the name is too long for the file system (255 bytes a name, 4096 a path): choose a shorter fileName, directory or path.`);
      assert.equal(describeError(thrownBy(() => statSync(join(root, 'missing')))), `Cannot read ${join(root, 'missing')}: no such file or folder.`);
      const loop = join(root, 'loop');
      spawnSync('ln', ['-s', loop, loop]);
      assert.match(describeError(thrownBy(() => statSync(loop))), new RegExp(`^Cannot read ${loop}: too many levels of symbolic links`));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('says which path holds a NUL character instead of printing a stack', () => {
    assert.equal(
      describeError(thrownBy(() => statSync('charts/demo/crds\0x'))),
      "A path contains a NUL character (\\0): 'charts/demo/crds\\x00x'. Paths cannot hold one: check the options (chart, directory, fileName, outputFile) and the CRD names it is built from.",
    );
  });

  it('reports a write beyond the file-size limit (ulimit -f) with the folder written to', () => {
    const root = mkdtempSync(join(tmpdir(), 'nx-helm-crds-efbig-'));
    try {
      const script = `const { writeFileAtomically } = require(${JSON.stringify(join(__dirname, '..', 'fs', 'atomic-files.js'))});
        const { describeError } = require(${JSON.stringify(join(__dirname, 'errors.js'))});
        try { writeFileAtomically(${JSON.stringify(join(root, 'kustomize.yaml'))}, 'x'.repeat(100000)); } catch (error) { console.log(describeError(error)); }`;
      const result = spawnSync('sh', ['-c', 'ulimit -f 8 && exec "$0" -e "$1"', process.execPath, script], { encoding: 'utf8' });
      assert.equal(result.stdout.trim(), `Cannot write in ${root}: the file is larger than this process may write (ulimit -f) or the file system allows: raise the limit. Nothing was changed.`, result.stderr);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
