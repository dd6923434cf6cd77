import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { batchOf, type BatchTaskResult, type TaskRun } from './batch';

function taskGraph(ids: string[], dependencies: Record<string, string[]> = {}): TaskGraph {
  const tasks = Object.fromEntries(
    ids.map((id) => {
      const [project, target, configuration] = id.split(':');
      return [id, { id, target: { project, target, configuration }, overrides: {}, outputs: [], parallelism: true }];
    }),
  );
  return {
    roots: ids.filter((id) => !dependencies[id]?.length),
    tasks,
    dependencies: Object.fromEntries(ids.map((id) => [id, (dependencies[id] ?? []).map((dependency) => ({ id: dependency }))])),
    continuousDependencies: {},
  } as unknown as TaskGraph;
}

const context = { root: '/workspace', cwd: '/workspace', isVerbose: false } as ExecutorContext;

async function collect(results: AsyncGenerator<BatchTaskResult>): Promise<BatchTaskResult[]> {
  const collected: BatchTaskResult[] = [];
  for await (const result of results) collected.push(result);
  return collected;
}

describe('batchOf', () => {
  it('runs each task with its own options, context and captured output', async () => {
    const run: TaskRun<{ say: string }> = async (options, taskContext, log) => {
      log.info(`${taskContext.projectName}:${taskContext.targetName}:${taskContext.configurationName ?? '-'} says ${options.say}`);
      log.error('and an error line');
      return taskContext.projectName !== 'b';
    };
    const results = await collect(batchOf(run)(taskGraph(['a:build', 'b:build:check']), { 'a:build': { say: 'hi' }, 'b:build:check': { say: 'ho' } }, {}, context));
    const byTask = Object.fromEntries(results.map(({ task, result }) => [task, result]));
    assert.equal(byTask['a:build'].success, true);
    assert.match(byTask['a:build'].terminalOutput, /^a:build:- says hi\nand an error line\ntiming: nx-helm-crds \d+ ms, peak memory \d+ MB\n$/);
    assert.equal(byTask['b:build:check'].success, false);
    assert.match(byTask['b:build:check'].terminalOutput, /^b:build:check says ho\nand an error line\ntiming: /);
  });

  it('runs at most `concurrency` tasks at once and reports each as it finishes', async () => {
    let running = 0;
    let most = 0;
    // a finishes only when the test says so (after d), so the order is decided by the batch, not by timers.
    let finishA!: () => void;
    const aDone = new Promise<void>((resolve) => (finishA = resolve));
    const run: TaskRun<{ last?: boolean }> = async (options, taskContext) => {
      running++;
      most = Math.max(most, running);
      if (taskContext.projectName === 'a') await aDone;
      else await Promise.resolve();
      running--;
      if (options.last) finishA();
      return true;
    };
    const ids = ['a:t', 'b:t', 'c:t', 'd:t'];
    const results = await collect(batchOf(run, 2)(taskGraph(ids), { 'a:t': {}, 'b:t': {}, 'c:t': {}, 'd:t': { last: true } }, {}, context));
    assert.equal(most, 2);
    assert.deepEqual(results.map((result) => result.task), ['b:t', 'c:t', 'd:t', 'a:t']);
  });

  it('runs a task after the batch tasks it depends on, and not at all when one failed', async () => {
    const order: string[] = [];
    const run: TaskRun<Record<string, never>> = async (_options, taskContext) => {
      order.push(taskContext.projectName!);
      return taskContext.projectName !== 'broken';
    };
    const graph = taskGraph(['late:t', 'early:t', 'broken:t', 'blocked:t'], { 'late:t': ['early:t', 'outside:t'], 'blocked:t': ['broken:t'] });
    const results = await collect(batchOf(run)(graph, {}, {}, context));
    assert.ok(order.indexOf('early') < order.indexOf('late'), order.join(' '));
    assert.ok(!order.includes('blocked'));
    const blocked = results.find((result) => result.task === 'blocked:t')!.result;
    assert.equal(blocked.success, false);
    assert.equal(blocked.terminalOutput, 'Not run: broken:t failed.\n');
  });

  it('turns a task that throws into a failed task with the error, and goes on with the others', async () => {
    const run: TaskRun<Record<string, never>> = async (_options, taskContext) => {
      if (taskContext.projectName === 'a') throw new Error('boom');
      return true;
    };
    const results = await collect(batchOf(run)(taskGraph(['a:t', 'b:t']), {}, {}, context));
    const a = results.find((result) => result.task === 'a:t')!.result;
    assert.equal(a.success, false);
    assert.match(a.terminalOutput, /^Error: boom\n/);
    assert.match(a.terminalOutput, /\ntiming: nx-helm-crds \d+ ms, peak memory \d+ MB\n$/, 'the timing line ends a failed task too');
    assert.equal(results.find((result) => result.task === 'b:t')!.result.success, true);
  });
});

describe('every task first recovers its chart from an interrupted write', () => {
  it('removes the staging files a killed run left in the chart, and says so, before the task runs', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'nx-helm-crds-batch-recover-'));
    try {
      mkdirSync(join(workspace, 'charts/demo/crds'), { recursive: true });
      writeFileSync(join(workspace, 'charts/demo/Chart.yaml'), 'apiVersion: v2\nname: demo\nversion: 0.1.0\n');
      writeFileSync(join(workspace, 'charts/demo/crds/.a.yaml.nx-helm-crds-staging-999-abcd'), 'left by a killed run');
      const seen: string[][] = [];
      const run: TaskRun<Record<string, never>> = async () => {
        seen.push(readdirSync(join(workspace, 'charts/demo/crds')));
        return true;
      };
      const chartContext = { ...context, root: workspace, projectsConfigurations: { version: 2, projects: { demo: { root: 'charts/demo' } } } } as ExecutorContext;
      const [result] = await collect(batchOf(run)(taskGraph(['demo:verify']), {}, {}, chartContext));
      assert.equal(result.result.success, true);
      assert.match(result.result.terminalOutput, /^charts\/demo: removed 1 staging file\(s\) that interrupted runs left\.\ntiming: /);
      assert.deepEqual(seen, [[]]);

      writeFileSync(join(workspace, 'charts/demo/.nx-helm-crds-journal.json'), 'not json');
      const [failed] = await collect(batchOf(run)(taskGraph(['demo:verify']), {}, {}, chartContext));
      assert.equal(failed.result.success, false);
      assert.match(failed.result.terminalOutput, /^.*\.nx-helm-crds-journal\.json \(the record of an interrupted nx-helm-crds write\) is not valid JSON/);
      assert.doesNotMatch(failed.result.terminalOutput, /timing: /, 'a task that never ran has no timing line');
      assert.equal(seen.length, 1, 'the task does not run on a chart that could not be recovered');
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  });
});
