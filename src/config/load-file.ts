import { closeSync, openSync, readSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError } from '../errors';
import { configFileSchema, type ConfigFile } from './schema';
import { findDuplicateKey } from './duplicate-keys';
import { formatIssues } from './issues';

interface SchemaNode {
  _zod: { def: { type: string; innerType?: SchemaNode; element?: SchemaNode; shape?: Record<string, SchemaNode> } };
}

/** Every key the schema knows at a path, for "did you mean" suggestions. */
function knownKeys(path: readonly PropertyKey[]): string[] {
  // Mappings in the schema are wrapped only in optional(); walk through that to their keys.
  const unwrap = (node: SchemaNode | undefined): SchemaNode | undefined => (node?._zod.def.type === 'optional' ? unwrap(node._zod.def.innerType) : node);
  let node = unwrap(configFileSchema as unknown as SchemaNode);
  for (const part of path) {
    node = unwrap(typeof part === 'number' ? node?._zod.def.element : node?._zod.def.shape?.[String(part)]);
  }
  return Object.keys(node?._zod.def.shape ?? {});
}

/** A config file larger than this is refused unread: it is a mistake or an attack, never settings. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** How many copies aliases (`*name`) may expand to, counted as the yaml package counts them. */
const MAX_ALIAS_COUNT = 100;

function readBounded(file: string): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buffer = Buffer.allocUnsafe(MAX_CONFIG_BYTES + 1);
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > MAX_CONFIG_BYTES) {
      throw new ConfigError(`Config file \`${file}\` is larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MiB, the limit for a config file`, {
        hint: 'check --config / SSM_RENDER_CONFIG names the config file, not a data file',
      });
    }
    return buffer.toString('utf8', 0, length);
  } catch (cause) {
    if (cause instanceof ConfigError) throw cause;
    const code = (cause as NodeJS.ErrnoException).code;
    throw new ConfigError(`Cannot read config file \`${file}\` (${code ?? 'error'})`, {
      hint: code === 'ENOENT' ? 'check --config / SSM_RENDER_CONFIG, or create ssm-render.yaml' : 'check the file permissions',
      cause,
    });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function parseConfigText(source: string, file: string): unknown {
  const lines = new LineCounter();
  // uniqueKeys off: the package's check is quadratic in the keys of a mapping; findDuplicateKey is linear.
  const doc = parseDocument(source, { prettyErrors: true, uniqueKeys: false, lineCounter: lines });
  if (doc.errors.length > 0) {
    // Only the first line of the parser's message: the lines after it quote the file, which may hold a password.
    const what = doc.errors[0]?.message.split('\n')[0] ?? 'syntax error';
    throw new ConfigError(`Config file \`${file}\` is not valid YAML or JSON: ${what}`, {
      hint: 'check indentation and quoting near that line',
    });
  }
  const duplicate = findDuplicateKey(doc.contents, lines);
  if (duplicate) {
    throw new ConfigError(`Config file \`${file}\` sets \`${duplicate.path}\` twice, at line ${duplicate.firstLine} and line ${duplicate.line}`, {
      hint: 'keep one of them',
    });
  }
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (cause) {
    if (!(cause instanceof ReferenceError)) throw cause;
    throw new ConfigError(`Config file \`${file}\` expands its aliases (\`*name\`) into more than ${MAX_ALIAS_COUNT} copies`, {
      hint: 'write the repeated settings out, or alias fewer and smaller parts',
      cause,
    });
  }
}

/** Read, parse (YAML or JSON) and strictly validate a config file. */
export function loadConfigFile(file: string): ConfigFile {
  const data: unknown = parseConfigText(readBounded(file), file) ?? {};
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
