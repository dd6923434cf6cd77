import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PINNED_TOOLS, skipWithoutPinned } from './pinned-tools';

describe('skipWithoutPinned', () => {
  const missing = `${PINNED_TOOLS.kubectl}-does-not-exist`;

  it('fails under CI=true when the pinned binary is missing, instead of skipping', () => {
    assert.throws(() => skipWithoutPinned('kubectl', { CI: 'true' }, missing), /CI=true and .*kubectl-does-not-exist is missing: run `node tools\/fetch-binaries\.mjs`/);
  });

  it('skips with what to do outside CI', () => {
    assert.match(String(skipWithoutPinned('kubectl', {}, missing)), /is missing: run `node tools\/fetch-binaries\.mjs` \(linux-x64\), or follow what it prints/);
  });
});
