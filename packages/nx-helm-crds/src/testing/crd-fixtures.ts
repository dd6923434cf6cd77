/** Small CRD documents for unit tests (not shipped: dist/testing is left out of the package). */

export function crdYaml(plural: string, group: string, extra = ''): string {
  const kind = plural[0].toUpperCase() + plural.slice(1, -1);
  return (
    `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: ${plural}.${group}\n${extra}` +
    `spec:\n  group: ${group}\n  names:\n    kind: ${kind}\n    plural: ${plural}\n  scope: Namespaced\n` +
    '  versions:\n  - name: v1\n    served: true\n    storage: true\n'
  );
}
