import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isGitRepositoryReference, isHttpUrl, isRemoteBase, looksRemote } from './remote-references';

describe('remote references', () => {
  it('tells git references from local paths the way Kustomize v5 does', () => {
    const remote = [
      'github.com/org/repo',
      'github.com/org/repo//path?ref=v1',
      'https://github.com/org/repo',
      'https://git.example.com/org/repo.git//deploy?ref=main',
      'git@github.com:org/repo.git',
      'git@git.example.com:org/repo',
      'ssh://git@example.com/org/repo',
      'git::https://example.com/org/repo',
      'file:///srv/git/repo//deploy',
      'https://dev.azure.com/org/project/_git/repo/path',
    ];
    const local = ['../base', 'base', 'config/default', 'gitlab.com/org/repo', '../base?ref=v1', 'a//b', 'foo@bar', '/abs/path', 'https://example.com/file.yaml'];
    assert.deepEqual(remote.filter((reference) => !isGitRepositoryReference(reference)), []);
    assert.deepEqual(local.filter((reference) => isGitRepositoryReference(reference)), []);
  });

  it('fetches http(s) URLs, and takes OCI artifacts and git repositories as remote bases', () => {
    assert.equal(isHttpUrl('HTTPS://example.com/a.yaml'), true);
    assert.equal(isHttpUrl('example.com/a.yaml'), false);
    assert.deepEqual(['oci://registry.example.com/base', 'https://example.com/a.yaml', 'github.com/org/repo'].filter((reference) => !isRemoteBase(reference)), []);
    assert.equal(isRemoteBase('../base'), false);
  });

  it('notices local paths that look remote, for the hint in the missing-file message', () => {
    assert.deepEqual(['gitlab.com/org/repo?ref=v1', 'git@host', 'x/repo.git/base', 'ftp://host/x'].filter((reference) => !looksRemote(reference)), []);
    assert.deepEqual(['../base', 'config/crd', 'digit.yaml'].filter(looksRemote), []);
  });
});
