import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './tools';

const SOURCE = fileURLToPath(new URL('./ReadProperties.java', import.meta.url));
let classes: string | undefined;

export interface LoadedProperties {
  /** `Properties.load(InputStream)`, which reads ISO-8859-1. */
  stream: Map<string, string>;
  /** `Properties.load(Reader)` over UTF-8. */
  reader: Map<string, string>;
}

/**
 * Loads `path` with java.util.Properties. ReadProperties.java is compiled once per process (running
 * `java ReadProperties.java` directly works too, but compiles on every call, ~1 s each).
 */
export function readJavaProperties(path: string): LoadedProperties {
  if (classes === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'ssm-render-java-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    run('javac', ['-d', dir, SOURCE], { env: process.env });
    classes = dir;
  }
  const out = run('java', ['-Xshare:auto', '-cp', classes, 'ReadProperties', path], { env: process.env });
  const loaded: LoadedProperties = { stream: new Map(), reader: new Map() };
  for (const line of out.toString('utf8').split('\n')) {
    if (line === '') continue;
    const [how, key, value] = line.split('\t') as [keyof LoadedProperties, string, string];
    loaded[how].set(decode(key), decode(value));
  }
  return loaded;
}

function decode(base64: string): string {
  return Buffer.from(base64, 'base64').toString('utf8');
}
