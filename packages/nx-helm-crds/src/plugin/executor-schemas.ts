import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonSchema } from '../core/shared/json-schema';
import type { ExecutorOptionNames, OptionExecutor } from './plugin-options';

export type ExecutorSchemas = Readonly<Record<OptionExecutor, JsonSchema>>;

let schemas: ExecutorSchemas | undefined;

/** The executors' schema.json files (shipped in the package), read once per process. */
export function readExecutorSchemas(): ExecutorSchemas {
  const read = (executor: OptionExecutor) => JSON.parse(readFileSync(join(__dirname, '..', '..', 'src', 'executors', executor, 'schema.json'), 'utf8')) as JsonSchema;
  schemas ??= { 'kustomize-build': read('kustomize-build'), 'helm-crds': read('helm-crds'), verify: read('verify') };
  return schemas;
}

export function executorOptionNames(schemas: ExecutorSchemas): ExecutorOptionNames {
  return {
    'kustomize-build': Object.keys(schemas['kustomize-build'].properties ?? {}),
    'helm-crds': Object.keys(schemas['helm-crds'].properties ?? {}),
    verify: Object.keys(schemas.verify.properties ?? {}),
  };
}
