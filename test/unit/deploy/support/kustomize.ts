import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { readRepoFile, repoPath, strings, yamlDocument, yamlDocuments, type Json } from './repo';
import type { Manifest } from './kubernetes-schema';

const KEYS = new Set(['apiVersion', 'kind', 'resources']);

/** Every manifest a kustomization (a directory under the repo) pulls in, following `../base`. */
export function kustomizationManifests(dir: string, problems: string[] = []): Manifest[] {
  const file = join(dir, 'kustomization.yaml');
  const k = yamlDocument(readRepoFile(file));
  if (k['apiVersion'] !== 'kustomize.config.k8s.io/v1beta1' || k['kind'] !== 'Kustomization')
    problems.push(`${file}: not a kustomize.config.k8s.io/v1beta1 Kustomization`);
  for (const key of Object.keys(k)) if (!KEYS.has(key)) problems.push(`${file}: unexpected key \`${key}\` (these examples use only resources)`);
  return strings(k['resources']).flatMap((resource) => {
    const path = join(dir, resource);
    if (!existsSync(repoPath(path))) {
      problems.push(`${file}: resource ${resource} does not exist`);
      return [];
    }
    if (statSync(repoPath(path)).isDirectory()) return kustomizationManifests(path, problems);
    return yamlDocuments(readRepoFile(path)).map((doc, i, all) => ({ where: all.length > 1 ? `${path}#${i}` : path, doc }));
  });
}

/** Every YAML file under `dir` (relative to the repo), kustomizations apart. */
export function manifestFiles(dir: string): { manifests: string[]; kustomizations: string[] } {
  const files = readdirSync(repoPath(dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => join(dir, f))
    .sort();
  const kustomizations = files.filter((f) => /(^|\/)kustomization\.yaml$/.test(f)).map((f) => dirname(f));
  return { manifests: files.filter((f) => !/kustomization\.yaml$/.test(f)), kustomizations };
}

export const byKind = (manifests: readonly Manifest[], kind: string): Json[] => manifests.filter((m) => m.doc['kind'] === kind).map((m) => m.doc);

export const shortPath = (path: string): string => relative(repoPath(), repoPath(path));
