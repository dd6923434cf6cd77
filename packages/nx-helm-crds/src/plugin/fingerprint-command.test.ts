import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { UserError } from '../core/shared/errors';
import { fingerprintCommandFor } from './fingerprint-command';

describe('fingerprintCommandFor', () => {
  let root: string;
  /** A package folder with the fingerprint script, at `path` under the temp root. */
  const pluginAt = (path: string): string => {
    const packageRoot = join(root, path);
    mkdirSync(join(packageRoot, 'dist/bin'), { recursive: true });
    writeFileSync(join(packageRoot, 'dist/bin/nx-helm-crds.js'), '');
    return packageRoot;
  };
  const link = (target: string, path: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    symlinkSync(target, join(root, path), 'dir');
  };
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'nx-helm-crds-fingerprint-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('reaches an npm install through node_modules, and two clones at different paths get the same command', () => {
    const commands = ['clone-a', 'somewhere/else/clone-b'].map((clone) => fingerprintCommandFor(join(root, clone), pluginAt(`${clone}/node_modules/nx-helm-crds`)));
    assert.deepEqual(commands, Array(2).fill('node node_modules/nx-helm-crds/dist/bin/nx-helm-crds.js fingerprint'));
  });

  it("reaches the Nx wrapper's installation under .nx/installation", () => {
    assert.equal(
      fingerprintCommandFor(join(root, 'wrapper'), pluginAt('wrapper/.nx/installation/node_modules/nx-helm-crds')),
      'node .nx/installation/node_modules/nx-helm-crds/dist/bin/nx-helm-crds.js fingerprint',
    );
  });

  it('names node_modules when it links to a package elsewhere (npm workspaces, pnpm, a shared install)', () => {
    const shared = pluginAt('shared-install/node_modules/nx-helm-crds');
    link(join(root, 'shared-install/node_modules'), 'linked/node_modules');
    assert.equal(fingerprintCommandFor(join(root, 'linked'), shared), 'node node_modules/nx-helm-crds/dist/bin/nx-helm-crds.js fingerprint');
    const workspacePackage = pluginAt('monorepo/packages/nx-helm-crds');
    assert.equal(fingerprintCommandFor(join(root, 'monorepo'), workspacePackage), 'node packages/nx-helm-crds/dist/bin/nx-helm-crds.js fingerprint');
    assert.equal(fingerprintCommandFor(workspacePackage, workspacePackage), 'node ./dist/bin/nx-helm-crds.js fingerprint', 'the plugin repository itself');
  });

  it('refuses a plugin outside the workspace, or without its script, saying how to install it', () => {
    const outside = pluginAt('global/lib/nx-helm-crds');
    mkdirSync(join(root, 'plain'), { recursive: true });
    assert.throws(() => fingerprintCommandFor(join(root, 'plain'), outside), (error: unknown) => {
      assert.ok(error instanceof UserError);
      assert.match(error.message, /cannot reach by a relative path .*install the plugin in the workspace \(`npm add -D nx-helm-crds`, or `nx add nx-helm-crds` with the Nx wrapper\)/);
      return true;
    });
    const broken = pluginAt('broken/node_modules/nx-helm-crds');
    rmSync(join(broken, 'dist/bin/nx-helm-crds.js'));
    assert.throws(() => fingerprintCommandFor(join(root, 'broken'), broken), /dist\/bin\/nx-helm-crds\.js is missing/);
  });
});
