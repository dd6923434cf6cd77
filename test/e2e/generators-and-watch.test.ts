import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CHART_CRDS, EXAMPLE, createWorkspace, nxEnv, type TestWorkspace } from './workspace';

const TRAINED_MODELS = `${CHART_CRDS}/serving.example.io_trainedmodels.yaml`;
const TRAINED_MODELS_BASE = `${EXAMPLE}/config/crd/bases/serving.example.io_trainedmodels.yaml`;
const IN_SYNC = /\[crds-watch\] chart:crds is in sync/;
const WATCHING = /\[crds-watch\] watching 8 files of examples\/operator\/config\/crd/;

describe('adopting the plugin with the generators', () => {
  let workspace: TestWorkspace;
  before(() => {
    // Adoption as a user does it: Nx loads the newly registered plugin its default way.
    workspace = createWorkspace({ isolatedPlugins: true });
    const nxJson = JSON.parse(workspace.read('nx.json'));
    delete nxJson.plugins;
    workspace.write('nx.json', JSON.stringify(nxJson, null, 2));
  });
  after(() => workspace.remove());

  it('init registers the plugin, chart wires the chart, and the chart then has the pipeline', () => {
    const before = workspace.nx(['show', 'project', 'chart', '--json']);
    assert.equal(JSON.parse(before.output.slice(before.output.indexOf('{'))).targets?.crds, undefined);

    const init = workspace.nx(['g', 'nx-helm-crds:init', '--no-interactive']);
    assert.equal(init.status, 0, init.output);
    assert.deepEqual(JSON.parse(workspace.read('nx.json')).plugins, [{ plugin: 'nx-helm-crds', options: { charts: {} } }]);

    const chart = workspace.nx(['g', 'nx-helm-crds:chart', '--chart', `${EXAMPLE}/chart`, '--kustomization', `${EXAMPLE}/config/crd`, '--no-interactive']);
    assert.equal(chart.status, 0, chart.output);
    assert.deepEqual(JSON.parse(workspace.read('nx.json')).plugins, [
      { plugin: 'nx-helm-crds', options: { charts: { [`${EXAMPLE}/chart`]: { kustomization: `${EXAMPLE}/config/crd` } } } },
    ]);

    const run = workspace.nx(['run', 'chart:crds']);
    assert.equal(run.status, 0, run.output);
    assert.match(run.output, /3 in sync, 0 differ, 0 missing, 0 unmanaged/);
  });

  it('the chart generator refuses a folder that is not a chart, naming the option', () => {
    const result = workspace.nx(['g', 'nx-helm-crds:chart', '--chart', EXAMPLE, '--kustomization', `${EXAMPLE}/config/crd`, '--no-interactive']);
    assert.notEqual(result.status, 0, result.output);
    assert.match(result.output, /examples\/operator\/Chart\.yaml does not exist: --chart must be the folder that holds the chart's Chart\.yaml/);
  });
});

/** Collects a child's output and lets a test wait for a line matching a pattern. */
function watchOutput(child: ChildProcess): { text: () => string; waitFor: (pattern: RegExp, from: number, timeoutMs: number) => Promise<number> } {
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  return {
    text: () => output,
    waitFor: (pattern, from, timeoutMs) =>
      new Promise((resolve, reject) => {
        const started = Date.now();
        const poll = setInterval(() => {
          const match = pattern.exec(output.slice(from));
          if (match) {
            clearInterval(poll);
            resolve(from + match.index + match[0].length);
          } else if (Date.now() - started > timeoutMs) {
            clearInterval(poll);
            reject(new Error(`timed out after ${timeoutMs} ms waiting for ${pattern}; output so far:\n${output}`));
          }
        }, 100);
      }),
  };
}

describe('crds-watch keeps the chart in sync while editing', () => {
  let workspace: TestWorkspace;
  let child: ChildProcess | undefined;
  before(() => {
    workspace = createWorkspace();
  });
  after(() => {
    child?.kill('SIGKILL');
    workspace.remove();
  });

  it('writes on start, follows an edit, survives a half-typed file, ignores its own output, and stops cleanly', async () => {
    child = spawn(process.execPath, [join(workspace.root, 'node_modules/nx/dist/bin/nx.js'), 'run', 'chart:crds-watch'], {
      cwd: workspace.root,
      env: nxEnv(),
    });
    const output = watchOutput(child);

    // Each run ends with its result, then the watch re-reads the kustomization and watches again: an edit is only
    // seen once "watching" is printed, so every step waits for that line before it edits.
    const settled = async (result: RegExp, from: number, timeoutMs: number) => output.waitFor(WATCHING, await output.waitFor(result, from, timeoutMs), 10_000);
    let position = await settled(IN_SYNC, 0, 90_000);
    const initial = workspace.read(TRAINED_MODELS);

    const source = workspace.read(TRAINED_MODELS_BASE);
    workspace.write(TRAINED_MODELS_BASE, source.replace(/(\n\s+description:) TrainedModel is/, '$1 TrainedModel (watched) is'));
    position = await output.waitFor(/updated examples\/operator\/chart\/crds\/serving\.example\.io_trainedmodels\.yaml/, position, 60_000);
    position = await settled(IN_SYNC, position, 30_000);
    assert.match(workspace.read(TRAINED_MODELS), /TrainedModel \(watched\) is/);
    assert.notEqual(workspace.read(TRAINED_MODELS), initial);

    workspace.write(TRAINED_MODELS_BASE, `${source}\n  broken: [unclosed\n`);
    position = await settled(/\[crds-watch\] chart:crds failed \(exit \d+\); waiting for the next change/, position, 60_000);
    assert.match(workspace.read(TRAINED_MODELS), /TrainedModel \(watched\) is/, 'a failed run leaves the chart as it was');

    workspace.write(TRAINED_MODELS_BASE, source);
    position = await settled(IN_SYNC, position, 60_000);
    assert.equal(workspace.read(TRAINED_MODELS), initial);

    // The runs that wrote the chart (the edit and the restore) would have started another run at once, had the watch
    // seen its own output (an event during a run makes the loop run again). One more save of the source, unchanged,
    // gives a last run to wait for; then every run must be one the test caused: start, edit, broken, restore, save.
    workspace.write(TRAINED_MODELS_BASE, source);
    await settled(IN_SYNC, position, 60_000);
    const runs = output.text().match(/\[crds-watch\] running chart:crds/g)?.length;
    assert.equal(runs, 5, `writing the chart must not trigger another run:\n${output.text()}`);

    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 15_000));
    assert.notEqual(await Promise.race([exited, timeout]), 'timeout', 'the watch stops within 15 s of Ctrl+C');
    child = undefined;
  });
});
