import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TaskTiming } from './task-timing';

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe('TaskTiming', () => {
  it('splits the time between the tools waited for and our own processing, and adds the peak memory', async () => {
    const timing = new TaskTiming();
    busy(30);
    const value = await timing.measure('kustomize', async () => {
      await new Promise((resolve) => setTimeout(resolve, 60));
      return 'rendered';
    });
    assert.equal(value, 'rendered');
    timing.include('helm template');
    const match = /^timing: kustomize (\d+) ms, nx-helm-crds (\d+) ms \(helm template included\), peak memory (\d+) MB$/.exec(timing.summary());
    assert.ok(match, timing.summary());
    const [, tool, own, peak] = match.map(Number);
    assert.ok(tool >= 55 && tool < 1000, `kustomize ${tool} ms`);
    assert.ok(own >= 25 && own < tool, `own ${own} ms`);
    assert.ok(peak > 10, `peak ${peak} MB`);
  });

  it('counts a tool that fails, and names only our processing when no tool ran', async () => {
    const timing = new TaskTiming();
    await assert.rejects(timing.measure('helm', async () => Promise.reject(new Error('no chart'))), /no chart/);
    assert.match(timing.summary(), /^timing: helm \d+ ms, nx-helm-crds \d+ ms, peak memory \d+ MB$/);
    assert.match(new TaskTiming().summary(), /^timing: nx-helm-crds \d+ ms, peak memory \d+ MB$/);
  });
});
