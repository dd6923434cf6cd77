#!/usr/bin/env node
/**
 * Helpers that Nx `runtime` inputs call to put what a file glob cannot express into cache keys:
 * the plugin's own code and the kustomize and helm versions.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { rememberedPluginCodeFingerprint } from '../core/fs/fingerprints';
import { IdentityMemo } from '../core/fs/identity-memo';
import { HELM_BINARIES, KUSTOMIZE_BINARIES, resolveHelm, resolveKustomize, type ToolCommand } from '../core/process/tool-resolution';
import { rememberedToolVersion } from '../core/process/tool-versions';
import { FINGERPRINT_MEMO } from '../constants';

// Loaded only when the memo cannot answer: this script runs before every Nx task hash, so its start-up counts.
const kustomizeVersion = (tool: ToolCommand) => (require('../core/kustomize/client') as typeof import('../core/kustomize/client')).kustomizeVersion(tool);
const helmVersion = (tool: ToolCommand) => (require('../core/helm/client') as typeof import('../core/helm/client')).helmVersion(tool);

const USAGE = `Usage: nx-helm-crds fingerprint [--kustomize [<command>]] [--helm [<command>]]

Prints what a cache key needs and file globs cannot express, one line each, for use as an Nx "runtime" input:
  nx-helm-crds <version> <hash of the plugin's code>   always
  kustomize <version>                                   with --kustomize (the same lookup as the executor)
  helm <version> | helm not found                       with --helm (the same lookup as verify)
The versions and the code hash are kept in Nx's workspace data directory (nx-helm-crds-fingerprint-memo.json,
cleared by nx reset) under the identity of the files they come from, so the next command does not ask the tools
again. Run it from the workspace root, as Nx does.`;

function fingerprint(args: string[]): string[] {
  const packageRoot = join(__dirname, '..', '..');
  const { version } = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string };
  const memo = IdentityMemo.open(memoFile(process.env));
  try {
    return [`nx-helm-crds ${version} ${rememberedPluginCodeFingerprint(memo, packageRoot)}`, ...toolLines(memo, args)];
  } finally {
    memo.save();
  }
}

function toolLines(memo: IdentityMemo, args: readonly string[]): string[] {
  const lines: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const flag = args[index];
    const value = args[index + 1]?.startsWith('--') ? undefined : args[index + 1];
    if (value !== undefined) index++;
    if (flag === '--kustomize') {
      const kustomize = resolveKustomize({ explicit: value, workspaceRoot: process.cwd() });
      lines.push(`kustomize ${rememberedToolVersion(memo, kustomize, KUSTOMIZE_BINARIES, kustomizeVersion)}`);
    } else if (flag === '--helm') {
      lines.push(`helm ${helmVersionOrAbsent(memo, value)}`);
    } else {
      throw new Error(`Unknown argument ${flag}.\n${USAGE}`);
    }
  }
  return lines;
}

/**
 * The memo in Nx's workspace data directory, found from the environment as Nx finds it, so the runtime command
 * names no path: the command is part of the cache key, and must be the same wherever the directory is.
 */
function memoFile(env: NodeJS.ProcessEnv): string {
  return resolve(env.NX_WORKSPACE_DATA_DIRECTORY || env.NX_PROJECT_GRAPH_CACHE_DIRECTORY || join('.nx', 'workspace-data'), FINGERPRINT_MEMO);
}

/** verify renders only when helm exists, so "not found" is a cache key of its own rather than an error. */
function helmVersionOrAbsent(memo: IdentityMemo, explicit: string | undefined): string {
  let helm;
  try {
    helm = resolveHelm({ explicit, workspaceRoot: process.cwd() });
  } catch {
    return 'not found';
  }
  return rememberedToolVersion(memo, helm, HELM_BINARIES, helmVersion);
}

function main(argv: string[]): number {
  const [command, ...args] = argv;
  if (command !== 'fingerprint') {
    console.log(USAGE);
    return command === undefined || command === '--help' || command === '-h' ? 0 : 2;
  }
  try {
    console.log(fingerprint(args).join('\n'));
    return 0;
  } catch (error) {
    // Printed, not thrown: Nx does not fail a task whose runtime input fails, it hashes what the command
    // printed. The message (without a stack trace, whose paths differ between clones) makes a key no
    // successful run had, so the task runs, and the executor, resolving the same tool, fails with it.
    console.log(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
