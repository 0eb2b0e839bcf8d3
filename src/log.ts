import { writeSync } from 'node:fs';
import pino from 'pino';

export type Logger = pino.Logger;
export type LogFormat = 'json' | 'pretty';
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** What JSON.stringify escapes in a string, besides lone surrogates: quote, backslash, C0 controls. */
// eslint-disable-next-line no-control-regex
const JSON_ESCAPED = /["\\\u0000-\u001f]/;

/**
 * The backstop behind "never log a value": every line is scrubbed of the values it was given
 * before it reaches stderr. Code never logs values; this catches what a mistake would let through.
 */
export class Redactor {
  private readonly known = new Set<string>();
  /** The JSON-escaped form of each known value that has one (a value also appears escaped inside a JSON log line). */
  private readonly escapes = new Map<string, string>();
  /** `known`, longest first, so that a secret holding another is replaced whole. */
  private secrets: string[] = [];
  /** `escapes` of `secrets`, index for index; empty when no value needs escaping. */
  private escaped: Array<string | undefined> = [];

  /** SecureString values from 4 characters, any other value from 12 (short plain words would garble logs). */
  add(values: readonly { value: string; secure: boolean }[]): void {
    const before = this.known.size;
    values.forEach(({ value, secure }) => {
      if (value.length < (secure ? 4 : 12) || this.known.has(value)) return;
      this.known.add(value);
      // Escaped once, here, rather than on every line redact() scrubs.
      if (JSON_ESCAPED.test(value) || !value.isWellFormed()) this.escapes.set(value, JSON.stringify(value).slice(1, -1));
    });
    // `watch` adds every value on every refresh: sort again only when one is new.
    if (this.known.size === before) return;
    this.secrets = [...this.known].sort((a, b) => b.length - a.length);
    this.escaped = this.escapes.size > 0 ? this.secrets.map((secret) => this.escapes.get(secret)) : [];
  }

  redact(text: string): string {
    let out = text;
    for (let i = 0; i < this.secrets.length; i++) {
      const secret = this.secrets[i] as string;
      if (out.includes(secret)) out = out.split(secret).join('[REDACTED]');
      const escaped = this.escaped[i];
      if (escaped !== undefined && out.includes(escaped)) out = out.split(escaped).join('[REDACTED]');
    }
    return out;
  }
}

export interface LoggerOptions {
  readonly level: LogLevel;
  readonly format: LogFormat;
  readonly redactor: Redactor;
  /** Where lines go; stderr (fd 2) by default, written synchronously so nothing is lost on exit. */
  readonly write?: (line: string) => void;
}

export async function createLogger(options: LoggerOptions): Promise<Logger> {
  const sink = options.write ?? ((line: string) => writeSync(2, line));
  let target: (line: string) => void = sink;
  if (options.format === 'pretty') {
    // Loaded only when asked for: most runs log JSON. The factory formats synchronously, no stream.
    const { prettyFactory } = await import('pino-pretty');
    const prettify = prettyFactory({ colorize: process.stderr.isTTY === true && !options.write, ignore: 'pid,hostname' });
    target = (line) => sink(prettify(line));
  }
  return pino(
    {
      level: options.level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    { write: (line: string) => target(options.redactor.redact(line)) },
  );
}
