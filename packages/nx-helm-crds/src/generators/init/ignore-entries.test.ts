import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appendIgnoreEntries, missingIgnoreEntries } from './ignore-entries';

describe('missingIgnoreEntries', () => {
  const entries = ['/dist/nx-helm-crds/', '/.nx/cache/', '/.nx/workspace-data/', '/node_modules/'];

  it('keeps every entry for an empty .gitignore', () => {
    assert.deepEqual(missingIgnoreEntries('', entries), entries);
  });

  it('treats a plain line for the path or a folder above it as covering it, with or without slashes', () => {
    assert.deepEqual(missingIgnoreEntries('.nx\nnode_modules/\n/dist/nx-helm-crds\n', entries), []);
    assert.deepEqual(missingIgnoreEntries('.nx/cache\r\n', entries), ['/dist/nx-helm-crds/', '/.nx/workspace-data/', '/node_modules/']);
  });

  it("does not count kubebuilder's committed dist/ files, comments, negations or globs as covering it", () => {
    assert.deepEqual(missingIgnoreEntries('# dist\ndist/install.yaml\n!dist/\n*.tgz\nbin/*\n', ['/dist/nx-helm-crds/']), ['/dist/nx-helm-crds/']);
  });
});

describe('appendIgnoreEntries', () => {
  it('appends under a comment after one blank line, keeping CRLF line endings', () => {
    assert.equal(appendIgnoreEntries('bin/\n', ['/a/']), 'bin/\n\n# Nx and nx-helm-crds: caches and build outputs, never committed\n/a/\n');
    assert.equal(appendIgnoreEntries('bin/', ['/a/']), 'bin/\n\n# Nx and nx-helm-crds: caches and build outputs, never committed\n/a/\n');
    assert.equal(appendIgnoreEntries('bin/\r\n', ['/a/']), 'bin/\r\n\r\n# Nx and nx-helm-crds: caches and build outputs, never committed\r\n/a/\r\n');
    assert.equal(appendIgnoreEntries('', ['/a/']), '# Nx and nx-helm-crds: caches and build outputs, never committed\n/a/\n');
    assert.equal(appendIgnoreEntries('bin/\n', []), 'bin/\n');
  });
});
