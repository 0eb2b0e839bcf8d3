import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch } from 'node:os';
import { dirname, join } from 'node:path';
import { debuglog } from 'node:util';
import { Script } from 'node:vm';

// NODE_DEBUG=ssm-render-code-cache says what happened to the cache, on stderr.
const debug = debuglog('ssm-render-code-cache');

export interface CodeCacheOptions {
  /** The CommonJS file to run (the CLI bundle). */
  readonly file: string;
  /** A digest of that file's text, made by the build. */
  readonly digest: string;
  /**
   * Names this run's cache among the bundle's: each command keeps the code it compiled (`version`
   * compiles a fifth of what `render` does). Any of them is valid for any run; it only selects.
   */
  readonly command: string;
  /** The directory the cache lives in. */
  readonly dir: string;
  /** What else V8 checks a cache against: the node flags (execArgv, NODE_OPTIONS). */
  readonly flags: string;
  readonly uid: number;
  readonly onExit: (write: () => void) => void;
}

/**
 * Runs `file` as a CommonJS module through V8's code cache kept in `dir`: a start reads the
 * compiled code instead of parsing and compiling the bundle again. The cache is made at the end of a
 * run, so it holds every function that run compiled (Node's own compile cache keeps only what is
 * compiled before the module runs), one a command. It is V8 code for the bundle's text and nothing
 * else: no value of a run (environment, credentials, parameters, time) is in it. A cache that is
 * missing, not ours, open to others' writes or refused by V8 (another node, other flags) is made
 * again at exit when the directory is writable, silently not otherwise.
 */
export function runWithCodeCache(options: CodeCacheOptions): void {
  const { file, dir } = options;
  const stat = statSync(file);
  // The build's digest and the file's size and time, so that an edited bundle never runs old code.
  const key = createHash('sha256')
    .update([options.digest, stat.size, stat.mtimeMs, process.version, arch(), options.flags].join('\0'))
    .digest('hex')
    .slice(0, 16);
  const base = `ssm-render-${process.version}-${arch()}-${key}-${options.uid}-`;
  const cacheFile = join(dir, `${base}${options.command}.cache`);
  // This command's cache, or else another command's (the image is built with `version`'s only).
  let found: { file: string; data: Buffer } | undefined;
  for (const candidate of [cacheFile, ...siblings(dir, base, cacheFile)]) {
    const data = readOwnFile(candidate, options.uid);
    if (data !== undefined) {
      found = { file: candidate, data };
      break;
    }
  }
  const source = readFileSync(file, 'utf8').replace(/^#!.*/, '');
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData: found?.data });
  if (found === undefined) debug('no usable cache at %s', cacheFile);
  else debug('%s the cache at %s', script.cachedDataRejected === true ? 'V8 refused' : 'accepted', found.file);
  if (found === undefined || script.cachedDataRejected === true || found.file !== cacheFile)
    options.onExit(() => writeAtomically(cacheFile, () => script.createCachedData()));
  const module = { exports: {} };
  (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
}

/** The other commands' caches of the same bundle, node and flags. */
function siblings(dir: string, base: string, except: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.startsWith(base) && f.endsWith('.cache'))
      .map((f) => join(dir, f))
      .filter((f) => f !== except);
  } catch {
    return []; // no directory yet
  }
}

/** The file's bytes when it is a regular file of `uid` (or root) that no one else may write. */
function readOwnFile(path: string, uid: number): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return undefined; // none yet, or not readable by this uid
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || (st.uid !== uid && st.uid !== 0) || (st.mode & 0o022) !== 0) return undefined;
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes what `make` returns (only once the file could be opened: making it takes time) to `path`, whole or not at all. */
function writeAtomically(path: string, make: () => Buffer): void {
  const temp = `${path}.${process.pid}.tmp`;
  let fd: number | undefined;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 }); // as Node makes its own compile cache's
    fd = openSync(temp, 'wx', 0o600);
    writeFileSync(fd, make());
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
    debug('wrote the cache at %s', path);
  } catch (error) {
    // A read-only or foreign directory: run without a cache, as Node does with its own.
    debug('could not write the cache at %s: %s', path, (error as NodeJS.ErrnoException).code);
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      // never made
    }
  }
}
