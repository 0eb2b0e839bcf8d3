import { parseDocument } from 'yaml';

/** The `yaml` package (YAML 1.2, core schema); mappings as Maps so that key types survive. */
export function readYamlNpm(text: string): unknown {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw doc.errors[0];
  if (doc.warnings.length > 0) throw doc.warnings[0];
  return doc.toJS({ mapAsMap: true });
}
