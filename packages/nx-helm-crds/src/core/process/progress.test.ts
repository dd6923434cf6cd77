import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { PROGRESS_ENV, progressReporter, withProgress } from './progress';

describe('withProgress', () => {
  it('says what is still running, and for how long, while the work outlasts the delay', async () => {
    const lines: string[] = [];
    // Timers fire in order of expiry: the 10 ms reporter always fires before the 200 ms work ends.
    const value = await withProgress('helm template charts/op', sleep(200).then(() => 'done'), { print: (line) => lines.push(line), firstAfterMs: 10, everyMs: 40 });
    assert.equal(value, 'done');
    assert.ok(lines.length >= 2, lines.join('\n'));
    assert.match(lines[0], /^helm template charts\/op still running \(\d+ s\)$/);
  });

  it('prints nothing for work that ends before the delay, and stops with the work', async () => {
    const lines: string[] = [];
    await withProgress('kustomize build config/crd', sleep(5), { print: (line) => lines.push(line), firstAfterMs: 1000, everyMs: 1000 });
    await assert.rejects(withProgress('x', Promise.reject(new Error('boom')), { print: (line) => lines.push(line), firstAfterMs: 1000, everyMs: 1000 }), /boom/);
    await sleep(30);
    assert.deepEqual(lines, []);
  });

  it('takes the delay from the environment, else 5 s then every 10 s', () => {
    assert.deepEqual({ ...progressReporter(() => undefined, {}), print: undefined }, { print: undefined, firstAfterMs: 5000, everyMs: 10000 });
    assert.equal(progressReporter(() => undefined, { [PROGRESS_ENV]: '250' }).firstAfterMs, 250);
    assert.equal(progressReporter(() => undefined, { [PROGRESS_ENV]: 'soon' }).firstAfterMs, 5000);
  });
});
