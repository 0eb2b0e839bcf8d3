import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The repository's top directory. */
export const REPO = resolve(__dirname, '../../../..');

export const repoPath = (...parts: string[]): string => join(REPO, ...parts);

export const readRepoFile = (...parts: string[]): string => readFileSync(repoPath(...parts), 'utf8');

export type Json = Record<string, unknown>;

/** Every document of a YAML text, parsed strictly: a syntax error or a duplicate key throws. */
export function yamlDocuments(text: string, options: { merge?: boolean } = {}): Json[] {
  const docs = parseAllDocuments(text, { merge: options.merge ?? false, uniqueKeys: true });
  if (!Array.isArray(docs)) return [];
  return docs.map((doc) => {
    if (doc.errors.length > 0) throw new Error(`not valid YAML: ${doc.errors.map((e) => e.message.split('\n')[0]).join('; ')}`);
    return doc.toJS() as Json;
  });
}

/** The single document of a YAML text. */
export function yamlDocument(text: string, options: { merge?: boolean } = {}): Json {
  const docs = yamlDocuments(text, options);
  if (docs.length !== 1) throw new Error(`expected one YAML document, got ${docs.length}`);
  return docs[0] as Json;
}

/** `value` as an object, for walking parsed manifests without casts at every step. */
export const obj = (value: unknown): Json => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});

export const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export const strings = (value: unknown): string[] => list(value).map(String);
