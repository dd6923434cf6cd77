import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PROGRESS_ENV, progressReporter, withProgress, type ProgressTimers } from './progress';

/** A clock that moves only when the test advances it, firing due timers in order: no test waits on real time. */
function manualClock(): ProgressTimers & { advance(ms: number): void; readonly pending: number } {
  let now = 0;
  let nextId = 0;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    now: () => now,
    setTimeout(callback, ms) {
      timers.set(++nextId, { at: now + ms, callback });
      return nextId;
    },
    clearTimeout: (handle) => void timers.delete(handle as number),
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, timer]) => timer.at <= end).sort(([, a], [, b]) => a.at - b.at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].callback();
      }
      now = end;
    },
    get pending() {
      return timers.size;
    },
  };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('withProgress', () => {
  it('says what is still running, and for how long: first after the delay, then once a period, and stops with the work', async () => {
    const clock = manualClock();
    const lines: string[] = [];
    const work = deferred<string>();
    const running = withProgress('helm template charts/op', work.promise, { print: (line) => lines.push(line), firstAfterMs: 5000, everyMs: 10000, timers: clock });
    clock.advance(4999);
    assert.deepEqual(lines, []);
    clock.advance(1);
    assert.deepEqual(lines, ['helm template charts/op still running (5 s)']);
    clock.advance(9999);
    assert.equal(lines.length, 1);
    clock.advance(10001);
    assert.deepEqual(lines.slice(1), ['helm template charts/op still running (15 s)', 'helm template charts/op still running (25 s)']);
    work.resolve('done');
    assert.equal(await running, 'done');
    assert.equal(clock.pending, 0, 'no timer left behind');
    clock.advance(60000);
    assert.equal(lines.length, 3);
  });

  it('prints nothing for work that ends before the delay, nor after work that fails, and leaves no timer', async () => {
    const clock = manualClock();
    const lines: string[] = [];
    const reporter = { print: (line: string) => lines.push(line), firstAfterMs: 1000, everyMs: 1000, timers: clock };
    const quick = deferred<void>();
    const running = withProgress('kustomize build config/crd', quick.promise, reporter);
    clock.advance(999);
    quick.resolve();
    await running;
    const failing = deferred<void>();
    const failed = withProgress('x', failing.promise, reporter);
    failing.reject(new Error('boom'));
    await assert.rejects(failed, /boom/);
    assert.equal(clock.pending, 0);
    clock.advance(10000);
    assert.deepEqual(lines, []);
  });

  it('takes the delay from the environment, else 5 s then every 10 s', () => {
    assert.deepEqual({ ...progressReporter(() => undefined, {}), print: undefined }, { print: undefined, firstAfterMs: 5000, everyMs: 10000 });
    assert.deepEqual({ ...progressReporter(() => undefined, { [PROGRESS_ENV]: '250' }), print: undefined }, { print: undefined, firstAfterMs: 250, everyMs: 500 });
    assert.equal(progressReporter(() => undefined, { [PROGRESS_ENV]: 'soon' }).firstAfterMs, 5000);
    assert.equal(progressReporter(() => undefined, { [PROGRESS_ENV]: '-5' }).firstAfterMs, 5000);
  });
});
