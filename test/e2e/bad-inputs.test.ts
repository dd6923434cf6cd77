/**
 * The bad-input catalogue, end to end: every way a user can get the inputs wrong fails its task with a message
 * that says what is wrong, where, and how to fix it, and leaves the chart byte-for-byte as it was.
 *
 * One real Nx run covers the whole catalogue: each case is its own chart project (a copy of the example chart
 * under cases/<name>, broken in one way through nx.json plugin options, project.json target options or files),
 * and `nx run-many -t crds` runs them all at once. Each case then asserts on its own task's output, its own
 * task's failure, and its own chart's snapshot. (One Nx process for ~35 cases keeps the file well inside its
 * time budget on a 2-core CI machine; separate `nx run`s would cost ~2.5 s each.)
 */
import assert from 'node:assert/strict';
import { chmodSync, cpSync, existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CHART, CHART_CRDS, EXAMPLE, REPO_ROOT, createWorkspace, runNxAsync, type NxResult, type TestWorkspace } from './workspace';

const TRAINED_MODELS = 'crds/serving.example.io_trainedmodels.yaml';
const CRD_FILES = ['serving.example.io_inferenceservices.yaml', 'serving.example.io_servingruntimes.yaml', 'serving.example.io_trainedmodels.yaml'];
const EXAMPLE_KUSTOMIZATION = `${EXAMPLE}/config/crd`;
const STAGING = '.nx-helm-crds-staging-';

/** Every entry under `root`: files by content (base64), links by target, folders as such. */
function snapshot(root: string): Record<string, string> {
  if (!existsSync(root)) return {};
  const entries: Record<string, string> = {};
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath ?? entry.path, entry.name);
    const stats = lstatSync(path);
    entries[path.slice(root.length + 1)] = stats.isSymbolicLink() ? `link → ${readlinkSync(path)}` : stats.isDirectory() ? 'folder' : readFileSync(path).toString('base64');
  }
  return entries;
}

/** Staging files anywhere under `root` (node_modules and Nx's own folder left out). */
function strayStagingFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name).slice(root.length + 1))
    .filter((path) => !path.startsWith('node_modules') && !path.startsWith('.nx/') && basename(path).includes(STAGING));
}

/** The output Nx printed for one task: from its `> nx run <task>` header to the next task or the summary. */
function taskOutput(output: string, task: string): string {
  const lines = output.split('\n');
  const start = lines.findIndex((line) => line.trimEnd() === `> nx run ${task}`);
  if (start === -1) return '';
  const end = lines.findIndex((line, index) => index > start && (/^(>|✔|✖)\s+nx run /.test(line) || /^\s+Run duration:/.test(line)));
  return lines.slice(start + 1, end === -1 ? undefined : end).join('\n');
}

/** The tasks Nx lists under `Failed tasks:`. */
function failedTasks(output: string): string[] {
  const block = /^Failed tasks:\n\n((?:- \S+\n)+)/m.exec(output)?.[1] ?? '';
  return [...block.matchAll(/^- (\S+)$/gm)].map((match) => match[1]);
}

const FAKE_KUSTOMIZE = `#!/bin/sh
# Stands in for kustomize: \`version\` answers like kustomize; \`build <dir>\` prints <dir>/rendered.yaml as it is.
case "$1" in
  version) echo "v5.6.0" ;;
  build) cat "$2/rendered.yaml" ;;
  *) echo "unexpected arguments: $*" >&2; exit 2 ;;
esac
`;

const HANGING_KUSTOMIZE = `#!/bin/sh
# Stands in for a kustomize stuck on the network. \`sleep\` is a child of this shell: killing the shell alone
# would leave it holding the output pipe.
case "$1" in
  version) echo "v5.6.0" ;;
  *) echo "fetching remote base…" >&2; sleep 20 ;;
esac
`;

const crd = (plural: string, group: string, lines: { group?: boolean; plural?: boolean } = {}) =>
  'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n' +
  `  name: ${plural}.${group}\nspec:\n${lines.group === false ? '' : `  group: ${group}\n`}  names:\n` +
  `    kind: ${plural[0].toUpperCase()}${plural.slice(1, -1)}\n${lines.plural === false ? '' : `    plural: ${plural}\n`}  scope: Namespaced\n` +
  '  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n        type: object\n';

interface Case {
  /** What the user got wrong (the test name). */
  readonly title: string;
  /** The chart's plugin options in nx.json (kustomization defaults to the example's). */
  readonly chart?: Record<string, unknown>;
  /** project.json target options. */
  readonly kustomizeBuild?: Record<string, unknown>;
  readonly helmCrds?: Record<string, unknown>;
  /** Extra files and changes, given the workspace and the case chart's workspace-relative folder. */
  readonly setup?: (workspace: TestWorkspace, chart: string) => void;
  /** The task expected to fail (`kustomize-build` or `helm-crds`); absent: the whole pipeline succeeds. */
  readonly fails?: 'kustomize-build' | 'helm-crds';
  /** What its output must say. */
  readonly messages: readonly RegExp[];
  /** More checks after the run. */
  readonly check?: (workspace: TestWorkspace, chart: string, output: string) => void;
}

/** Kustomizations the cases use, workspace-relative under kustomizations/. */
function writeKustomizations(workspace: TestWorkspace): void {
  workspace.write('kustomizations/empty/README.md', 'A folder with manifests but no kustomization.yaml.\n');
  workspace.write('kustomizations/empty/crd.yaml', crd('widgets', 'example.io'));
  workspace.write('kustomizations/bad-patch/kustomization.yaml', `resources:\n- ../../${EXAMPLE_KUSTOMIZATION}\npatches:\n- path: label-patch.yaml\n`);
  workspace.write(
    'kustomizations/bad-patch/label-patch.yaml',
    'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: nosuchthings.serving.example.io\n  labels:\n    patched: "true"\n',
  );
  workspace.write('kustomizations/missing-resource/kustomization.yaml', 'resources:\n- crd.yaml\n- no-such-file.yaml\n');
  workspace.write('kustomizations/missing-resource/crd.yaml', crd('widgets', 'example.io'));
  workspace.write('kustomizations/remote/kustomization.yaml', `resources:\n- ../../${EXAMPLE_KUSTOMIZATION}\n- https://example.invalid/operator.git//config/crd?ref=v1.0.0\n`);
  const fake = (name: string, rendered: string) => {
    workspace.write(`kustomizations/${name}/kustomization.yaml`, 'resources:\n- rendered.yaml\n');
    workspace.write(`kustomizations/${name}/rendered.yaml`, rendered);
  };
  fake('garbage', '<html>\n<body>503 Service Unavailable: try again</body>\n</html>\n');
  fake('no-kind', `${crd('widgets', 'example.io')}---\napiVersion: v1\nmetadata:\n  name: settings\ndata:\n  a: b\n`);
  fake('no-group', crd('widgets', 'example.io', { group: false }));
  fake('no-plural', `${crd('gadgets', 'example.io')}---\n${crd('widgets', 'example.io', { plural: false })}`);
  fake('duplicate', `${crd('widgets', 'example.io')}---\n${crd('gadgets', 'example.io')}---\n${crd('widgets', 'example.io')}`);
  workspace.write('fake/kustomize.sh', FAKE_KUSTOMIZE);
  workspace.write('fake/hanging-kustomize.sh', HANGING_KUSTOMIZE);
  chmodSync(workspace.path('fake/kustomize.sh'), 0o755);
  chmodSync(workspace.path('fake/hanging-kustomize.sh'), 0o755);
}

const outsideDirectory = mkdtempSync(join(tmpdir(), 'nx-helm-crds-outside-'));
const outsideChart = mkdtempSync(join(tmpdir(), 'nx-helm-crds-outside-chart-'));
const escapeName = `nx-helm-crds-escape-${process.pid}.yaml`;
const fakeOutput = (name: string) => ({ kustomization: `kustomizations/${name}` });
const FAKE = { kustomize: 'fake/kustomize.sh' };

const CASES: Record<string, Case> = {
  // ---- the kustomization and Kustomize itself (kustomize-build fails) ----
  'missing-kustomization-dir': {
    title: 'the kustomization directory does not exist',
    chart: { kustomization: 'kustomizations/no-such-dir' },
    fails: 'kustomize-build',
    messages: [/The kustomization directory kustomizations\/no-such-dir does not exist or is not a directory\. Set the kustomization option to the folder that holds kustomization\.yaml\. \(Looked for \S+\.\)/],
  },
  'kustomization-escapes': {
    title: 'a kustomization path outside the workspace is refused',
    chart: { kustomization: '../outside-kustomization' },
    fails: 'kustomize-build',
    messages: [/kustomization "\.\.\/outside-kustomization" is outside the workspace \(.+\): give a path relative to the workspace root\./],
  },
  'no-kustomization-file': {
    title: 'the kustomization directory has no kustomization file',
    chart: { kustomization: 'kustomizations/empty' },
    fails: 'kustomize-build',
    messages: [
      /The kustomization directory kustomizations\/empty has no kustomization file \(kustomization\.yaml, kustomization\.yml, Kustomization\)\. Set the kustomization option to the folder that holds kustomization\.yaml .*or add one\./,
    ],
  },
  'kustomize-fails-patch-target': {
    title: "Kustomize fails on a patch whose target does not exist: its own error is shown, with the command and the fix",
    chart: { kustomization: 'kustomizations/bad-patch' },
    fails: 'kustomize-build',
    messages: [
      /kustomize build of kustomizations\/bad-patch failed: \S+kubectl kustomize \S+kustomizations\/bad-patch exited with code 1\.\n/,
      /nosuchthings\.serving\.example\.io/,
      /\nFix the kustomization in kustomizations\/bad-patch \(run the command above to reproduce\)\./,
    ],
    check: (_workspace, _chart, output) => assert.doesNotMatch(output, /[ \t]+\nFix the kustomization/, "Kustomize's error is trimmed"),
  },
  'kustomize-fails-missing-resource': {
    title: 'a missing resource file fails the build with the input graph error (naming the file and field) before Kustomize runs',
    chart: { kustomization: 'kustomizations/missing-resource' },
    fails: 'kustomize-build',
    messages: [
      /The kustomization kustomizations\/missing-resource is not built: its input files could not be read: kustomizations\/missing-resource\/kustomization\.yaml: resources\[1\] "no-such-file\.yaml" does not exist \(looked for kustomizations\/missing-resource\/no-such-file\.yaml\)\./,
    ],
  },
  'kustomize-not-installed': {
    title: 'the configured kustomize is not installed: says how to install or configure one',
    kustomizeBuild: { kustomize: 'kustomize-not-installed' },
    fails: 'kustomize-build',
    messages: [
      /kustomize was configured as "kustomize-not-installed" by the kustomize option, but that is not an executable file \(not found on PATH\)\. Point it at a kustomize or kubectl binary \(a path relative to the workspace root, or a command on PATH\), or install one \(https:\/\/kubectl\.docs\.kubernetes\.io\/installation\/kustomize\/\)\./,
    ],
  },
  'kustomize-hangs': {
    title: 'kustomize hangs past the timeout: it is killed and reported, with what it printed',
    kustomizeBuild: { kustomize: 'fake/hanging-kustomize.sh', timeout: 1500 },
    fails: 'kustomize-build',
    messages: [
      /kustomize build of examples\/operator\/config\/crd did not finish within 1500 ms and was killed \(\S+fake\/hanging-kustomize\.sh build \S+\)\.\nIts output so far:\nfetching remote base…\nRaise the timeout option/,
    ],
  },
  'output-escapes': {
    title: 'an outputFile outside the workspace is refused',
    kustomizeBuild: { outputFile: `../${escapeName}` },
    fails: 'kustomize-build',
    messages: [new RegExp(`outputFile "\\.\\./${escapeName.replace(/\./g, '\\.')}" is outside the workspace \\(.+\\): give a path relative to the workspace root\\.`)],
    check: (workspace) => assert.equal(existsSync(join(workspace.root, '..', escapeName)), false, 'nothing written outside'),
  },
  'invalid-option-timeout': {
    title: 'an invalid kustomize-build option fails schema validation, naming the option',
    kustomizeBuild: { timeout: -5 },
    fails: 'kustomize-build',
    messages: [/Property 'timeout' does not match the schema\. -5 should be at least 0/],
  },
  'unsafe-args-enable-helm': {
    title: 'args that enable Helm without the enableHelm option are refused, naming the option',
    kustomizeBuild: { args: ['--enable-helm'] },
    fails: 'kustomize-build',
    messages: [/args \["--enable-helm"\] contain --enable-helm, which switches off a Kustomize safety default\. Remove it from args and set the kustomize-build option `enableHelm: true`/],
  },
  'unsafe-args-load-restrictor': {
    title: 'args that lift the load restrictor without the loadRestrictor option are refused, naming the option',
    chart: { args: ['--load-restrictor', 'LoadRestrictionsNone'] },
    fails: 'kustomize-build',
    messages: [/contain --load-restrictor LoadRestrictionsNone, which switches off a Kustomize safety default\. Remove it from args and set the kustomize-build option `loadRestrictor: "none"`/],
  },
  'args-redirect-output': {
    title: 'args that redirect the output are refused, pointing at outputFile',
    kustomizeBuild: { args: ['-o', 'elsewhere.yaml'] },
    fails: 'kustomize-build',
    messages: [/args \["-o","elsewhere\.yaml"\] redirect Kustomize's output \(-o\), which nx-helm-crds reads from standard output\. Remove it and set the outputFile option instead\./],
  },
  'enable-exec-with-kubectl': {
    title: 'enableExec with kubectl kustomize, which has no --enable-exec, says to use a standalone kustomize',
    kustomizeBuild: { enableExec: true, enableAlphaPlugins: true },
    fails: 'kustomize-build',
    messages: [/enableExec needs a standalone kustomize binary: `kubectl kustomize` \(\S+kubectl, from \$NX_HELM_CRDS_KUSTOMIZE\) has no --enable-exec flag\./],
  },
  'remote-refused': {
    title: 'a remote resource is refused by default, naming the options that allow it',
    chart: { kustomization: 'kustomizations/remote' },
    fails: 'kustomize-build',
    messages: [
      /The kustomization kustomizations\/remote references remote resources, which nx-helm-crds refuses by default/,
      /kustomizations\/remote\/kustomization\.yaml: resources\[1\] "https:\/\/example\.invalid\/operator\.git\/\/config\/crd\?ref=v1\.0\.0"/,
      /the plugin option `remoteResources: "uncached"` \(or the executor option `allowRemoteResources: true` with `cache: false` on the target\)/,
    ],
  },
  'remote-allowed': {
    title: 'with allowRemoteResources, the remote resource gets past the refusal to Kustomize (which cannot fetch it offline)',
    chart: { kustomization: 'kustomizations/remote' },
    kustomizeBuild: { allowRemoteResources: true, timeout: 60_000 },
    fails: 'kustomize-build',
    messages: [/kustomize build of kustomizations\/remote (failed|did not finish)/, /example\.invalid/],
    check: (_workspace, _chart, output) => assert.doesNotMatch(output, /refuses by default/),
  },

  // ---- the Kustomize output (helm-crds fails reading it) ----
  'output-not-yaml': {
    title: 'Kustomize output that is not valid YAML names the file, the line, and the likely cause',
    chart: fakeOutput('garbage'),
    kustomizeBuild: FAKE,
    fails: 'helm-crds',
    messages: [
      /dist\/nx-helm-crds\/output-not-yaml\/kustomize\.yaml \(the output of kustomize build kustomizations\/garbage\) is not valid YAML: .* at line \d+, column \d+/,
      /Kustomize always writes valid YAML: the kustomize that was run is probably not a real kustomize \(check the kustomize option and \$NX_HELM_CRDS_KUSTOMIZE\)/,
    ],
  },
  'document-without-kind': {
    title: 'a document without kind names its line and the stream',
    chart: fakeOutput('no-kind'),
    kustomizeBuild: FAKE,
    fails: 'helm-crds',
    messages: [
      /The document at line 19 of dist\/nx-helm-crds\/document-without-kind\/kustomize\.yaml \(the output of kustomize build kustomizations\/no-kind\) has no `kind` \(it is a mapping\): every Kubernetes object needs one\. Fix the resource or patch that produces it\./,
    ],
  },
  'crd-without-group': {
    title: 'a CRD without spec.group names the CRD and its line',
    chart: fakeOutput('no-group'),
    kustomizeBuild: FAKE,
    fails: 'helm-crds',
    messages: [/The CustomResourceDefinition widgets\.example\.io at line 1 of dist\/nx-helm-crds\/crd-without-group\/kustomize\.yaml \(the output of kustomize build kustomizations\/no-group\) has no `spec\.group`: a CRD needs it to be installable\./],
  },
  'crd-without-plural': {
    title: 'a CRD without spec.names.plural names the CRD and its line',
    chart: fakeOutput('no-plural'),
    kustomizeBuild: FAKE,
    fails: 'helm-crds',
    messages: [/The CustomResourceDefinition widgets\.example\.io at line 19 of .* has no `spec\.names\.plural`: a CRD needs it to be installable\./],
  },
  'duplicate-crd': {
    title: 'two CRDs with the same metadata.name name both lines',
    chart: fakeOutput('duplicate'),
    kustomizeBuild: FAKE,
    fails: 'helm-crds',
    messages: [/\(the output of kustomize build kustomizations\/duplicate\) defines the CRD widgets\.example\.io twice \(documents at lines 1 and 37\)\. Remove one of the resources from the kustomization/],
  },

  // ---- selection ----
  'include-matches-nothing': {
    title: 'include globs that match no CRD fail, listing what Kustomize rendered and naming allowEmpty',
    chart: { include: ['*.nothing.example.io'] },
    fails: 'helm-crds',
    messages: [
      /No CRD of the output of kustomize build examples\/operator\/config\/crd \(dist\/nx-helm-crds\/[\w-]+\/kustomize\.yaml\) is selected for the chart \(include: \["\*\.nothing\.example\.io"\], exclude: \[\]\); Kustomize rendered these CRDs: inferenceservices\.serving\.example\.io, servingruntimes\.serving\.example\.io, trainedmodels\.serving\.example\.io\./,
      /or set allowEmpty: true/,
    ],
  },
  'include-glob-typo': {
    title: 'one include glob that matches nothing fails even when another matches, naming it',
    chart: { include: ['*.serving.example.io', '*.srving.example.io'] },
    fails: 'helm-crds',
    messages: [/The include glob\(s\) "\*\.srving\.example\.io" match no CRD of .*; Kustomize rendered these CRDs: .* or set allowEmpty: true if those CRDs are optional\./],
  },
  'allow-empty': {
    title: 'with allowEmpty (a plugin option), a glob that matches nothing is accepted and the pipeline succeeds',
    chart: { include: ['*.serving.example.io', '*.optional.example.io'], allowEmpty: true },
    // The copied chart's files name the example project in their header; name this project instead, so that a
    // successful run has nothing to rewrite and the snapshot proves the CRDs were neither pruned nor rewritten.
    setup: (workspace, chart) => {
      for (const file of CRD_FILES) {
        const path = `${chart}/crds/${file}`;
        workspace.write(path, workspace.read(path).replace('# Regenerate with: nx run chart:crds', '# Regenerate with: nx run allow-empty:crds'));
      }
    },
    messages: [],
  },

  // ---- the chart folder and the chart option ----
  'chart-missing': {
    title: 'a chart directory that does not exist',
    helmCrds: { chart: 'cases/chart-missing/no-such-chart' },
    fails: 'helm-crds',
    messages: [/The chart directory cases\/chart-missing\/no-such-chart does not exist \(looked for .+\)\. Set the chart option \(workspace-relative\) to the folder that holds Chart\.yaml\./],
  },
  'chart-without-chart-yaml': {
    title: 'a chart directory without Chart.yaml',
    helmCrds: { chart: 'cases/chart-without-chart-yaml/templates' },
    fails: 'helm-crds',
    messages: [/The chart directory cases\/chart-without-chart-yaml\/templates has no Chart\.yaml, so it is not a Helm chart\. Set the chart option/],
  },
  'chart-escapes': {
    title: 'a chart path outside the workspace is refused',
    helmCrds: { chart: '../outside-chart' },
    fails: 'helm-crds',
    messages: [/chart "\.\.\/outside-chart" is outside the workspace \(.+\): give a path relative to the workspace root\./],
  },
  'chart-linked-outside': {
    title: 'a chart path that a symbolic link leads outside the workspace is refused',
    helmCrds: { chart: 'cases/chart-linked-outside/linked' },
    setup: (workspace, chart) => symlinkSync(outsideChart, workspace.path(`${chart}/linked`)),
    fails: 'helm-crds',
    messages: [/chart "cases\/chart-linked-outside\/linked" leads outside the workspace through a symbolic link \(it is really .+\)\. nx-helm-crds writes only inside the workspace/],
    check: () => assert.deepEqual(readdirSync(outsideChart), ['Chart.yaml'], 'nothing written outside'),
  },
  'directory-escapes': {
    title: 'a directory option that leaves the placement folder is refused',
    helmCrds: { directory: 'crds/../../escape' },
    fails: 'helm-crds',
    messages: [/directory "crds\/\.\.\/\.\.\/escape" is not inside the chart's crds\/ folder required by placement "crds": use "crds" or a sub-folder such as "crds\/crd"\./],
  },
  'file-name-escapes': {
    title: 'a fileName that is a path is refused',
    helmCrds: { fileName: '../../{name}.yaml' },
    fails: 'helm-crds',
    messages: [/fileName "\.\.\/\.\.\/\{name\}\.yaml" must be a file name, not a path: use the directory option for sub-folders\./],
  },
  'invalid-option-placement': {
    title: 'an invalid helm-crds option fails schema validation, naming the option and the allowed values',
    helmCrds: { placement: 'bogus' },
    fails: 'helm-crds',
    messages: [/Property 'placement' does not match the schema\. 'bogus' should be one of crds,templates\./],
  },

  'unknown-option': {
    title: 'a misspelt helm-crds option fails schema validation, naming it',
    helmCrds: { plaecment: 'templates' },
    fails: 'helm-crds',
    messages: [/'plaecment' is not found in schema/],
  },

  // ---- files in the chart ----
  'crd-file-is-symlink': {
    title: 'a symbolic link where a CRD file should be is refused, not followed',
    setup: (workspace, chart) => {
      rmSync(workspace.path(`${chart}/${TRAINED_MODELS}`));
      symlinkSync(`../../../${EXAMPLE_KUSTOMIZATION}/bases/serving.example.io_trainedmodels.yaml`, workspace.path(`${chart}/${TRAINED_MODELS}`));
    },
    fails: 'helm-crds',
    messages: [
      /The chart cases\/crd-file-is-symlink cannot take the CRDs without overwriting files nx-helm-crds does not own \(nothing was written\):/,
      /crds\/serving\.example\.io_trainedmodels\.yaml already exists and was not generated by nx-helm-crds \(it is a symbolic link, which nx-helm-crds never writes through\); it is left untouched\. Rename or remove it/,
    ],
    check: (workspace) =>
      assert.equal(
        workspace.read(`${EXAMPLE_KUSTOMIZATION}/bases/serving.example.io_trainedmodels.yaml`),
        readFileSync(join(REPO_ROOT, EXAMPLE_KUSTOMIZATION, 'bases/serving.example.io_trainedmodels.yaml'), 'utf8'),
        'the link target is untouched',
      ),
  },
  'crd-folder-is-symlink': {
    title: 'a CRD folder that is a symbolic link is refused, not written through',
    setup: (workspace, chart) => {
      rmSync(workspace.path(`${chart}/crds`), { recursive: true });
      symlinkSync(outsideDirectory, workspace.path(`${chart}/crds`));
    },
    fails: 'helm-crds',
    messages: [/cases\/crd-folder-is-symlink\/crds is a symbolic link \(to .+\), and nx-helm-crds never writes through links: the CRD files could land outside the chart\. Nothing was written\./],
    check: () => assert.deepEqual(readdirSync(outsideDirectory), [], 'nothing written through the link'),
  },
  'crd-folder-not-writable': {
    // A read-only chart. The tests run as root, for whom chmod does not stop writes, and `chattr +i` needs a
    // capability containers usually lack; so the folder is made unwritable in a way that holds for root too:
    // the CRD folder's path is a regular file. The same error path (staging fails, nothing moved) reports
    // EACCES/EROFS; their messages are unit-tested in core/fs/atomic-files.test.ts.
    title: 'a CRD folder that cannot be written (its path is a regular file) fails naming the file in the way',
    setup: (workspace, chart) => {
      rmSync(workspace.path(`${chart}/crds`), { recursive: true });
      workspace.write(`${chart}/crds`, 'not a folder\n');
    },
    fails: 'helm-crds',
    messages: [/Cannot create the folder \S+cases\/crd-folder-not-writable\/crds: \S+cases\/crd-folder-not-writable\/crds is a regular file where a folder is needed\. Remove or rename that file\. Nothing was changed\./],
  },
  'crd-file-not-utf8': {
    title: 'a chart CRD file that is not UTF-8 is reported and left alone',
    setup: (workspace, chart) => writeFileSync(workspace.path(`${chart}/${TRAINED_MODELS}`), Buffer.from('# Gepflegt von M\xfcller (Latin-1)\nkind: CustomResourceDefinition\n', 'latin1')),
    fails: 'helm-crds',
    messages: [/crds\/serving\.example\.io_trainedmodels\.yaml already exists and was not generated by nx-helm-crds \(it is not UTF-8 text\); it is left untouched\./],
  },
  'template-at-target': {
    title: 'a Helm template where a CRD file would be written is never overwritten, and reported',
    helmCrds: { placement: 'templates' },
    setup: (workspace, chart) =>
      workspace.write(
        `${chart}/templates/serving.example.io_trainedmodels.yaml`,
        '{{- if .Values.crds.install }}\n{{ .Files.Get "files/trainedmodels.yaml" }}\n{{- end }}\n',
      ),
    fails: 'helm-crds',
    messages: [/templates\/serving\.example\.io_trainedmodels\.yaml already exists and was not generated by nx-helm-crds \(it uses Helm template syntax and defines no CRD nx-helm-crds can read without rendering\); it is left untouched\. Rename or remove it, or choose another fileName\/directory for trainedmodels\.serving\.example\.io\./],
  },
  'foreign-file-at-target': {
    title: 'a hand-written manifest where a CRD file would be written is never overwritten, and reported',
    setup: (workspace, chart) => workspace.write(`${chart}/${TRAINED_MODELS}`, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\n'),
    fails: 'helm-crds',
    messages: [/crds\/serving\.example\.io_trainedmodels\.yaml already exists and was not generated by nx-helm-crds \(it holds 1 document\(s\) that are not this CRD\)/],
  },
};

describe('bad inputs: each fails its task with what, where and how to fix, and leaves its chart byte-for-byte as it was', () => {
  let workspace: TestWorkspace;
  let result: NxResult;
  const before_: Record<string, Record<string, string>> = {};
  const chartOf = (name: string) => `cases/${name}`;

  before(async () => {
    workspace = createWorkspace({ keepGeneratedCrds: true });
    writeKustomizations(workspace);
    writeFileSync(join(outsideChart, 'Chart.yaml'), 'apiVersion: v2\nname: outside\nversion: 0.1.0\n');
    const nxJson = JSON.parse(workspace.read('nx.json'));
    const charts = nxJson.plugins[0].options.charts as Record<string, unknown>;
    for (const [name, testCase] of Object.entries(CASES)) {
      const chart = chartOf(name);
      cpSync(workspace.path(CHART), workspace.path(chart), { recursive: true });
      const targets: Record<string, unknown> = {};
      if (testCase.kustomizeBuild) targets['kustomize-build'] = { options: testCase.kustomizeBuild };
      if (testCase.helmCrds) targets['helm-crds'] = { options: testCase.helmCrds };
      workspace.write(`${chart}/project.json`, JSON.stringify({ name, targets }, null, 2));
      charts[chart] = { kustomization: EXAMPLE_KUSTOMIZATION, ...testCase.chart };
      testCase.setup?.(workspace, chart);
      before_[name] = snapshot(workspace.path(chart));
    }
    workspace.write('nx.json', JSON.stringify(nxJson, null, 2));
    result = await runNxAsync(workspace.root, ['run-many', '-t', 'crds', '--projects', Object.keys(CASES).join(','), '--parallel', '3']);
  });
  after(() => {
    workspace.remove();
    rmSync(outsideDirectory, { recursive: true, force: true });
    rmSync(outsideChart, { recursive: true, force: true });
  });

  it('the run fails, and exactly the broken cases fail, each at its own step', () => {
    assert.notEqual(result.status, 0, result.output);
    const expected = Object.entries(CASES)
      .filter(([, testCase]) => testCase.fails)
      .map(([name, testCase]) => `${name}:${testCase.fails}`)
      .sort();
    assert.deepEqual(failedTasks(result.output).sort(), expected, result.output);
  });

  for (const [name, testCase] of Object.entries(CASES)) {
    it(`${testCase.title} [${name}]`, () => {
      const failed = failedTasks(result.output);
      if (testCase.fails) {
        assert.ok(failed.includes(`${name}:${testCase.fails}`), `${name}:${testCase.fails} did not fail\n${result.output}`);
        const output = taskOutput(result.output, `${name}:${testCase.fails}`);
        for (const message of testCase.messages) assert.match(output, message);
        assert.doesNotMatch(output, /^\s+at .+\(.+:\d+:\d+\)$/m, 'no stack trace for a user error');
        testCase.check?.(workspace, chartOf(name), output);
      } else {
        assert.deepEqual(failed.filter((task) => task.startsWith(`${name}:`)), [], result.output);
        testCase.check?.(workspace, chartOf(name), result.output);
      }
      assert.deepEqual(snapshot(workspace.path(chartOf(name))), before_[name], `${chartOf(name)} changed`);
    });
  }

  it('leaves no staging file anywhere in the workspace', () => {
    assert.deepEqual(strayStagingFiles(workspace.root), []);
  });
});

describe('concurrent runs on one workspace', () => {
  let workspace: TestWorkspace;
  before(() => {
    workspace = createWorkspace();
  });
  after(() => workspace.remove());

  it('two `nx run chart:crds` at once end with the chart a single run writes, and no stray staging file', async () => {
    const results = await Promise.all([runNxAsync(workspace.root, ['run', 'chart:crds']), runNxAsync(workspace.root, ['run', 'chart:crds'])]);
    for (const run of results) assert.equal(run.status, 0, run.output);
    // The committed example chart is what a single run writes (pipeline.test.ts checks that).
    assert.deepEqual(readdirSync(workspace.path(CHART_CRDS)).sort(), CRD_FILES);
    for (const file of CRD_FILES) {
      assert.equal(workspace.read(`${CHART_CRDS}/${file}`), readFileSync(join(REPO_ROOT, CHART_CRDS, file), 'utf8'), file);
    }
    assert.deepEqual(strayStagingFiles(workspace.root), []);
    assert.deepEqual(
      readdirSync(workspace.path('dist/nx-helm-crds/chart')).sort(),
      ['helm-crds.json', 'kustomize.yaml', 'verify.json'],
      'dist holds exactly the outputs',
    );
  });
});
