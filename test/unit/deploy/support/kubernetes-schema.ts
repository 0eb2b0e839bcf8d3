import { createRequire } from 'node:module';
import ts from 'typescript';
import { REPO, repoPath, type Json } from './repo';

const load = createRequire(repoPath('package.json'));

export interface Manifest {
  /** `file` or `file#2` for the third document of a file, for messages. */
  readonly where: string;
  readonly doc: Json;
}

const modelPath = (doc: Json) => `kubernetes-models/${String(doc['apiVersion'])}/${String(doc['kind'])}`;

/**
 * Types, formats, enums and required fields, checked by kubernetes-models with the JSON schema it
 * generates from the Kubernetes OpenAPI document (its version knows init-container restartPolicy).
 */
export function schemaProblems({ where, doc }: Manifest): string[] {
  let Model: (new (data: Json) => { validate(): void }) | undefined;
  try {
    Model = (load(modelPath(doc)) as Record<string, new (data: Json) => { validate(): void }>)[String(doc['kind'])];
  } catch {
    Model = undefined;
  }
  if (!Model) return [`${where}: unknown apiVersion/kind ${String(doc['apiVersion'])}/${String(doc['kind'])}`];
  try {
    new Model(doc).validate();
    return [];
  } catch (error) {
    return [`${where}: ${(error as Error).message}`];
  }
}

/**
 * Fields the API does not know (a typo such as `readOnlyRootFileSystem` passes the JSON schema,
 * whose objects allow extra properties, and the API server would drop it silently): each manifest
 * becomes an object literal of kubernetes-models' interface for its kind, and TypeScript's
 * excess-property check reports every unknown field at any depth.
 */
export function unknownFieldProblems(manifests: readonly Manifest[]): string[] {
  const file = repoPath('test/unit/deploy/__kubernetes_manifests__.ts');
  const imports = manifests.map((m, i) => `import type { I${String(m.doc['kind'])} as T${i} } from '${modelPath(m.doc)}';`);
  const consts = manifests.map((m, i) => `export const m${i}: T${i} = ${JSON.stringify(m.doc)};`);
  const source = [...imports, ...consts].join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    types: [],
    skipLibCheck: true,
    baseUrl: REPO,
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) => (name === file ? ts.createSourceFile(name, source, language) : getSourceFile(name, language, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1;
    const index = line - imports.length;
    const where = manifests[index]?.where ?? (line >= 0 && line < imports.length ? manifests[line]?.where : undefined) ?? 'manifests';
    return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}
