import { extname, resolve } from 'node:path';
import { ConfigError } from '../errors';
import { DEFAULT_BACKOFF_MS, DEFAULT_JITTER } from '../retry/policy';
import { LANGUAGE_HINT, languageForPath, type EscapeName } from './language';
import type { COMMIT_MODES, DECODINGS, DIALECTS, FORMAT_NAMES, TEMPLATE_FORMAT_NAMES } from './choices';
import type { ConfigFile, SignalName, TemplateEntry } from './schema';
import { resolveSettings, type Settings, type SettingsInput } from './settings';
import { resolveSources, type SourceSpec } from './sources';

export type FormatName = (typeof FORMAT_NAMES)[number];
/** A template's `format:`: a one-file format, or `files` (a directory, one file per key). */
export type TemplateFormatName = (typeof TEMPLATE_FORMAT_NAMES)[number];
export type Decoding = (typeof DECODINGS)[number];
export type DialectName = (typeof DIALECTS)[number];
export type CommitMode = (typeof COMMIT_MODES)[number];
export type NestedValues = { readonly [key: string]: string | number | boolean | NestedValues };

export interface TemplateConfig {
  /** How messages name it: the template's path, or `format dotenv`. */
  readonly label: string;
  readonly source: string | undefined;
  readonly format: TemplateFormatName | undefined;
  /** A file; for `format: files`, a directory. */
  readonly destination: string;
  readonly mode: number;
  readonly uid: number | undefined;
  readonly gid: number | undefined;
  /** The language values are written in: the format itself, or the template's destination language. */
  readonly escape: EscapeName;
  readonly dialect: DialectName;
  readonly include: readonly string[] | undefined;
  /** `format: files`: keys whose value is decoded to the file's bytes. */
  readonly decode: ReadonlyMap<string, Decoding>;
  /** A program that must accept the staged file before anything is committed. */
  readonly check: CheckConfig | undefined;
}

export interface CheckConfig {
  /** The program and its arguments; `{{file}}` (in one of them at least) becomes the staged file's path. */
  readonly argv: readonly string[];
  readonly timeoutMs: number;
}

export interface WatchConfig {
  readonly intervalMs: number;
  /** Each wait is the interval times a random factor in [1 - jitter, 1 + jitter]. */
  readonly jitter: number;
  /** Readiness fails when the last good refresh is older than this. */
  readonly maxStaleMs: number | undefined;
  /** The first retry delay after a failure; `retry/policy.ts` says how it grows. */
  readonly backoffMs: number;
  /** Every this many refreshes the path is listed (new and deleted names); between, known names are checked by name. */
  readonly discoveryInterval: number;
  /** Fleet mode: one pod checks versions for all, through a Lease and a ConfigMap (`share/`). */
  readonly share?: ShareConfig | undefined;
}

export interface ShareConfig {
  readonly kubernetes: {
    readonly lease: string;
    readonly configMap: string;
    /** Followers fetch a change at a random point of this window. */
    readonly spreadMs: number;
    readonly leaseDurationMs: number;
  };
}

export const DEFAULT_SPREAD_MS = 30_000;
export const DEFAULT_LEASE_DURATION_MS = 15_000;

export interface OnChangeConfig {
  readonly command: readonly string[] | undefined;
  readonly timeoutMs: number;
  readonly signal: SignalName | undefined;
  readonly pidFile: string | undefined;
  readonly touch: string | undefined;
}

export interface ExecConfig {
  readonly reloadSignal: SignalName;
  readonly onChange: 'signal' | 'restart' | 'none';
  readonly killTimeoutMs: number;
}

/** Everything a command needs, validated once and fully defaulted. */
export interface Config {
  readonly settings: Settings;
  /** Relative key -> parameter name (with any `:version` / `:label` selector). */
  readonly parameters: ReadonlyMap<string, string>;
  /** What is read, lowest precedence first: `sources:`, or the path and `parameters:` without it. */
  readonly sources: readonly SourceSpec[];
  /** Whether the config file has `sources:` (a key from two sources is then an override, not an error). */
  readonly layered: boolean;
  readonly required: readonly string[];
  readonly aliases: ReadonlyMap<string, readonly string[]>;
  readonly allowEmpty: boolean;
  readonly defaults: { readonly yamlFiles: readonly string[]; readonly jsonFiles: readonly string[]; readonly values: NestedValues };
  readonly templates: readonly TemplateConfig[];
  /** files: each changed file renamed into place; snapshot: every file of a directory swapped at once. */
  readonly commit: CommitMode;
  readonly requestTimeoutMs: number;
  readonly watch: WatchConfig;
  readonly onChange: OnChangeConfig;
  readonly exec: ExecConfig;
}

export interface ConfigInput extends SettingsInput {
  /** `render --format F --output FILE`: the only destination (relative to the working directory); the config's templates are not rendered. */
  readonly output?: { readonly format: FormatName; readonly destination: string; readonly dialect?: DialectName | undefined } | undefined;
}

export const DEFAULT_MODE = 0o640;
export const DEFAULT_CHECK_TIMEOUT_MS = 10_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
export const DEFAULT_INTERVAL_MS = 5 * 60_000;
export const DEFAULT_DISCOVERY_INTERVAL = 10;

function watchConfig(file: ConfigFile['watch'] = {}): WatchConfig {
  const intervalMs = file.interval ?? DEFAULT_INTERVAL_MS;
  const k8s = file.share?.kubernetes;
  const share = k8s && {
    kubernetes: {
      lease: k8s.lease,
      configMap: k8s.configmap,
      spreadMs: k8s.spread ?? DEFAULT_SPREAD_MS,
      leaseDurationMs: k8s.lease_duration ?? DEFAULT_LEASE_DURATION_MS,
    },
  };
  return {
    intervalMs,
    jitter: file.jitter ?? DEFAULT_JITTER,
    maxStaleMs: file.max_stale,
    backoffMs: Math.min(file.backoff ?? DEFAULT_BACKOFF_MS, intervalMs),
    discoveryInterval: file.discovery_interval ?? DEFAULT_DISCOVERY_INTERVAL,
    share,
  };
}

function onChangeConfig(file: ConfigFile['on_change'] = {}, baseDir: string): OnChangeConfig {
  return {
    command: file.command,
    timeoutMs: file.timeout ?? 30_000,
    signal: file.signal,
    pidFile: file.pid_file === undefined ? undefined : resolve(baseDir, file.pid_file),
    touch: file.touch === undefined ? undefined : resolve(baseDir, file.touch),
  };
}

function execConfig(file: ConfigFile['exec'] = {}): ExecConfig {
  return { reloadSignal: file.reload_signal ?? 'SIGHUP', onChange: file.on_change ?? 'signal', killTimeoutMs: file.kill_timeout ?? 10_000 };
}

/** Where a template was asked for, as messages name it: the config file's entry or the flags. */
interface Origin {
  readonly entry: string;
  readonly destination: string;
  readonly dialect: string;
}

const inFile = (i: number): Origin => ({ entry: `templates[${i}]`, destination: `templates[${i}].destination`, dialect: `templates[${i}].dialect` });
const OUTPUT_FLAGS: Origin = { entry: '--output', destination: '--output', dialect: '--dialect' };

function templateConfig(entry: TemplateEntry, origin: Origin, baseDir: string): TemplateConfig {
  const destination = resolve(baseDir, entry.destination);
  const source = entry.source === undefined ? undefined : resolve(baseDir, entry.source);
  const escape = entry.format === 'files' ? 'none' : (entry.format ?? entry.escape ?? languageForPath(destination));
  if (escape === undefined) {
    throw new ConfigError(`Cannot tell how to escape values for \`${origin.destination}\` \`${entry.destination}\``, {
      hint: LANGUAGE_HINT,
    });
  }
  if (entry.dialect !== undefined && escape !== 'dotenv') {
    throw new ConfigError(`\`${origin.dialect}\` applies to dotenv output, but \`${entry.destination}\` is written as ${escape}`);
  }
  return {
    label: source ?? `format ${entry.format}`,
    source,
    format: entry.format,
    destination,
    mode: entry.mode ?? DEFAULT_MODE,
    uid: entry.uid,
    gid: entry.gid,
    escape,
    dialect: entry.dialect ?? 'portable',
    include: entry.include,
    decode: decodeMap(entry, origin),
    check: entry.check === undefined ? undefined : { argv: entry.check, timeoutMs: entry.check_timeout ?? DEFAULT_CHECK_TIMEOUT_MS },
  };
}

/** `decode:` keys must be written by the template: under one of its `include:` prefixes. */
function decodeMap(entry: TemplateEntry, origin: Origin): ReadonlyMap<string, Decoding> {
  const decode = new Map(Object.entries(entry.decode ?? {}));
  const { include } = entry;
  for (const key of decode.keys()) {
    if (include === undefined || include.some((p) => key === p || key.startsWith(p.endsWith('/') ? p : `${p}/`))) continue;
    throw new ConfigError(`\`${origin.entry}.decode\` names \`${key}\`, which is under none of its \`include:\` prefixes (${include.join(', ')})`, {
      hint: 'decode only keys the template writes: fix the key or add its prefix to `include:`',
    });
  }
  return decode;
}

/** A `format: files` directory is that template's alone: no other destination may be inside it, nor it inside another. */
function refuseNested(templates: readonly TemplateConfig[], commit: CommitMode): void {
  for (const dir of templates.filter((t) => t.format === 'files')) {
    if (commit === 'snapshot') {
      throw new ConfigError(`\`format: files\` (\`${dir.destination}\`) cannot be committed with \`commit: snapshot\` yet`, {
        hint: 'use `commit: files` (the default) for a config with a `format: files` template',
      });
    }
    const inside = templates.find((t) => t !== dir && (t.destination === dir.destination || t.destination.startsWith(`${dir.destination}/`)));
    if (inside) {
      throw new ConfigError(`\`${inside.destination}\` is inside the directory \`${dir.destination}\`, which \`format: files\` writes alone`, {
        hint: 'give the `format: files` template a directory of its own',
      });
    }
  }
}

function defaultFiles(files: readonly string[], baseDir: string) {
  const yamlFiles: string[] = [];
  const jsonFiles: string[] = [];
  files.forEach((f, i) => {
    const ext = extname(f).toLowerCase();
    if (ext === '.yaml' || ext === '.yml') yamlFiles.push(resolve(baseDir, f));
    else if (ext === '.json') jsonFiles.push(resolve(baseDir, f));
    else throw new ConfigError(`Expected \`defaults.files[${i}]\` to be a .yaml, .yml or .json file, got \`${f}\``);
  });
  return { yamlFiles, jsonFiles };
}

/** Resolve settings, read and validate the config file, and default everything. */
export function resolveConfig(input: ConfigInput): Config {
  const settings = resolveSettings(input);
  const file = settings.file;
  // `render --format F --output FILE` is a run of that one file: the config's templates are left out.
  const asked = input.output
    ? [
        {
          entry: { format: input.output.format, destination: input.output.destination, dialect: input.output.dialect },
          origin: OUTPUT_FLAGS,
          baseDir: input.cwd,
        },
      ]
    : (file.templates ?? []).map((entry, i) => ({ entry, origin: inFile(i), baseDir: settings.baseDir }));
  const seen = new Map<string, string>();
  const templates = asked.map(({ entry, origin, baseDir }) => {
    const template = templateConfig(entry, origin, baseDir);
    const first = seen.get(template.destination);
    if (first !== undefined) throw new ConfigError(`\`${first}\` and \`${origin.entry}\` both write \`${template.destination}\``);
    seen.set(template.destination, origin.entry);
    return template;
  });
  refuseNested(templates, file.commit ?? 'files');
  const aliases = new Map(Object.entries(file.aliases ?? {}).map(([key, names]) => [key, typeof names === 'string' ? [names] : names]));
  const parameters = new Map(Object.entries(file.parameters ?? {}));
  return {
    settings,
    parameters,
    ...resolveSources(file, settings, parameters),
    required: file.required ?? [],
    aliases,
    allowEmpty: file.allow_empty ?? false,
    defaults: { ...defaultFiles(file.defaults?.files ?? [], settings.baseDir), values: file.defaults?.values ?? {} },
    templates,
    commit: file.commit ?? 'files',
    requestTimeoutMs: file.request_timeout ?? DEFAULT_REQUEST_TIMEOUT_MS,
    watch: watchConfig(file.watch),
    onChange: onChangeConfig(file.on_change, settings.baseDir),
    exec: execConfig(file.exec),
  };
}
