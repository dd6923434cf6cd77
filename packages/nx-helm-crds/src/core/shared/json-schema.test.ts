import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatSchemaPath, schemaProblems, type JsonSchema } from './json-schema';

const schema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string' },
    mode: { type: 'string', enum: ['a', 'b'] },
    timeout: { type: 'number', minimum: 0 },
    tags: { type: 'array', items: { type: 'string' } },
    entries: { type: 'object', additionalProperties: { type: 'object', additionalProperties: false, properties: { on: { type: 'boolean' } } } },
  },
};

const problems = (value: unknown) => schemaProblems(value, schema).map((problem) => `${formatSchemaPath('$', problem.path)}: ${problem.message}`);

describe('schemaProblems', () => {
  it('accepts a valid value', () => {
    assert.deepEqual(problems({ name: 'x', mode: 'a', timeout: 1.5, tags: ['t'], entries: { 'a/b': { on: true } } }), []);
  });

  it('names every problem by its path, with the value found', () => {
    assert.deepEqual(problems({ mode: 'c', timeout: -1, tags: ['t', 3], entries: { 'a/b': { of: true }, c: 'x' }, nmae: 'x' }), [
      '$.name: required',
      '$.mode: "c" is not one of "a", "b"',
      '$.timeout: -1 is below the minimum 0',
      '$.tags[1]: expected string, got 3',
      '$.entries["a/b"].of: unknown key; did you mean "on"?',
      '$.entries.c: expected object, got "x"',
      '$.nmae: unknown key; did you mean "name"?',
    ]);
  });

  it('reports a wrong type once, without looking inside', () => {
    assert.deepEqual(problems(['x']), ['$: expected object, got an array']);
    assert.deepEqual(problems({ name: 'x', entries: [] }), ['$.entries: expected object, got an array']);
    assert.deepEqual(problems({ name: 'x', entries: { e: {} }, timeout: 'slow' }), ['$.timeout: expected number, got "slow"']);
  });

  it('suggests nothing for a key unlike any known one', () => {
    assert.deepEqual(problems({ name: 'x', unrelated: 1 }), ['$.unrelated: unknown key']);
  });
});
