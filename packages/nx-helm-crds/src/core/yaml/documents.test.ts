import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UserError } from '../shared/errors';
import { ALIAS_BOMB } from '../../testing/yaml-fixtures';
import { splitExactly, splitYamlDocuments } from './documents';

describe('splitYamlDocuments', () => {
  it('keeps each document text byte for byte, without the --- markers', () => {
    const first = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a   # odd spacing kept\n';
    const second = '# leading comment\napiVersion: v1\nkind: Secret\nstringData: {b: "c"}\n';
    const documents = splitYamlDocuments(`${first}---\n${second}`, 'stream');
    assert.deepEqual(documents.map((document) => document.text), [first, second]);
    assert.deepEqual(documents[1].value, { apiVersion: 'v1', kind: 'Secret', stringData: { b: 'c' } });
    assert.deepEqual(documents.map((document) => document.line), [1, 6]);
  });

  it("keeps the first document's leading comments, as it keeps those of later documents", () => {
    const first = '# Source: config/crd\n# generated\napiVersion: v1\nkind: ConfigMap\n';
    const documents = splitYamlDocuments(`\n${first}---\n# second\nb: 1\n`, 'stream');
    assert.deepEqual(documents.map((document) => document.text), [first, '# second\nb: 1\n']);
    assert.deepEqual(documents.map((document) => document.line), [2, 7]);
    assert.equal(splitYamlDocuments('%YAML 1.2\n---\na: 1\n', 's')[0].text, 'a: 1\n', 'a directive is not a comment');
  });

  it('drops empty documents and explicit end markers', () => {
    const documents = splitYamlDocuments('---\na: 1\n...\n---\n---\nb: [1, 2]\n', 's');
    assert.deepEqual(documents.map((document) => document.value), [{ a: 1 }, { b: [1, 2] }]);
    assert.equal(documents[0].text, 'a: 1\n');
  });

  it('resolves anchors and aliases', () => {
    const [document] = splitYamlDocuments('base: &b {x: 1}\ncopy: *b\n', 's');
    assert.deepEqual(document.value, { base: { x: 1 }, copy: { x: 1 } });
  });

  it('adds the final newline a document lacks', () => {
    assert.equal(splitYamlDocuments('a: 1', 's')[0].text, 'a: 1\n');
  });

  it('names the stream and the line of invalid YAML', () => {
    assert.throws(
      () => splitYamlDocuments('a: 1\n---\nb: [unclosed\n', 'the output of kustomize build config/crd'),
      (error: unknown) => error instanceof UserError && /the output of kustomize build config\/crd is not valid YAML.*line \d+/s.test(error.message),
    );
  });

  it('rejects duplicate keys, which Kubernetes would silently collapse', () => {
    assert.throws(() => splitYamlDocuments('a: 1\na: 2\n', 'dup.yaml'), /dup\.yaml is not valid YAML/);
  });
});

describe('the fast split agrees with the full parser', () => {
  const streams: Record<string, string> = {
    'kustomize output': 'apiVersion: v1\nkind: A\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: B\nspec:\n  description: |-\n    text with --- inside\n    ... and dots\n',
    'comments between documents': 'a: 1\n# trailing comment\n\n---\n# leading comment\nb: 2\n',
    'end markers and comments after them': '---\na: 1\n...\n# dropped\n---\nb: [1, 2]\n...\n',
    'blank lines first and a trailing marker': '\n\na: 1\n---\n',
    'flow style, anchors and quoted keys': 'a: &x {b: [1, "two", 3.5, null, true]}\nc: *x\n"d e": \'f\'\n---\n- 1\n- {g: h}\n',
    'CRLF line endings': 'a: 1\r\n---\r\nb: 2\r\n',
    'unicode and long strings': `name: "caf\u00e9 \u{1F680}"\ndescription: ${'x'.repeat(5000)}\n`,
    'scalars of the core schema': 'a: 0x1F\nb: 0o17\nc: .inf\nd: -.Inf\ne: ~\nf: 1e3\ng: "2001-12-14"\nh: 2001-12-14\ni: yes\n',
    'comments above the first marker': '# header\n---\na: 1\n',
    'a directive': '%YAML 1.2\n---\na: 1\n',
    'a comment on a marker line': 'a: 1\n--- # second\nb: 2\n',
  };
  for (const [name, stream] of Object.entries(streams)) {
    it(name, () => {
      const fast = splitYamlDocuments(stream, 's');
      const exact = splitExactly(stream, 's');
      assert.deepEqual(
        fast.map(({ text, value, line }) => ({ text, value, line })),
        exact.map(({ text, value, line }) => ({ text, value, line })),
      );
    });
  }

  it('gives documents with the same text the same parsed value without parsing again', () => {
    const text = 'kind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.io\n';
    const [fromKustomize] = splitYamlDocuments(`${text}---\nkind: Other\n`, 'kustomize');
    const [fromChart] = splitYamlDocuments(text, 'chart');
    assert.equal(fromChart.value, fromKustomize.value);
  });
});

describe('alias expansion is capped', () => {
  it('refuses an alias bomb quickly, naming the stream and the line, on the fast path and the full parser alike', () => {
    for (const stream of [`kind: ConfigMap\n---\n${ALIAS_BOMB}\n`, `%YAML 1.2\n---\nkind: ConfigMap\n---\n${ALIAS_BOMB}\n`]) {
      const start = Date.now();
      assert.throws(
        () => splitYamlDocuments(stream, 'charts/demo/crds/bomb.yaml'),
        (error: unknown) =>
          error instanceof UserError &&
          /^charts\/demo\/crds\/bomb\.yaml is refused: the YAML aliases of the document at line \d+ expand to more than 10000 copies \(aliases of aliases, as in an "alias bomb", grow exponentially\)\./.test(error.message),
      );
      assert.ok(Date.now() - start < 2000, `took ${Date.now() - start} ms`);
    }
  });

  it('still resolves anchors used to share parts of a document', () => {
    const shared = `common: &c {type: string}\nproperties:\n${Array.from({ length: 200 }, (_, index) => `  p${index}: *c`).join('\n')}\n`;
    const [document] = splitYamlDocuments(shared, 's');
    assert.deepEqual((document.value as { properties: Record<string, unknown> }).properties.p199, { type: 'string' });
  });
});
