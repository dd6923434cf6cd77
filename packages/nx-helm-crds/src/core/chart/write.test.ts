import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { isStagingFile } from '../fs/atomic-files';
import { readChartFiles } from './files';
import { planChartUpdate, type ChartPlanRequest } from './plan';
import { applyChartPlan } from './write';
import { collectCrds, DEFAULT_FILE_NAME_PATTERN, type Crd } from '../crd/model';
import { crdYaml } from '../../testing/crd-fixtures';
import { UserError } from '../shared/errors';
import { renderGeneratedFile } from './generated-file';
import { splitYamlDocuments } from '../yaml/documents';

const userError = (pattern: RegExp) => (error: unknown) => error instanceof UserError && pattern.test(error.message);

/**
 * Every entry under `root` (files by content, links by target, folders as such), so a changed byte, a stray
 * staging file or a created folder all show up in one comparison.
 */
function snapshot(root: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath ?? entry.path, entry.name);
    const key = path.slice(root.length + 1);
    const stats = lstatSync(path);
    entries[key] = stats.isSymbolicLink() ? `link → ${readlinkSync(path)}` : stats.isDirectory() ? 'folder' : readFileSync(path).toString('base64');
  }
  return entries;
}

const source = { kustomization: 'config/crd', regenerate: 'nx run chart:crds' };
const PLURALS = ['alphas', 'bravos', 'charlies', 'deltas', 'echos'];
const crdsOf = (plurals: readonly string[], extra = ''): Crd[] =>
  collectCrds(splitYamlDocuments(plurals.map((plural) => crdYaml(plural, 'example.io', extra)).join('---\n'), 'out.yaml'), 'out.yaml');

describe('applyChartPlan: all of a run, or nothing', () => {
  let chart: string;
  const request = (crds: readonly Crd[], overrides: Partial<ChartPlanRequest> = {}): ChartPlanRequest => ({
    crds,
    chartDirectory: chart,
    chartFiles: readChartFiles(chart),
    displayChart: 'charts/demo',
    layout: { placement: 'crds', fileName: DEFAULT_FILE_NAME_PATTERN },
    kustomization: source.kustomization,
    regenerate: source.regenerate,
    ...overrides,
  });

  beforeEach(() => {
    chart = mkdtempSync(join(tmpdir(), 'nx-helm-crds-sync-'));
    writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: demo\nversion: 0.1.0\n');
    mkdirSync(join(chart, 'crds'));
    // Generated earlier: four of the five CRDs (old text; not charlies) and one whose CRD is gone, to be pruned.
    for (const plural of ['alphas', 'bravos', 'deltas', 'echos', 'gones']) {
      writeFileSync(join(chart, `crds/example.io_${plural}.yaml`), renderGeneratedFile(crdYaml(plural, 'example.io'), source, false));
    }
  });
  afterEach(() => rmSync(chart, { recursive: true, force: true }));

  it('writes five files, then prunes, when nothing is in the way', async () => {
    const crds = crdsOf(PLURALS, '  labels:\n    version: "2"\n');
    const plan = planChartUpdate(request(crds));
    assert.deepEqual(plan.writes.map((write) => [write.path, write.reason]), [
      ['crds/example.io_alphas.yaml', 'update'],
      ['crds/example.io_bravos.yaml', 'update'],
      ['crds/example.io_charlies.yaml', 'create'],
      ['crds/example.io_deltas.yaml', 'update'],
      ['crds/example.io_echos.yaml', 'update'],
    ]);
    assert.deepEqual(plan.prunes.map((prune) => prune.path), ['crds/example.io_gones.yaml']);
    await applyChartPlan(chart, plan);
    assert.deepEqual(readdirSync(join(chart, 'crds')).sort(), PLURALS.map((plural) => `example.io_${plural}.yaml`));
    for (const crd of crds) assert.match(readFileSync(join(chart, `crds/example.io_${crd.plural}.yaml`), 'utf8'), /version: "2"/);
  });

  it('leaves the chart exactly as it was, and no staging file, when the third of five files cannot be written', async () => {
    // The third file's destination is a directory: staging succeeds for the first two, then fails.
    mkdirSync(join(chart, 'crds/example.io_charlies.yaml'));
    writeFileSync(join(chart, 'crds/example.io_charlies.yaml/notes.txt'), 'someone else\'s\n');
    const plan = planChartUpdate(request(crdsOf(PLURALS, '  labels:\n    version: "2"\n')));
    assert.deepEqual(plan.writes.map((write) => write.reason), ['update', 'update', 'create', 'update', 'update']);
    assert.equal(plan.prunes.length, 1);
    const before = snapshot(chart);

    await assert.rejects(
      () => applyChartPlan(chart, plan),
      userError(/^Cannot write .*crds\/example\.io_charlies\.yaml: a directory of that name is in the way\. Remove or rename it\. Nothing was changed\.$/),
    );

    assert.deepEqual(snapshot(chart), before, 'no file written, none pruned, no staging file left');
    assert.deepEqual(Object.keys(before).filter((path) => isStagingFile(path.split('/').pop()!)), []);
  });

  it('refuses a CRD folder that is a symbolic link, before writing anything', () => {
    const outside = mkdtempSync(join(tmpdir(), 'nx-helm-crds-outside-'));
    try {
      rmSync(join(chart, 'crds'), { recursive: true });
      mkdirSync(join(chart, 'templates'));
      symlinkSync(outside, join(chart, 'templates/crd'));
      const before = snapshot(chart);
      assert.throws(
        () => planChartUpdate(request(crdsOf(PLURALS), { layout: { placement: 'templates', directory: 'templates/crd', fileName: DEFAULT_FILE_NAME_PATTERN } })),
        userError(/^charts\/demo\/templates\/crd is a symbolic link \(to .+\), and nx-helm-crds never writes through links: .*Nothing was written\. Replace the link with a real folder/),
      );
      assert.deepEqual(snapshot(chart), before);
      assert.deepEqual(readdirSync(outside), []);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('prunes a file another run already removed without failing', async () => {
    const plan = planChartUpdate(request(crdsOf(PLURALS)));
    assert.deepEqual(plan.prunes.map((prune) => prune.path), ['crds/example.io_gones.yaml']);
    rmSync(join(chart, 'crds/example.io_gones.yaml'));
    await applyChartPlan(chart, plan);
    assert.deepEqual(readdirSync(join(chart, 'crds')).sort(), PLURALS.map((plural) => `example.io_${plural}.yaml`));
  });
});

