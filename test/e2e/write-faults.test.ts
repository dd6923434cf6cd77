/**
 * Faults around writing the chart, with real nx and kustomize: what a cache hit may touch in the chart, and
 * how the next task recovers a helm-crds that was killed half-way through its renames.
 *
 * Ctrl-C and SIGTERM during the renames are tested at unit level (src/core/chart/write-journal.test.ts sends them to
 * a process running the real writer at seeded random points): the renames of a real chart take a millisecond
 * or two, so an end-to-end test would hit them by luck only.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CHART, CHART_CRDS, EXAMPLE, REPO_ROOT, cachedTasks, createWorkspace, executedTasks, type TestWorkspace } from './workspace';

const CRD_FILES = ['serving.example.io_inferenceservices.yaml', 'serving.example.io_servingruntimes.yaml', 'serving.example.io_trainedmodels.yaml'];
const committed = (file: string) => readFileSync(join(REPO_ROOT, CHART_CRDS, file), 'utf8');

/** Every file under `directory`, relative, that is hidden: staging files, the journal, the lock. */
function hiddenFiles(directory: string): string[] {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => !entry.isDirectory() && entry.name.startsWith('.'))
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name).slice(directory.length + 1));
}

describe('a cache hit restores only the files helm-crds generates', () => {
  let workspace: TestWorkspace;
  before(() => {
    workspace = createWorkspace();
    // Git-ignored files are not in any cache key, so nothing but the outputs declaration protects them.
    workspace.write('.gitignore', `${CHART_CRDS}/scratch.bak\n${CHART}/templates/local.yaml\n`);
  });
  after(() => workspace.remove());

  it('crds/: a git-ignored user file survives a cache-hit restore, and the deleted generated files come back', () => {
    const cold = workspace.nx(['run', 'chart:helm-crds']);
    assert.equal(cold.status, 0, cold.output);
    // Back to the chart as the cold run found it (no generated files), plus a file of the user's.
    for (const file of CRD_FILES) rmSync(workspace.path(`${CHART_CRDS}/${file}`));
    workspace.write(`${CHART_CRDS}/scratch.bak`, 'my notes\n');

    const hit = workspace.nx(['run', 'chart:helm-crds']);
    assert.equal(hit.status, 0, hit.output);
    assert.deepEqual(cachedTasks(hit.output), ['chart:kustomize-build', 'chart:helm-crds'], hit.output);
    assert.deepEqual(readdirSync(workspace.path(CHART_CRDS)).sort(), [...CRD_FILES, 'scratch.bak'].sort());
    assert.equal(workspace.read(`${CHART_CRDS}/scratch.bak`), 'my notes\n');
    for (const file of CRD_FILES) assert.equal(workspace.read(`${CHART_CRDS}/${file}`), committed(file), file);
  });

  it('templates/: Helm templates and a git-ignored file beside the CRDs are left untouched by a cache-hit restore', () => {
    const nxJson = JSON.parse(workspace.read('nx.json'));
    nxJson.plugins = [{ plugin: 'nx-helm-crds', options: { charts: { [CHART]: { kustomization: `${EXAMPLE}/config/crd`, placement: 'templates' } } } }];
    workspace.write('nx.json', JSON.stringify(nxJson, null, 2));
    rmSync(workspace.path(CHART_CRDS), { recursive: true, force: true });
    const cold = workspace.nx(['run', 'chart:helm-crds']);
    assert.equal(cold.status, 0, cold.output);
    const templates = workspace.path(`${CHART}/templates`);
    const generated = readdirSync(templates).filter((file) => file.startsWith('serving.example.io_')).sort();
    assert.deepEqual(generated, CRD_FILES);
    const written = Object.fromEntries(generated.map((file) => [file, readFileSync(join(templates, file), 'utf8')]));

    for (const file of generated) rmSync(join(templates, file));
    workspace.write(`${CHART}/templates/local.yaml`, 'kind: ConfigMap # mine\n');
    const deployment = statSync(join(templates, 'deployment.yaml'));
    const hit = workspace.nx(['run', 'chart:helm-crds']);
    assert.equal(hit.status, 0, hit.output);
    assert.ok(cachedTasks(hit.output).includes('chart:helm-crds'), hit.output);
    assert.deepEqual(readdirSync(templates).sort(), ['_helpers.tpl', 'deployment.yaml', 'local.yaml', ...CRD_FILES].sort());
    assert.equal(workspace.read(`${CHART}/templates/local.yaml`), 'kind: ConfigMap # mine\n');
    const after = statSync(join(templates, 'deployment.yaml'));
    assert.equal(after.ino, deployment.ino, 'deployment.yaml was not removed and copied back');
    assert.equal(after.mtimeMs, deployment.mtimeMs);
    for (const file of generated) assert.equal(readFileSync(join(templates, file), 'utf8'), written[file], file);
  });
});

describe('a helm-crds killed half-way through its renames', () => {
  let workspace: TestWorkspace;
  before(() => {
    workspace = createWorkspace({ keepGeneratedCrds: true });
  });
  after(() => workspace.remove());

  it('is finished by the next task of the chart, before that task reads it, leaving no journal, lock or staging file', () => {
    const chart = workspace.path(CHART);
    const build = workspace.nx(['run', 'chart:kustomize-build']);
    assert.equal(build.status, 0, build.output);
    // The real writer, killed (SIGKILL) by its own second rename into crds/: the first file is new, the rest old.
    const killer = `
      const fs = require('node:fs');
      const rename = fs.renameSync;
      let renames = 0;
      fs.renameSync = (from, to) => {
        if (to.includes('/crds/') && ++renames === 2) process.kill(process.pid, 'SIGKILL');
        return rename(from, to);
      };
      const { commitChartChanges } = require(${JSON.stringify(join(REPO_ROOT, 'packages/nx-helm-crds/dist/core/chart/write-journal.js'))});
      const files = ${JSON.stringify(CRD_FILES)}.map((file) => ({ path: ${JSON.stringify(chart)} + '/crds/' + file, content: fs.readFileSync(${JSON.stringify(join(REPO_ROOT, CHART_CRDS))} + '/' + file, 'utf8') }));
      commitChartChanges(${JSON.stringify(chart)}, files, []);
    `;
    for (const file of CRD_FILES) workspace.write(`${CHART_CRDS}/${file}`, committed(file).replace('served: true', 'served: false'));
    const killed = spawnSync(process.execPath, ['-e', killer], { encoding: 'utf8' });
    assert.equal(killed.signal, 'SIGKILL', killed.stderr);
    const mixed = CRD_FILES.filter((file) => workspace.read(`${CHART_CRDS}/${file}`) === committed(file));
    assert.equal(mixed.length, 1, 'the chart is half-written');
    assert.ok(hiddenFiles(chart).includes('.nx-helm-crds-journal.json'), hiddenFiles(chart).join(', '));

    const result = workspace.nx(['run', 'chart:verify', '--exclude-task-dependencies']);
    assert.equal(result.status, 0, result.output);
    assert.deepEqual(executedTasks(result.output), ['chart:verify']);
    assert.match(result.output, /examples\/operator\/chart: finished a write of 3 file\(s\) that an interrupted run had started\./);
    assert.match(result.output, /3 in sync, 0 differ, 0 missing, 0 unmanaged/);
    for (const file of CRD_FILES) assert.equal(workspace.read(`${CHART_CRDS}/${file}`), committed(file), file);
    assert.deepEqual(hiddenFiles(chart), []);
  });
});
