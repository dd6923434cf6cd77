import { closeSync, openSync, readSync, realpathSync } from 'node:fs';
import { basename } from 'node:path';
import { fileIdentity, type IdentityMemo } from '../fs/identity-memo';
import type { ToolCommand } from './tool-resolution';

/** ELF, Mach-O (32/64-bit, either byte order, universal) and PE: compiled executables. */
const NATIVE_MAGIC = [[0x7f, 0x45, 0x4c, 0x46], [0xfe, 0xed, 0xfa, 0xce], [0xfe, 0xed, 0xfa, 0xcf], [0xce, 0xfa, 0xed, 0xfe], [0xcf, 0xfa, 0xed, 0xfe], [0xca, 0xfe, 0xba, 0xbe], [0x4d, 0x5a]];

function startsWithNativeMagic(path: string): boolean {
  const head = Buffer.alloc(4);
  let length = 0;
  try {
    const descriptor = openSync(path, 'r');
    try {
      length = readSync(descriptor, head, 0, 4, 0);
    } finally {
      closeSync(descriptor);
    }
  } catch {
    return false;
  }
  return NATIVE_MAGIC.some((magic) => magic.length <= length && magic.every((byte, index) => head[index] === byte));
}

/**
 * Whether the tool's version follows from its file alone: a compiled executable named for the tool (with an
 * optional version suffix: kubectl, kustomize-v5.6.0, helm.exe). Scripts (asdf shims), dispatchers named
 * otherwise (mise and aqua link every tool to their own binary) and anything in a shims folder (proto's
 * compiled shims) pick a version from the directory, the environment or a config file, so they are asked
 * every time.
 */
function versionFollowsFromFile(file: string, names: readonly string[]): boolean {
  let real;
  try {
    real = realpathSync(file);
  } catch {
    return false;
  }
  const name = basename(real).toLowerCase().replace(/\.exe$/, '');
  const namedForTool = names.some((toolName) => new RegExp(`^${toolName}(?:[-_.]?v?\\d[\\w.+-]*)?$`).test(name));
  const inShims = [file, real].some((path) => path.split(/[\\/]/).includes('shims'));
  return namedForTool && !inShims && startsWithNativeMagic(real);
}

/**
 * `probe(tool)`, remembered under the identity of the tool's file when the version follows from the file
 * alone: asking kubectl costs 0.1 s and helm as much, and every inference asks (the versions are in the cache keys).
 */
export function rememberedToolVersion(memo: IdentityMemo, tool: ToolCommand, names: readonly string[], probe: (tool: ToolCommand) => string, now = Date.now()): string {
  const identity = () => (versionFollowsFromFile(tool.file, names) ? fileIdentity(tool.file, now) : undefined);
  return memo.remembered(`${names.join('/')} version ${tool.args.join(' ')}`, identity, () => probe(tool));
}
