import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { UserError } from '../shared/errors';
import { findOnPath, KUSTOMIZE_ENV, resolveKustomize } from './tool-resolution';

describe('tool resolution', () => {
  let root: string;
  /** Directory `name` under the temp root, with executable scripts `executables` and plain files `plain`. */
  const directory = (name: string, executables: string[] = [], plain: string[] = []): string => {
    const path = join(root, name);
    mkdirSync(path, { recursive: true });
    for (const file of executables) {
      writeFileSync(join(path, file), '#!/bin/sh\nexit 0\n');
      chmodSync(join(path, file), 0o755);
    }
    for (const file of plain) writeFileSync(join(path, file), 'not executable\n', { mode: 0o644 });
    return path;
  };
  const pathOf = (...directories: string[]): string => directories.join(delimiter);
  let notExecutable: string, subdirectory: string, both: string, kubectlOnly: string, kustomizeOnly: string, empty: string, workspace: string;

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'nx-helm-crds-tools-'));
    notExecutable = directory('not-executable', [], ['kustomize', 'kubectl']);
    subdirectory = directory('subdirectory');
    mkdirSync(join(subdirectory, 'kustomize'));
    both = directory('both', ['kustomize', 'kubectl']);
    kubectlOnly = directory('kubectl-only', ['kubectl']);
    kustomizeOnly = directory('kustomize-only', ['kustomize']);
    empty = directory('empty');
    workspace = directory('workspace');
    directory('workspace/tools/bin', ['my-kustomize', 'kubectl-1.33'], ['plain']);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  describe('findOnPath', () => {
    it('returns the first executable file of that name, skipping plain files, directories and empty entries', () => {
      assert.equal(findOnPath('kustomize', pathOf('', notExecutable, subdirectory, kustomizeOnly, both)), join(kustomizeOnly, 'kustomize'));
      assert.equal(findOnPath('kubectl', pathOf(notExecutable, both, kubectlOnly)), join(both, 'kubectl'));
    });

    it('returns undefined when nothing matches', () => {
      assert.equal(findOnPath('kustomize', pathOf(notExecutable, subdirectory, kubectlOnly, empty)), undefined);
      assert.equal(findOnPath('kustomize', ''), undefined);
    });
  });

  describe('resolveKustomize', () => {
    it('prefers the explicit option, resolving a relative path against the workspace root', () => {
      const env = { [KUSTOMIZE_ENV]: join(both, 'kustomize'), PATH: pathOf(both) };
      assert.deepEqual(resolveKustomize({ explicit: 'tools/bin/my-kustomize', workspaceRoot: workspace, env }), {
        file: join(workspace, 'tools/bin/my-kustomize'),
        args: ['build'],
        origin: 'the kustomize option',
      });
    });

    it('gives a kubectl binary the kustomize subcommand, whatever its version suffix', () => {
      assert.deepEqual(resolveKustomize({ explicit: './tools/bin/kubectl-1.33', workspaceRoot: workspace, env: {} }), {
        file: join(workspace, 'tools/bin/kubectl-1.33'),
        args: ['kustomize'],
        origin: 'the kustomize option',
      });
    });

    it('looks an explicit command name up on the given PATH', () => {
      assert.deepEqual(resolveKustomize({ explicit: 'kubectl', workspaceRoot: workspace, env: { PATH: pathOf(kubectlOnly) } }), {
        file: join(kubectlOnly, 'kubectl'),
        args: ['kustomize'],
        origin: 'the kustomize option',
      });
    });

    it('then takes $NX_HELM_CRDS_KUSTOMIZE over PATH', () => {
      const env = { [KUSTOMIZE_ENV]: join(kubectlOnly, 'kubectl'), PATH: pathOf(kustomizeOnly) };
      assert.deepEqual(resolveKustomize({ workspaceRoot: workspace, env }), {
        file: join(kubectlOnly, 'kubectl'),
        args: ['kustomize'],
        origin: '$NX_HELM_CRDS_KUSTOMIZE',
      });
      assert.equal(resolveKustomize({ explicit: '', workspaceRoot: workspace, env }).origin, '$NX_HELM_CRDS_KUSTOMIZE');
    });

    it('then takes kustomize on PATH before kubectl, even from a later PATH entry', () => {
      assert.deepEqual(resolveKustomize({ workspaceRoot: workspace, env: { PATH: pathOf(kubectlOnly, kustomizeOnly) } }), {
        file: join(kustomizeOnly, 'kustomize'),
        args: ['build'],
        origin: 'PATH',
      });
    });

    it('falls back to kubectl on PATH', () => {
      assert.deepEqual(resolveKustomize({ workspaceRoot: workspace, env: { PATH: pathOf(notExecutable, kubectlOnly) } }), {
        file: join(kubectlOnly, 'kubectl'),
        args: ['kustomize'],
        origin: 'PATH',
      });
    });

    it('fails with an actionable UserError for a missing or non-executable explicit binary, without falling back', () => {
      const env = { PATH: pathOf(both) };
      for (const explicit of ['tools/bin/missing', 'tools/bin/plain', 'tools/bin', 'no-such-command']) {
        assert.throws(
          () => resolveKustomize({ explicit, workspaceRoot: workspace, env }),
          (error: unknown) =>
            error instanceof UserError &&
            error.message.startsWith(`kustomize was configured as "${explicit}" by the kustomize option, but that is not an executable file`) &&
            error.message.includes('Point it at a kustomize or kubectl binary') &&
            error.message.includes('or install one (https://kubectl.docs.kubernetes.io/installation/kustomize/)') &&
            error.message.includes(explicit.includes('/') ? `(looked at ${join(workspace, explicit)})` : '(not found on PATH)'),
          explicit,
        );
      }
    });

    it('fails naming the environment variable when it points nowhere', () => {
      assert.throws(
        () => resolveKustomize({ workspaceRoot: workspace, env: { [KUSTOMIZE_ENV]: '/nonexistent/kustomize', PATH: pathOf(both) } }),
        (error: unknown) => error instanceof UserError && error.message.startsWith('kustomize was configured as "/nonexistent/kustomize" by $NX_HELM_CRDS_KUSTOMIZE'),
      );
    });

    it('fails with install advice when nothing is on PATH, and searches only the given environment', () => {
      const check = (error: unknown): boolean =>
        error instanceof UserError &&
        error.message.startsWith('Cannot find kustomize: neither `kustomize` nor `kubectl` is on PATH.') &&
        error.message.includes('https://kubectl.docs.kubernetes.io/installation/kustomize/') &&
        error.message.includes('$NX_HELM_CRDS_KUSTOMIZE');
      assert.throws(() => resolveKustomize({ workspaceRoot: workspace, env: { PATH: pathOf(empty, notExecutable, subdirectory) } }), check);
      // No PATH in the given environment means nothing is on PATH, not "use this process's PATH".
      assert.throws(() => resolveKustomize({ workspaceRoot: workspace, env: {} }), check);
    });
  });
});
