import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TaskTiming } from './task-timing';

/** A clock the test moves by hand. */
function manualClock() {
  let now = 1000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('TaskTiming', () => {
  it('splits the time between the tools waited for and our own processing, and adds the peak memory', async () => {
    const clock = manualClock();
    const timing = new TaskTiming(clock.now);
    clock.advance(30);
    const value = await timing.measure('kustomize', async () => {
      clock.advance(600);
      return 'rendered';
    });
    await timing.measure('kustomize', async () => clock.advance(12));
    clock.advance(5);
    assert.equal(value, 'rendered');
    timing.include('helm template');
    const match = /^timing: kustomize 612 ms, nx-helm-crds 35 ms \(helm template included\), peak memory (\d+) MB$/.exec(timing.summary());
    assert.ok(match, timing.summary());
    assert.ok(Number(match[1]) > 10, `peak ${match[1]} MB is this process's peak RSS`);
  });

  it('counts a tool that fails, and names only our processing when no tool ran', async () => {
    const clock = manualClock();
    const timing = new TaskTiming(clock.now);
    await assert.rejects(
      timing.measure('helm', async () => {
        clock.advance(40);
        throw new Error('no chart');
      }),
      /no chart/,
    );
    clock.advance(2);
    assert.match(timing.summary(), /^timing: helm 40 ms, nx-helm-crds 2 ms, peak memory \d+ MB$/);
    const idle = manualClock();
    const nothing = new TaskTiming(idle.now);
    idle.advance(7);
    assert.match(nothing.summary(), /^timing: nx-helm-crds 7 ms, peak memory \d+ MB$/);
  });
});
