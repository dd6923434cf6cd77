import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crdYaml } from '../../testing/crd-fixtures';
import { renderedChartFiles } from './rendering';

describe('renderedChartFiles', () => {
  it('groups rendered documents by the chart file they came from', () => {
    const stream =
      `---\n# Source: op/crds/example.io_widgets.yaml\n${crdYaml('widgets', 'example.io')}` +
      `---\n# Source: op/templates/crd/all.yaml\n${crdYaml('gadgets', 'example.io')}` +
      `---\n# Source: op/templates/crd/all.yaml\n${crdYaml('gizmos', 'example.io')}` +
      '---\n# Source: op/templates/deployment.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n';
    const files = renderedChartFiles(stream, 'charts/op');
    assert.deepEqual(
      files.map((file) => [file.path, file.kind, file.documents?.length]),
      [
        ['crds/example.io_widgets.yaml', 'plain', 1],
        ['templates/crd/all.yaml', 'plain', 2],
        ['templates/deployment.yaml', 'plain', 1],
      ],
    );
  });
});
