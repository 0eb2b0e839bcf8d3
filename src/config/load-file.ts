import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { ConfigError } from '../errors';
import { configFileSchema, type ConfigFile } from './schema';
import { formatIssues } from './issues';

interface SchemaNode {
  _zod: { def: { type: string; innerType?: SchemaNode; in?: SchemaNode; element?: SchemaNode; shape?: Record<string, SchemaNode> } };
}

/** Every key the schema knows at a path, for "did you mean" suggestions. */
function knownKeys(path: readonly PropertyKey[]): string[] {
  const unwrap = (node: SchemaNode | undefined): SchemaNode | undefined => {
    const def = node?._zod.def;
    if (def && ['optional', 'nullable', 'default', 'lazy'].includes(def.type)) return unwrap(def.innerType);
    if (def?.type === 'pipe') return unwrap(def.in);
    return node;
  };
  let node = unwrap(configFileSchema as unknown as SchemaNode);
  for (const part of path) {
    node = unwrap(typeof part === 'number' ? node?._zod.def.element : node?._zod.def.shape?.[String(part)]);
  }
  return Object.keys(node?._zod.def.shape ?? {});
}

/** Read, parse (YAML or JSON) and strictly validate a config file. */
export function loadConfigFile(file: string): ConfigFile {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new ConfigError(`Cannot read config file \`${file}\` (${code ?? 'error'})`, {
      hint: code === 'ENOENT' ? 'check --config / SSM_RENDER_CONFIG, or create ssm-render.yaml' : 'check the file permissions',
      cause,
    });
  }
  const doc = parseDocument(source, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    // Only the first line of the parser's message: the lines after it quote the file, which may hold a password.
    const what = doc.errors[0]?.message.split('\n')[0] ?? 'syntax error';
    throw new ConfigError(`Config file \`${file}\` is not valid YAML or JSON: ${what}`, {
      hint: 'check indentation and quoting near that line',
    });
  }
  const data: unknown = doc.toJS() ?? {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(`Config file \`${file}\` must hold a mapping of settings, got ${Array.isArray(data) ? 'a list' : typeof data}`);
  }
  const checked = checkConfig(data);
  if (!checked.config) {
    throw new ConfigError(`Config file \`${file}\` is invalid: ${checked.problems.join('; ')}`, {
      hint: 'see the config reference in README.md',
    });
  }
  return checked.config;
}

/** Validate parsed config data strictly: the config, or one sentence per problem naming the key and the value. */
export function checkConfig(data: unknown): { config: ConfigFile; problems?: undefined } | { config?: undefined; problems: string[] } {
  const result = configFileSchema.safeParse(data, { reportInput: true });
  return result.success ? { config: result.data } : { problems: formatIssues(result.error.issues, knownKeys) };
}
