/**
 * The dependency rules of the source tree, checked on the TypeScript sources (not dist, where type-only
 * imports are gone): the core never depends on Nx nor on the layers above it, no executor depends on
 * another executor's folder, and only core/yaml imports a YAML library (the reader policy in
 * core/yaml/documents.ts; tests may use one as an independent oracle). Used by src/architecture.test.ts on the
 * real tree and on synthetic ones.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import * as ts from 'typescript';

export interface ImportReference {
  /** The module specifier as written; `undefined` when it is not a string literal (e.g. `import(name)`). */
  readonly specifier: string | undefined;
  /** True for `import type`, `export type ... from` and `import('x').T` in a type: erased at compile time. */
  readonly typeOnly: boolean;
  readonly line: number;
}

export interface Violation {
  /** The importing file, relative to the source root, with '/' separators. */
  readonly file: string;
  readonly line: number;
  /** The specifier as written (or `<computed>`). */
  readonly specifier: string;
  readonly rule: string;
}

/** Every module reference in one TypeScript source: static imports and re-exports, `import()`, `require()`. */
export function importsOf(fileName: string, text: string): ImportReference[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const found: ImportReference[] = [];
  const add = (node: ts.Node, specifier: ts.Node | undefined, typeOnly: boolean) =>
    found.push({
      specifier: specifier && ts.isStringLiteralLike(specifier) ? specifier.text : undefined,
      typeOnly,
      line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1,
    });
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const allNamedTypeOnly =
        clause?.namedBindings !== undefined && ts.isNamedImports(clause.namedBindings) && !clause.name && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((element) => element.isTypeOnly);
      add(node, node.moduleSpecifier, Boolean(clause?.isTypeOnly) || allNamedTypeOnly);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      add(node, node.moduleSpecifier, node.isTypeOnly);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, node.moduleReference.expression, node.isTypeOnly);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, node.argument.literal, true);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isDynamicImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      if (isDynamicImport || isRequire) add(node, node.arguments[0], false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function typeScriptFiles(root: string): string[] {
  return readdirSync(root, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
    .sort();
}

const toPosix = (path: string) => path.split(sep).join('/');

/** `nx` itself, any path in it (`nx/src/...`), and the whole `@nx/` scope (`@nx/devkit`, `@nx/devkit/internal`). */
function isNxPackage(specifier: string): boolean {
  return specifier === 'nx' || specifier.startsWith('nx/') || specifier.startsWith('@nx/');
}

/** `yaml` and `js-yaml`, and any path in them. */
function isYamlLibrary(specifier: string): boolean {
  return /^(yaml|js-yaml)(\/|$)/.test(specifier);
}

const LAYERS_ABOVE_CORE = ['executors', 'plugin', 'generators'];

/** `src/executors/<name>/...` → `<name>`; anything else → undefined. */
function executorFolder(pathFromRoot: string): string | undefined {
  const parts = pathFromRoot.split('/');
  return parts[0] === 'executors' && parts.length > 2 ? parts[1] : undefined;
}

/**
 * Checks every .ts file under `sourceRoot` (a package's `src`). Relative specifiers are resolved against the
 * importing file, so `../../executors/x` from `core/a/b.ts` and `../executors/x` from `core/b.ts` are the same
 * folder. A type-only import of another executor's `schema` is allowed: a task reads a sibling target's
 * options (helm-crds reads its kustomize-build target's), which needs that target's option type but no code.
 */
export function architectureViolations(sourceRoot: string): Violation[] {
  const root = resolve(sourceRoot);
  const violations: Violation[] = [];
  for (const path of typeScriptFiles(root)) {
    const file = toPosix(relative(root, path));
    const inCore = file.startsWith('core/');
    const ownExecutor = executorFolder(file);
    const yamlReader = file.startsWith('core/yaml/') || file.endsWith('.test.ts');
    for (const reference of importsOf(path, readFileSync(path, 'utf8'))) {
      const report = (rule: string) => violations.push({ file, line: reference.line, specifier: reference.specifier ?? '<computed>', rule });
      const { specifier } = reference;
      if (specifier === undefined) {
        if (inCore) report('core: a computed module specifier cannot be checked');
        continue;
      }
      if (!specifier.startsWith('.')) {
        if (inCore && isNxPackage(specifier)) report('core must not import nx or @nx/*');
        if (!yamlReader && isYamlLibrary(specifier)) report('only core/yaml imports a YAML library');
        continue;
      }
      const target = toPosix(relative(root, resolve(dirname(path), specifier)));
      const layer = LAYERS_ABOVE_CORE.find((name) => target === name || target.startsWith(`${name}/`));
      if (inCore && layer) report(`core must not import src/${layer}`);
      const otherExecutor = executorFolder(`${target}/`);
      if (ownExecutor && otherExecutor && otherExecutor !== ownExecutor && otherExecutor !== 'shared') {
        const optionTypes = reference.typeOnly && /^executors\/[^/]+\/schema(\.d)?(\.js)?$/.test(target);
        if (!optionTypes) report(`executor ${ownExecutor} must not import executor ${otherExecutor}`);
      }
    }
  }
  return violations;
}
