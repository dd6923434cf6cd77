import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, it } from 'node:test';
import { UserError } from '../shared/errors';
import { graphSourcesFingerprint, readKustomizationGraph, type KustomizationGraph } from './graph';
import { PINNED_TOOLS, skipWithoutPinned } from '../../testing/pinned-tools';
import { ALIAS_BOMB } from '../../testing/yaml-fixtures';
import { tempFolders } from '../../testing/temp-folder';

const repoRoot = join(__dirname, '../../../../..');
const kubectl = PINNED_TOOLS.kubectl;
const helm = PINNED_TOOLS.helm;

/** A fresh folder; with `files` (workspace-relative path → content), a workspace holding them. */
const workspace = tempFolders('graph');
const temporaryDirectory = () => workspace();

const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`;
const configMap = (name: string): string => yaml('apiVersion: v1', 'kind: ConfigMap', 'metadata:', `  name: ${name}`, 'data:', '  key: value');

function graphOf(files: Record<string, string>, dir = 'app'): KustomizationGraph {
  return readKustomizationGraph(workspace(files), dir);
}

/** Asserts that reading the graph fails with a UserError whose message matches every pattern. */
function assertRefused(files: Record<string, string>, ...patterns: (RegExp | string)[]): void {
  assert.throws(
    () => graphOf(files),
    (error: unknown) => {
      assert.ok(error instanceof UserError, `expected a UserError, got ${String(error)}`);
      for (const pattern of patterns) {
        if (typeof pattern === 'string') assert.ok(error.message.includes(pattern), `"${error.message}" lacks "${pattern}"`);
        else assert.match(error.message, pattern);
      }
      return true;
    },
  );
}

describe('readKustomizationGraph: resources', () => {
  it('reads resource files and recurses into resource directories, nested, root first', () => {
    const graph = graphOf({
      'app/kustomization.yaml': yaml('resources:', '- cm.yaml', '- ../base'),
      'app/cm.yaml': configMap('app'),
      'app/unused.yaml': configMap('unused'),
      'base/kustomization.yaml': yaml('resources:', '- ./nested', '- base.yaml'),
      'base/base.yaml': configMap('base'),
      'base/nested/kustomization.yaml': yaml('resources:', '- deep.yaml'),
      'base/nested/deep.yaml': configMap('deep'),
    });
    assert.deepEqual(graph.files, [
      'app/cm.yaml',
      'app/kustomization.yaml',
      'base/base.yaml',
      'base/kustomization.yaml',
      'base/nested/deep.yaml',
      'base/nested/kustomization.yaml',
    ]);
    assert.deepEqual(graph.kustomizations, ['app', 'base', 'base/nested']);
    assert.deepEqual(graph.remote, []);
  });

  it('reads bases like resources', () => {
    const graph = graphOf({
      'app/kustomization.yaml': yaml('bases:', '- ../base'),
      'base/kustomization.yaml': yaml('resources:', '- base.yaml'),
      'base/base.yaml': configMap('base'),
    });
    assert.deepEqual(graph.files, ['app/kustomization.yaml', 'base/base.yaml', 'base/kustomization.yaml']);
    assert.deepEqual(graph.kustomizations, ['app', 'base']);
  });

  it('reads a diamond of bases once', () => {
    const graph = graphOf({
      'app/kustomization.yaml': yaml('resources:', '- ../left', '- ../right'),
      'left/kustomization.yaml': yaml('resources:', '- ../common'),
      'right/kustomization.yaml': yaml('resources:', '- ../common'),
      'common/kustomization.yaml': yaml('resources:', '- common.yaml'),
      'common/common.yaml': configMap('common'),
    });
    assert.deepEqual(graph.kustomizations, ['app', 'left', 'common', 'right']);
    assert.equal(graph.files.filter((file) => file === 'common/common.yaml').length, 1);
  });

  it('accepts an absolute path inside the workspace', () => {
    const root = workspace({ 'app/cm.yaml': configMap('app') });
    writeFileSync(join(root, 'app/kustomization.yaml'), yaml('resources:', `- ${join(root, 'app/cm.yaml')}`));
    assert.deepEqual(readKustomizationGraph(root, 'app').files, ['app/cm.yaml', 'app/kustomization.yaml']);
  });

  it('refuses a directory in resources without a kustomization file', () => {
    assertRefused(
      { 'app/kustomization.yaml': yaml('resources:', '- ../plain'), 'plain/cm.yaml': configMap('plain') },
      'app/kustomization.yaml: resources[0] "../plain" is the directory plain, which has no kustomization file',
    );
  });

  it('refuses a Component listed under resources', () => {
    assertRefused(
      { 'app/kustomization.yaml': yaml('resources:', '- ../component'), 'component/kustomization.yaml': yaml('kind: Component', 'resources: []') },
      'app/kustomization.yaml: resources[0] "../component" is a Component',
    );
  });
});

describe('readKustomizationGraph: kustomization files', () => {
  it('accepts the file name Kustomization', () => {
    const graph = graphOf({ 'app/Kustomization': yaml('resources:', '- cm.yaml'), 'app/cm.yaml': configMap('app') });
    assert.deepEqual(graph.files, ['app/Kustomization', 'app/cm.yaml']);
  });

  it('accepts the file name kustomization.yml', () => {
    const graph = graphOf({ 'app/kustomization.yml': yaml('resources:', '- cm.yaml'), 'app/cm.yaml': configMap('app') });
    assert.deepEqual(graph.files, ['app/cm.yaml', 'app/kustomization.yml']);
  });

  it('refuses a kustomization directory without a kustomization file', () => {
    assertRefused({ 'app/cm.yaml': configMap('app') }, /^app has no kustomization file/);
  });

  it('refuses a kustomization directory that does not exist', () => {
    assert.throws(() => readKustomizationGraph(workspace({}), 'nowhere'), /Kustomization directory "nowhere" does not exist/);
  });

  it('reads a kustomization at the workspace root', () => {
    const graph = graphOf({ 'kustomization.yaml': yaml('resources:', '- cm.yaml'), 'cm.yaml': configMap('root') }, '.');
    assert.deepEqual(graph.files, ['cm.yaml', 'kustomization.yaml']);
    assert.deepEqual(graph.kustomizations, ['.']);
  });

  it('reads fields that name no files without reading anything', () => {
    const graph = graphOf({
      'app/kustomization.yaml': yaml(
        'namespace: example',
        'namePrefix: a-',
        'commonLabels: {app: x}',
        'images: [{name: nginx, newTag: "1.0"}]',
        'sortOptions: {order: legacy}',
        'vars:',
        '- name: SERVICE',
        '  objref: {kind: Service, name: web, apiVersion: v1}',
        'generatorOptions: {disableNameSuffixHash: true}',
        'buildMetadata: [originAnnotations]',
        'openapi: {version: v1.21.2}',
      ),
    });
    assert.deepEqual(graph.files, ['app/kustomization.yaml']);
  });
});

describe('readKustomizationGraph: components', () => {
  it('recurses into components, whose paths are relative to the component', () => {
    const graph = graphOf({
      'app/kustomization.yaml': yaml('components:', '- ../component'),
      'component/kustomization.yaml': yaml('apiVersion: kustomize.config.k8s.io/v1alpha1', 'kind: Component', 'resources:', '- extra.yaml', 'patches:', '- path: patch.yaml'),
      'component/extra.yaml': configMap('extra'),
      'component/patch.yaml': configMap('extra'),
    });
    assert.deepEqual(graph.files, ['app/kustomization.yaml', 'component/extra.yaml', 'component/kustomization.yaml', 'component/patch.yaml']);
    assert.deepEqual(graph.kustomizations, ['app', 'component']);
  });

  it('refuses a Kustomization listed under components', () => {
    assertRefused(
      { 'app/kustomization.yaml': yaml('components:', '- ../base'), 'base/kustomization.yaml': yaml('resources: []') },
      'app/kustomization.yaml: components[0] "../base" is a Kustomization, not a Component',
    );
  });

  it('refuses a file listed under components', () => {
    assertRefused({ 'app/kustomization.yaml': yaml('components:', '- cm.yaml'), 'app/cm.yaml': configMap('x') }, 'components[0] "cm.yaml" is a file');
  });
});

describe('readKustomizationGraph: file fields', () => {
  it('reads crds', () => {
    const graph = graphOf({ 'app/kustomization.yaml': yaml('crds:', '- crds/widget.yaml'), 'app/crds/widget.yaml': configMap('crd') });
    assert.deepEqual(graph.files, ['app/crds/widget.yaml', 'app/kustomization.yaml']);
  });

  it('reads configurations', () => {
    const graph = graphOf({ 'app/kustomization.yaml': yaml('configurations:', '- config/names.yaml'), 'app/config/names.yaml': yaml('nameReference: []') });
    assert.deepEqual(graph.files, ['app/config/names.yaml', 'app/kustomization.yaml']);
  });

  it('reads patches[].path and ignores inline patches', () => {
    const graph = graphOf({
      'app/kustomization.yaml': yaml(
        'patches:',
        '- path: patches/a.yaml',
        '- patch: |-',
        '    - op: add',
        '      path: /metadata/labels/x',
        '      value: y',
        '  target: {kind: ConfigMap}',
        '- path: patches/b.yaml',
        '  target: {kind: ConfigMap}',
      ),
      'app/patches/a.yaml': configMap('a'),
      'app/patches/b.yaml': configMap('b'),
    });
    assert.deepEqual(graph.files, ['app/kustomization.yaml', 'app/patches/a.yaml', 'app/patches/b.yaml']);
  });

  it('reads patchesJson6902[].path and ignores inline ones', () => {
    const graph = graphOf({
      'app/kustomization.yaml': yaml(
        'patchesJson6902:',
        '- target: {version: v1, kind: ConfigMap, name: a}',
        '  path: json.yaml',
        '- target: {version: v1, kind: ConfigMap, name: a}',
        '  patch: "[{op: remove, path: /data}]"',
      ),
      'app/json.yaml': yaml('- op: remove', '  path: /data'),
    });
    assert.deepEqual(graph.files, ['app/json.yaml', 'app/kustomization.yaml']);
  });

  it('reads patchesStrategicMerge paths and ignores inline patches', () => {
    const graph = graphOf({
      'app/kustomization.yaml': yaml('patchesStrategicMerge:', '- psm.yaml', '- |-', '  apiVersion: v1', '  kind: ConfigMap', '  metadata:', '    name: inline'),
      'app/psm.yaml': configMap('psm'),
    });
    assert.deepEqual(graph.files, ['app/kustomization.yaml', 'app/psm.yaml']);
  });

  it('reads replacements[].path and ignores inline replacements', () => {
    const graph = graphOf({
      'app/kustomization.yaml': yaml(
        'replacements:',
        '- path: replacements/one.yaml',
        '- source: {kind: ConfigMap, name: a, fieldPath: data.key}',
        '  targets: [{select: {kind: ConfigMap, name: b}, fieldPaths: [data.key]}]',
      ),
      'app/replacements/one.yaml': yaml('source: {kind: ConfigMap, name: a}', 'targets: []'),
    });
    assert.deepEqual(graph.files, ['app/kustomization.yaml', 'app/replacements/one.yaml']);
  });

  it('reads openapi.path', () => {
    const graph = graphOf({ 'app/kustomization.yaml': yaml('openapi:', '  path: schema/openapi.json'), 'app/schema/openapi.json': '{"definitions":{}}\n' });
    assert.deepEqual(graph.files, ['app/kustomization.yaml', 'app/schema/openapi.json']);
  });

  it('refuses a directory where a file is expected', () => {
    assertRefused({ 'app/kustomization.yaml': yaml('crds:', '- crds'), 'app/crds/a.yaml': configMap('a') }, 'app/kustomization.yaml: crds[0] "crds" is a directory');
  });
});

describe('readKustomizationGraph: configMapGenerator and secretGenerator', () => {
  it('reads configMapGenerator files (`key=path` and `path`), envs and env', () => {
    const graph = graphOf({
      'app/kustomization.yaml': yaml(
        'configMapGenerator:',
        '- name: settings',
        '  files:',
        '  - data/app.conf',
        '  - renamed.conf=data/other.conf',
        '  envs:',
        '  - env/a.env',
        '  literals:',
        '  - literal=not-a-file.txt',
        '- name: legacy',
        '  env: env/legacy.env',
      ),
      'app/data/app.conf': 'a\n',
      'app/data/other.conf': 'b\n',
      'app/env/a.env': 'A=1\n',
      'app/env/legacy.env': 'B=2\n',
    });
    assert.deepEqual(graph.files, ['app/data/app.conf', 'app/data/other.conf', 'app/env/a.env', 'app/env/legacy.env', 'app/kustomization.yaml']);
  });

  it('reads secretGenerator files, envs and env', () => {
    const graph = graphOf({
      'app/kustomization.yaml': yaml('secretGenerator:', '- name: creds', '  files:', '  - tls.crt=certs/server.crt', '  envs:', '  - secret.env', '  env: legacy.env'),
      'app/certs/server.crt': 'cert\n',
      'app/secret.env': 'PASSWORD=x\n',
      'app/legacy.env': 'USER=y\n',
    });
    assert.deepEqual(graph.files, ['app/certs/server.crt', 'app/kustomization.yaml', 'app/legacy.env', 'app/secret.env']);
  });

  it('names the generator entry when a `key=path` file is missing', () => {
    assertRefused(
      { 'app/kustomization.yaml': yaml('configMapGenerator:', '- name: settings', '  files:', '  - ok.conf', '  - key=missing.conf'), 'app/ok.conf': 'ok\n' },
      'app/kustomization.yaml: configMapGenerator[0].files[1] "missing.conf" does not exist',
    );
  });
});

describe('readKustomizationGraph: generators, transformers and validators', () => {
  it('reads generator files, directories and inline configs, and files named by builtin generator configs', () => {
    const graph = graphOf({
      'app/kustomization.yaml': yaml(
        'generators:',
        '- generators/configmap.yaml',
        '- ../generator-base',
        '- |-',
        '  apiVersion: builtin',
        '  kind: SecretGenerator',
        '  metadata: {name: inline}',
        '  files: [data/inline.txt]',
      ),
      'app/generators/configmap.yaml': yaml('apiVersion: builtin', 'kind: ConfigMapGenerator', 'metadata: {name: generated}', 'files:', '- data/from-file.txt'),
      'app/data/from-file.txt': 'x\n',
      'app/data/inline.txt': 'y\n',
      'generator-base/kustomization.yaml': yaml('resources:', '- cm-generator.yaml'),
      // Kustomize configures a plugin with the loader of the kustomization that lists it, so `data/from-base.txt`
      // is relative to app/, not to generator-base/.
      'generator-base/cm-generator.yaml': yaml('apiVersion: builtin', 'kind: ConfigMapGenerator', 'metadata: {name: from-base}', 'envs:', '- data/from-base.env'),
      'app/data/from-base.env': 'A=1\n',
    });
    assert.deepEqual(graph.files, [
      'app/data/from-base.env',
      'app/data/from-file.txt',
      'app/data/inline.txt',
      'app/generators/configmap.yaml',
      'app/kustomization.yaml',
      'generator-base/cm-generator.yaml',
      'generator-base/kustomization.yaml',
    ]);
    assert.deepEqual(graph.kustomizations, ['app', 'generator-base']);
  });

  it('reads transformer files and the files builtin transformer configs name', () => {
    const graph = graphOf({
      'app/kustomization.yaml': yaml(
        'transformers:',
        '- transformers/patcher.yaml',
        '- transformers/labels.yaml',
        '- |-',
        '  apiVersion: builtin',
        '  kind: PatchStrategicMergeTransformer',
        '  metadata: {name: inline}',
        '  paths: [patches/psm.yaml]',
      ),
      'app/transformers/patcher.yaml': yaml(
        'apiVersion: builtin',
        'kind: PatchTransformer',
        'metadata: {name: patcher}',
        'path: patches/by-transformer.yaml',
        '---',
        'apiVersion: builtin',
        'kind: ReplacementTransformer',
        'metadata: {name: replacer}',
        'replacements:',
        '- path: patches/replacement.yaml',
      ),
      'app/transformers/labels.yaml': yaml('apiVersion: builtin', 'kind: LabelTransformer', 'metadata: {name: labels}', 'labels: {path: not-a-file}', 'fieldSpecs: []'),
      'app/patches/by-transformer.yaml': configMap('a'),
      'app/patches/replacement.yaml': yaml('source: {kind: ConfigMap, name: a}', 'targets: []'),
      'app/patches/psm.yaml': configMap('a'),
    });
    assert.deepEqual(graph.files, [
      'app/kustomization.yaml',
      'app/patches/by-transformer.yaml',
      'app/patches/psm.yaml',
      'app/patches/replacement.yaml',
      'app/transformers/labels.yaml',
      'app/transformers/patcher.yaml',
    ]);
  });

  it('reads validator files', () => {
    const graph = graphOf({
      'app/kustomization.yaml': yaml('validators:', '- validators/check.yaml'),
      'app/validators/check.yaml': yaml('apiVersion: example.com/v1', 'kind: Validator', 'metadata: {name: check}'),
    });
    assert.deepEqual(graph.files, ['app/kustomization.yaml', 'app/validators/check.yaml']);
  });

  it('names the plugin file when a builtin config names a missing file', () => {
    assertRefused(
      {
        'app/kustomization.yaml': yaml('transformers:', '- patcher.yaml'),
        'app/patcher.yaml': yaml('apiVersion: builtin', 'kind: PatchTransformer', 'metadata: {name: p}', 'path: gone.yaml'),
      },
      'app/kustomization.yaml: transformers[0] (app/patcher.yaml) PatchTransformer.path "gone.yaml" does not exist',
    );
  });

  it('refuses an inline entry that is an alias bomb, naming the kustomization file and the field', () => {
    assertRefused(
      { 'app/kustomization.yaml': yaml('transformers:', '- |', ...ALIAS_BOMB.split('\n').map((line) => `  ${line}`)) },
      /^app\/kustomization\.yaml: transformers\[0\] is refused: the YAML aliases of the document at line 1 expand to more than 10000 copies/,
    );
  });
});

describe('readKustomizationGraph: helm charts', () => {
  const chart = (dir: string): Record<string, string> => ({
    [`${dir}/Chart.yaml`]: yaml('apiVersion: v2', 'name: demo', 'version: 0.1.0'),
    [`${dir}/values.yaml`]: yaml('x: 1'),
    [`${dir}/templates/cm.yaml`]: configMap('demo'),
    [`${dir}/charts/sub/Chart.yaml`]: yaml('apiVersion: v2', 'name: sub', 'version: 0.1.0'),
  });

  it('reads every file of a chart under the default chart home, its valuesFile and additionalValuesFiles', () => {
    const graph = graphOf({
      'app/kustomization.yaml': yaml('helmCharts:', '- name: demo', '  releaseName: r', '  valuesFile: values/base.yaml', '  additionalValuesFiles:', '  - values/extra.yaml'),
      ...chart('app/charts/demo'),
      ...chart('app/charts/other'),
      'app/values/base.yaml': yaml('x: 2'),
      'app/values/extra.yaml': yaml('x: 3'),
    });
    assert.deepEqual(graph.files, [
      'app/charts/demo/Chart.yaml',
      'app/charts/demo/charts/sub/Chart.yaml',
      'app/charts/demo/templates/cm.yaml',
      'app/charts/demo/values.yaml',
      'app/kustomization.yaml',
      'app/values/base.yaml',
      'app/values/extra.yaml',
    ]);
    assert.deepEqual(graph.remote, []);
  });

  it('reads a chart from helmGlobals.chartHome, in the versioned directory when repo and version are given', () => {
    const graph = graphOf({
      'app/kustomization.yaml': yaml('helmGlobals:', '  chartHome: ../vendor', 'helmCharts:', '- name: demo', '  repo: https://charts.example.com', '  version: 0.1.0'),
      ...chart('vendor/demo-0.1.0/demo'),
      ...chart('vendor/demo'),
    });
    assert.deepEqual(graph.files, [
      'app/kustomization.yaml',
      'vendor/demo-0.1.0/demo/Chart.yaml',
      'vendor/demo-0.1.0/demo/charts/sub/Chart.yaml',
      'vendor/demo-0.1.0/demo/templates/cm.yaml',
      'vendor/demo-0.1.0/demo/values.yaml',
    ]);
    assert.deepEqual(graph.remote, []);
  });

  it('lists the repo of a chart Kustomize would pull as remote', () => {
    const graph = graphOf({ 'app/kustomization.yaml': yaml('helmCharts:', '- name: demo', '  repo: oci://registry.example.com/charts', '  version: 1.2.3') });
    assert.deepEqual(graph.files, ['app/kustomization.yaml']);
    assert.deepEqual(graph.remote, [{ reference: 'oci://registry.example.com/charts', kustomization: 'app/kustomization.yaml', field: 'helmCharts[0].repo' }]);
  });

  it('refuses a missing chart without a repo to pull it from', () => {
    assertRefused({ 'app/kustomization.yaml': yaml('helmCharts:', '- name: demo') }, 'app/kustomization.yaml: helmCharts[0].name "demo": no chart directory at app/charts/demo');
  });

  it('reads the legacy helmChartInflationGenerator, with its chartHome and values file', () => {
    const graph = graphOf({
      'app/kustomization.yaml': yaml('helmChartInflationGenerator:', '- chartName: demo', '  chartHome: ../legacy-charts', '  values: my-values.yaml'),
      ...chart('legacy-charts/demo'),
      'app/my-values.yaml': yaml('x: 5'),
    });
    assert.deepEqual(graph.files, [
      'app/kustomization.yaml',
      'app/my-values.yaml',
      'legacy-charts/demo/Chart.yaml',
      'legacy-charts/demo/charts/sub/Chart.yaml',
      'legacy-charts/demo/templates/cm.yaml',
      'legacy-charts/demo/values.yaml',
    ]);
  });

  it('reads charts named by a builtin HelmChartInflationGenerator config', () => {
    const graph = graphOf({
      'app/kustomization.yaml': yaml('generators:', '- helm.yaml'),
      'app/helm.yaml': yaml('apiVersion: builtin', 'kind: HelmChartInflationGenerator', 'metadata: {name: demo}', 'name: demo', 'chartHome: vendored'),
      ...chart('app/vendored/demo'),
    });
    assert.ok(graph.files.includes('app/vendored/demo/templates/cm.yaml'), graph.files.join(', '));
    assert.ok(graph.files.includes('app/helm.yaml'));
  });
});

describe('readKustomizationGraph: remote references', () => {
  it('lists remote references with where they were found and does not follow them', () => {
    const graph = graphOf({
      'app/kustomization.yaml': yaml(
        'resources:',
        '- https://raw.example.com/org/repo/main/deploy.yaml',
        '- github.com/org/repo//config/default?ref=v1.0.0',
        '- git@github.com:org/repo.git/config',
        '- ssh://git@git.example.com/org/repo//base',
        '- local.yaml',
        'components:',
        '- https://github.com/org/repo//components/x?ref=main',
        'patches:',
        '- path: https://raw.example.com/patch.yaml',
        'configMapGenerator:',
        '- name: remote',
        '  files:',
        '  - key=https://raw.example.com/data.txt',
      ),
      'app/local.yaml': configMap('local'),
    });
    assert.deepEqual(graph.files, ['app/kustomization.yaml', 'app/local.yaml']);
    assert.deepEqual(graph.kustomizations, ['app']);
    assert.deepEqual(graph.remote, [
      { reference: 'https://raw.example.com/org/repo/main/deploy.yaml', kustomization: 'app/kustomization.yaml', field: 'resources[0]' },
      { reference: 'github.com/org/repo//config/default?ref=v1.0.0', kustomization: 'app/kustomization.yaml', field: 'resources[1]' },
      { reference: 'git@github.com:org/repo.git/config', kustomization: 'app/kustomization.yaml', field: 'resources[2]' },
      { reference: 'ssh://git@git.example.com/org/repo//base', kustomization: 'app/kustomization.yaml', field: 'resources[3]' },
      // In the order Kustomize reads them: generators before components, components before patches.
      { reference: 'https://raw.example.com/data.txt', kustomization: 'app/kustomization.yaml', field: 'configMapGenerator[0].files[0]' },
      { reference: 'https://github.com/org/repo//components/x?ref=main', kustomization: 'app/kustomization.yaml', field: 'components[0]' },
      { reference: 'https://raw.example.com/patch.yaml', kustomization: 'app/kustomization.yaml', field: 'patches[0].path' },
    ]);
  });

  it('hints at remote syntax when a missing local path looks remote', () => {
    assertRefused(
      { 'app/kustomization.yaml': yaml('resources:', '- gitlab.com/org/repo//base?ref=v1') },
      'app/kustomization.yaml: resources[0] "gitlab.com/org/repo//base?ref=v1" does not exist',
      'Kustomize v5 fetches only http(s):// URLs',
    );
  });
});

describe('readKustomizationGraph: errors', () => {
  it('names the kustomization file and field of a missing file', () => {
    assertRefused(
      {
        'app/kustomization.yaml': yaml('resources:', '- ../config/crd'),
        'config/crd/kustomization.yaml': yaml('patches:', '- path: patches/present.yaml', '- path: patches/missing.yaml'),
        'config/crd/patches/present.yaml': configMap('x'),
      },
      /^config\/crd\/kustomization\.yaml: patches\[1\]\.path "patches\/missing\.yaml" does not exist \(looked for config\/crd\/patches\/missing\.yaml\)\. Fix the path/,
    );
  });

  it('refuses a path that leaves the workspace, naming the kustomization and field', () => {
    assertRefused(
      { 'app/kustomization.yaml': yaml('resources:', '- ok.yaml', '- ../../outside.yaml'), 'app/ok.yaml': configMap('ok') },
      /^app\/kustomization\.yaml: resources\[1\] "\.\.\/\.\.\/outside\.yaml" points outside the workspace/,
    );
  });

  it('refuses an absolute path outside the workspace', () => {
    assertRefused({ 'app/kustomization.yaml': yaml('configurations:', '- /etc/hostname') }, 'app/kustomization.yaml: configurations[0] "/etc/hostname" points outside the workspace');
  });

  it('refuses a kustomization directory outside the workspace', () => {
    assert.throws(() => readKustomizationGraph(workspace({}), '../elsewhere'), UserError);
  });

  it('refuses a cycle instead of looping', () => {
    assertRefused(
      {
        'app/kustomization.yaml': yaml('resources:', '- ../a'),
        'a/kustomization.yaml': yaml('resources:', '- ../b'),
        'b/kustomization.yaml': yaml('resources:', '- ../a'),
      },
      'b/kustomization.yaml: resources[0] "../a" is a, which is a, a kustomization already being read (app -> a -> b -> a)',
    );
  });

  it('refuses a base above the kustomization that includes it, as Kustomize does', () => {
    assertRefused(
      { 'app/kustomization.yaml': yaml('resources:', '- overlay'), 'app/overlay/kustomization.yaml': yaml('resources:', '- ..') },
      'app/overlay/kustomization.yaml: resources[0] ".." is app, which is app',
    );
  });

  it('refuses entries of the wrong shape', () => {
    assertRefused({ 'app/kustomization.yaml': yaml('resources: cm.yaml') }, 'app/kustomization.yaml: resources must be a list.');
    assertRefused({ 'app/kustomization.yaml': yaml('patches:', '- patches/a.yaml') }, 'app/kustomization.yaml: patches[0] must be a mapping of fields.');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Cross-checks against Kustomize itself

type Build = { readonly ok: true; readonly output: string } | { readonly ok: false; readonly error: string };

function kustomize(dir: string, ...flags: string[]): Build {
  try {
    return { ok: true, output: execFileSync(kubectl, ['kustomize', ...flags, dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (error) {
    return { ok: false, error: String((error as { stderr?: unknown }).stderr ?? error) };
  }
}

function filesUnder(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => !entry.isDirectory())
    .map((entry) => relative(root, join(entry.parentPath ?? entry.path, entry.name)).split(sep).join('/'));
}

/**
 * Builds `kustomizationDir`, deletes every file under `scope` outside the graph and builds again (nothing the
 * build reads may be missing), then deletes each file of the graph in turn (each must matter to the build).
 */
function crossCheck(root: string, kustomizationDir: string, scope: string, flags: string[] = []): void {
  const before = kustomize(join(root, kustomizationDir), ...flags);
  assert.ok(before.ok, `kustomize fails before pruning: ${before.ok ? '' : before.error}`);
  const graph = readKustomizationGraph(root, kustomizationDir);
  const inGraph = new Set(graph.files);
  for (const file of filesUnder(root, scope)) if (!inGraph.has(file)) unlinkSync(join(root, file));
  assert.deepEqual(kustomize(join(root, kustomizationDir), ...flags), before, 'output changed after deleting files outside the graph');
  for (const file of graph.files) {
    const restore = removeRestorably(join(root, file));
    const without = kustomize(join(root, kustomizationDir), ...flags);
    restore();
    assert.ok(!without.ok || without.output !== before.output, `deleting ${file} changes nothing, yet it is in the graph`);
  }
}

/** Deletes a file or symlink, returning how to put it back. */
function removeRestorably(path: string): () => void {
  if (lstatSync(path).isSymbolicLink()) {
    const target = readlinkSync(path);
    unlinkSync(path);
    return () => symlinkSync(target, path);
  }
  const content = readFileSync(path);
  unlinkSync(path);
  return () => writeFileSync(path, content);
}

function copyOfOperatorExample(): string {
  const root = temporaryDirectory();
  cpSync(join(repoRoot, 'examples/operator'), join(root, 'examples/operator'), { recursive: true });
  return root;
}

describe('readKustomizationGraph cross-checked with kubectl kustomize', () => {
  const noKubectl = skipWithoutPinned('kubectl');

  it('examples/operator/config/crd: the graph is exactly what Kustomize reads', (t) => {
    if (noKubectl) return t.skip(noKubectl);
    const root = copyOfOperatorExample();
    crossCheck(root, 'examples/operator/config/crd', 'examples/operator/config');
    assert.ok(!existsSync(join(root, 'examples/operator/config/rbac/role.yaml')), 'files outside the crd graph were not pruned');
  });

  it('examples/operator/config/default: the graph is exactly what Kustomize reads', (t) => {
    if (noKubectl) return t.skip(noKubectl);
    crossCheck(copyOfOperatorExample(), 'examples/operator/config/default', 'examples/operator/config');
  });

  it('a kustomization using every local field: the graph is exactly what Kustomize reads', (t) => {
    if (noKubectl) return t.skip(noKubectl);
    const root = workspace(kitchenSink());
    crossCheck(root, 'app', '.');
    assert.ok(!existsSync(join(root, 'app/unused.yaml')) && !existsSync(join(root, 'base/notes.md')), 'decoys were not pruned');
  });

  it('a helm chart: the graph is exactly what Kustomize and helm read', (t) => {
    if (noKubectl) return t.skip(noKubectl);
    const noHelm = skipWithoutPinned('helm');
    if (noHelm) return t.skip(noHelm);
    const root = workspace({
      'app/kustomization.yaml': yaml('helmCharts:', '- name: demo', '  releaseName: r', '  additionalValuesFiles:', '  - extra-values.yaml'),
      'app/extra-values.yaml': yaml('y: from-extra'),
      'app/charts/demo/Chart.yaml': yaml('apiVersion: v2', 'name: demo', 'version: 0.1.0'),
      'app/charts/demo/values.yaml': yaml('x: from-defaults', 'y: default'),
      'app/charts/demo/templates/cm.yaml': yaml('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: {{ include "demo.name" . }}', 'data:', '  x: {{ .Values.x }}', '  y: {{ .Values.y }}'),
      'app/charts/demo/templates/_helpers.tpl': '{{- define "demo.name" -}}demo-{{ .Release.Name }}{{- end -}}\n',
      'app/charts/other/Chart.yaml': yaml('apiVersion: v2', 'name: other', 'version: 0.1.0'),
      'app/unused-values.yaml': yaml('x: unused'),
    });
    // Kustomize 5.6 asks `helm version -c`, which helm 4 no longer accepts; helm 4 renders charts like helm 3.
    const helmCommand = join(temporaryDirectory(), 'helm');
    writeFileSync(helmCommand, `#!/bin/sh\nif [ "$1" = version ]; then echo v3.99.0; exit 0; fi\nexec "${helm}" "$@"\n`);
    chmodSync(helmCommand, 0o755);
    crossCheck(root, 'app', '.', ['--enable-helm', `--helm-command=${helmCommand}`]);
    assert.ok(!existsSync(join(root, 'app/charts/other/Chart.yaml')), 'the unused chart was not pruned');
  });

  it('symlinks: the link and its target are inputs, and Kustomize agrees', (t) => {
    if (noKubectl) return t.skip(noKubectl);
    const root = workspace({
      'app/kustomization.yaml': yaml('resources:', '- link.yaml', '- linked-base'),
      'app/shared/cm.yaml': configMap('shared'),
      'real-base/kustomization.yaml': yaml('resources:', '- base.yaml'),
      'real-base/base.yaml': configMap('base'),
      'real-base/unused.yaml': configMap('unused'),
    });
    symlinkSync('shared/cm.yaml', join(root, 'app/link.yaml'));
    symlinkSync('../real-base', join(root, 'app/linked-base'));
    const graph = readKustomizationGraph(root, 'app');
    // The directory link is listed too: Kustomize follows it, so replacing it changes the build.
    assert.deepEqual(graph.files, ['app/kustomization.yaml', 'app/link.yaml', 'app/linked-base', 'app/shared/cm.yaml', 'real-base/base.yaml', 'real-base/kustomization.yaml']);
    assert.deepEqual(graph.kustomizations, ['app', 'real-base']);
    crossCheck(root, 'app', '.');
  });
});

describe('readKustomizationGraph: symlinks', () => {
  it('refuses a symlink whose target is outside the workspace', () => {
    const outside = temporaryDirectory();
    writeFileSync(join(outside, 'cm.yaml'), configMap('outside'));
    const root = workspace({ 'app/kustomization.yaml': yaml('resources:', '- link.yaml') });
    symlinkSync(join(outside, 'cm.yaml'), join(root, 'app/link.yaml'));
    assert.throws(() => readKustomizationGraph(root, 'app'), /^UserError: app\/kustomization\.yaml: resources\[0\] "link\.yaml" is a symlink to .* outside the workspace/);
  });
});

/** A workspace whose `app` kustomization uses every field that names local files, plus decoys nothing reads. */
function kitchenSink(): Record<string, string> {
  return {
    'app/kustomization.yaml': yaml(
      'resources:',
      '- deployment.yaml',
      '- ../base',
      'components:',
      '- ../component',
      'crds:',
      '- crds/widget.json',
      'configurations:',
      '- config/widget-names.yaml',
      'openapi:',
      '  path: openapi/schema.json',
      'patches:',
      '- path: patches/replicas.yaml',
      '- patch: |-',
      '    - op: add',
      '      path: /metadata/annotations',
      '      value: {inline: "true"}',
      '  target: {kind: Deployment}',
      'patchesStrategicMerge:',
      '- patches/psm.yaml',
      'patchesJson6902:',
      '- target: {group: apps, version: v1, kind: Deployment, name: web}',
      '  path: patches/json.yaml',
      'replacements:',
      '- path: replacements/image.yaml',
      'configMapGenerator:',
      '- name: settings',
      '  files:',
      '  - data/app.conf',
      '  - renamed.txt=data/other.txt',
      '  envs:',
      '  - env/a.env',
      'secretGenerator:',
      '- name: creds',
      '  env: env/secret.env',
      'generators:',
      '- generators/extra.yaml',
      'transformers:',
      '- transformers/patcher.yaml',
      'vars:',
      '- name: SERVICE_NAME',
      '  objref: {kind: Service, name: web, apiVersion: v1}',
    ),
    'app/deployment.yaml': yaml(
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: web',
      'spec:',
      '  replicas: 1',
      '  selector: {matchLabels: {app: web}}',
      '  template:',
      '    metadata: {labels: {app: web}}',
      '    spec:',
      '      containers:',
      '      - name: web',
      '        image: nginx',
      '        args: ["$(SERVICE_NAME)"]',
    ),
    // `crds` takes OpenAPI definitions (as openapi-gen writes them), not CustomResourceDefinition manifests.
    'app/crds/widget.json': '{"example.com/v1.Widget": {"Schema": {"properties": {"spec": {"type": "object"}}}, "Dependencies": []}}\n',
    'app/config/widget-names.yaml': yaml('nameReference:', '- kind: ConfigMap', '  fieldSpecs:', '  - kind: Deployment', '    path: metadata/annotations/settings'),
    'app/openapi/schema.json': '{"definitions":{}}\n',
    'app/patches/replicas.yaml': yaml('apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: web}', 'spec: {replicas: 3}'),
    'app/patches/psm.yaml': yaml('apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: web, labels: {psm: applied}}'),
    'app/patches/json.yaml': yaml('- op: add', '  path: /metadata/labels/json', '  value: applied'),
    'app/patches/by-transformer.yaml': yaml('apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: web, labels: {transformer: applied}}'),
    'app/replacements/image.yaml': yaml(
      'source: {kind: ConfigMap, name: settings, fieldPath: metadata.name}',
      'targets:',
      '- select: {kind: Deployment, name: web}',
      '  fieldPaths: [spec.template.spec.containers.0.env.0.value]',
      '  options: {create: true}',
    ),
    'app/data/app.conf': 'setting=1\n',
    'app/data/other.txt': 'other\n',
    'app/data/generated.txt': 'generated\n',
    'app/env/a.env': 'A=1\n',
    'app/env/secret.env': 'PASSWORD=secret\n',
    'app/generators/extra.yaml': yaml('apiVersion: builtin', 'kind: ConfigMapGenerator', 'metadata: {name: extra}', 'files:', '- data/generated.txt'),
    'app/transformers/patcher.yaml': yaml('apiVersion: builtin', 'kind: PatchTransformer', 'metadata: {name: patcher}', 'path: patches/by-transformer.yaml'),
    'app/unused.yaml': configMap('unused'),
    'app/data/unused.txt': 'unused\n',
    'base/kustomization.yaml': yaml('resources:', '- service.yaml'),
    'base/service.yaml': yaml('apiVersion: v1', 'kind: Service', 'metadata: {name: web}', 'spec: {selector: {app: web}, ports: [{port: 80}]}'),
    'base/notes.md': '# not read\n',
    'component/kustomization.yaml': yaml('apiVersion: kustomize.config.k8s.io/v1alpha1', 'kind: Component', 'patches:', '- path: label.yaml'),
    'component/label.yaml': yaml('apiVersion: v1', 'kind: Service', 'metadata: {name: web, labels: {component: applied}}'),
    'component/README.md': '# not read\n',
  };
}

describe('readKustomizationGraph: sources, for caching the graph', () => {
  /** A kustomization with a generator config, a transformer config, a component and a Helm chart folder. */
  function sourcesWorkspace(): string {
    return workspace({
      'app/kustomization.yaml': yaml('resources:', '- cm.yaml', 'components:', '- ../component', 'generators:', '- generator.yaml', 'transformers:', '- transformer.yaml', 'helmCharts:', '- name: demo'),
      'app/cm.yaml': configMap('cm'),
      'app/generator.yaml': yaml('apiVersion: builtin', 'kind: ConfigMapGenerator', 'metadata: {name: generated}', 'files:', '- data/a.txt'),
      'app/transformer.yaml': yaml('apiVersion: builtin', 'kind: PatchTransformer', 'metadata: {name: patcher}', 'path: patch-a.yaml'),
      'app/data/a.txt': 'a\n',
      'app/data/b.txt': 'b\n',
      'app/patch-a.yaml': configMap('cm'),
      'app/patch-b.yaml': configMap('cm'),
      'app/charts/demo/Chart.yaml': yaml('apiVersion: v2', 'name: demo', 'version: 0.1.0'),
      'component/kustomization.yaml': yaml('apiVersion: kustomize.config.k8s.io/v1alpha1', 'kind: Component'),
    });
  }
  const unchanged = (root: string, graph: KustomizationGraph) => graphSourcesFingerprint(root, graph.sources) === graph.sourcesFingerprint;

  it('reports the files it parsed, the folders it listed and the paths it looked up', () => {
    const graph = readKustomizationGraph(sourcesWorkspace(), 'app');
    assert.deepEqual(graph.sources.parsed, ['app/generator.yaml', 'app/kustomization.yaml', 'app/transformer.yaml', 'component/kustomization.yaml']);
    assert.deepEqual(graph.sources.listed, ['app/charts/demo']);
    for (const path of ['app/cm.yaml', 'app/data/a.txt', 'app/patch-a.yaml', 'app/charts', 'app/charts/demo', 'component', 'app/kustomization.yml', 'app/Kustomization']) {
      assert.ok(graph.sources.probed.includes(path), `${path} is probed: ${graph.sources.probed.join(', ')}`);
    }
  });

  it('keeps its fingerprint while nothing it read changes, even when the content of a file it only names does', () => {
    const root = sourcesWorkspace();
    const graph = readKustomizationGraph(root, 'app');
    assert.ok(unchanged(root, graph));
    writeFileSync(join(root, 'app/data/a.txt'), 'edited\n');
    writeFileSync(join(root, 'app/unrelated.yaml'), configMap('unrelated'));
    assert.ok(unchanged(root, graph));
  });

  /** A change, and what the graph read again shows (none: reading it again fails). */
  const changes: [string, (root: string) => void, ((graph: KustomizationGraph) => void)?][] = [
    [
      'a generator config names another file',
      (root) => writeFileSync(join(root, 'app/generator.yaml'), yaml('apiVersion: builtin', 'kind: ConfigMapGenerator', 'metadata: {name: generated}', 'files:', '- data/b.txt')),
      (graph) => assert.ok(graph.files.includes('app/data/b.txt') && !graph.files.includes('app/data/a.txt')),
    ],
    [
      'a transformer config names another file',
      (root) => writeFileSync(join(root, 'app/transformer.yaml'), yaml('apiVersion: builtin', 'kind: PatchTransformer', 'metadata: {name: patcher}', 'path: patch-b.yaml')),
      (graph) => assert.ok(graph.files.includes('app/patch-b.yaml') && !graph.files.includes('app/patch-a.yaml')),
    ],
    [
      'the Helm chart folder gains a file',
      (root) => writeFileSync(join(root, 'app/charts/demo/values.yaml'), 'x: 1\n'),
      (graph) => assert.ok(graph.files.includes('app/charts/demo/values.yaml')),
    ],
    [
      'a component kustomization changes',
      (root) => {
        writeFileSync(join(root, 'component/kustomization.yaml'), yaml('apiVersion: kustomize.config.k8s.io/v1alpha1', 'kind: Component', 'patches:', '- path: p.yaml'));
        writeFileSync(join(root, 'component/p.yaml'), configMap('cm'));
      },
      (graph) => assert.ok(graph.files.includes('component/p.yaml')),
    ],
    [
      'a file resource becomes a kustomization directory',
      (root) => {
        rmSync(join(root, 'app/cm.yaml'));
        mkdirSync(join(root, 'app/cm.yaml'));
        writeFileSync(join(root, 'app/cm.yaml/kustomization.yaml'), yaml('resources:', '- cm.yaml'));
        writeFileSync(join(root, 'app/cm.yaml/cm.yaml'), configMap('cm'));
      },
      (graph) => assert.ok(graph.files.includes('app/cm.yaml/kustomization.yaml')),
    ],
    [
      'a resource is replaced by a symlink to another file',
      (root) => {
        rmSync(join(root, 'app/cm.yaml'));
        symlinkSync('patch-b.yaml', join(root, 'app/cm.yaml'));
      },
      (graph) => assert.ok(graph.files.includes('app/patch-b.yaml')),
    ],
    [
      'a second kustomization file appears',
      (root) => writeFileSync(join(root, 'component/kustomization.yml'), yaml('kind: Component')),
    ],
  ];
  for (const [change, apply, check] of changes) {
    it(`changes its fingerprint when ${change}, and reading it again sees the change`, () => {
      const root = sourcesWorkspace();
      const graph = readKustomizationGraph(root, 'app');
      apply(root);
      assert.ok(!unchanged(root, graph), 'the fingerprint changed');
      if (!check) {
        assert.throws(() => readKustomizationGraph(root, 'app'), UserError);
        return;
      }
      const reread = readKustomizationGraph(root, 'app');
      check(reread);
      assert.ok(unchanged(root, reread));
    });
  }

  it('checks the sources of the example operator without parsing anything: it reads each parsed file once, lists each listed folder once, and nothing else', () => {
    const root = copyOfOperatorExample();
    // Count the work instead of timing it: the check is cheap because it parses nothing and touches only the sources.
    const fs = require('node:fs') as typeof import('node:fs');
    const documents = require('../yaml/documents') as typeof import('../yaml/documents');
    const originals = { readFileSync: fs.readFileSync, readdirSync: fs.readdirSync, splitYamlDocuments: documents.splitYamlDocuments };
    const work = { read: [] as string[], listed: [] as string[], parsed: 0 };
    const relativePath = (path: unknown) => relative(root, String(path)).split(sep).join('/');
    fs.readFileSync = ((path: string, ...rest: unknown[]) => {
      work.read.push(relativePath(path));
      return (originals.readFileSync as (...args: unknown[]) => unknown)(path, ...rest);
    }) as typeof fs.readFileSync;
    fs.readdirSync = ((path: string, ...rest: unknown[]) => {
      work.listed.push(relativePath(path));
      return (originals.readdirSync as (...args: unknown[]) => unknown)(path, ...rest);
    }) as typeof fs.readdirSync;
    documents.splitYamlDocuments = ((...args: Parameters<typeof documents.splitYamlDocuments>) => {
      work.parsed++;
      return originals.splitYamlDocuments(...args);
    }) as typeof documents.splitYamlDocuments;
    try {
      const graph = readKustomizationGraph(root, 'examples/operator/config/default');
      const reading = { ...work, read: [...work.read] };
      assert.ok(reading.parsed >= graph.sources.parsed.length && graph.sources.parsed.length > 1, `the read parsed ${reading.parsed} documents for ${graph.sources.parsed.length} files`);
      Object.assign(work, { read: [], listed: [], parsed: 0 });
      assert.ok(unchanged(root, graph));
      assert.equal(work.parsed, 0, 'the check parses nothing');
      assert.deepEqual(work.read.sort(), [...graph.sources.parsed].sort(), 'the check reads exactly the parsed files, once each');
      assert.deepEqual(work.listed.sort(), [...graph.sources.listed].sort(), 'the check lists exactly the listed folders, once each');
    } finally {
      Object.assign(fs, { readFileSync: originals.readFileSync, readdirSync: originals.readdirSync });
      documents.splitYamlDocuments = originals.splitYamlDocuments;
    }
  });
});
