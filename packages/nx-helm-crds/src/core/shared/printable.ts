/**
 * A value from untrusted input (a chart file's name, a CRD name read from a chart, a kustomization folder) as
 * one printable line: control characters become `\uXXXX`. A newline would otherwise start a new line in a YAML
 * comment, a log (where GitHub reads `::command::` lines) or a Markdown table.
 */
export function printable(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
