import type { FakeSsmOptions, RateLimit, RuntimeOptions } from './types';

/** The live, validated settings every part of the fake reads on each call. */
export interface Settings {
  region: string;
  accountId: string;
  pageSize: number;
  emptyPages: number;
  latencyMs: number;
  rateLimit: RateLimit | undefined;
}

const show = (value: unknown): string => `\`${typeof value === 'object' ? JSON.stringify(value) : String(value)}\` (${typeof value})`;

function integer(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    const what = min === 0 ? 'a non-negative integer' : `an integer >= ${min}`;
    throw new TypeError(`Expected the \`${name}\` option to be ${what}, got ${show(value)}`);
  }
  return value;
}

function text(name: string, value: unknown, pattern: RegExp): string {
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new TypeError(`Expected the \`${name}\` option to match ${String(pattern)}, got ${show(value)}`);
  }
  return value;
}

function rateLimit(value: unknown): RateLimit | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(`Expected the \`rateLimit\` option to be { perSecond, burst? }, got ${show(value)}`);
  }
  const { perSecond, burst } = value as Record<string, unknown>;
  if (typeof perSecond !== 'number' || !(perSecond > 0)) {
    throw new TypeError(`Expected the \`rateLimit.perSecond\` option to be a positive number, got ${show(perSecond)}`);
  }
  return { perSecond, burst: burst === undefined ? Math.max(1, Math.floor(perSecond)) : integer('rateLimit.burst', burst, 1) };
}

export function defaultSettings(): Settings {
  return { region: 'eu-west-1', accountId: '123456789012', pageSize: Infinity, emptyPages: 0, latencyMs: 0, rateLimit: undefined };
}

/** Validates `changes` (naming the option and the value received) and applies them to `settings`. */
export function applyOptions(settings: Settings, changes: Partial<RuntimeOptions>): void {
  const next = { ...settings };
  if ('port' in changes) throw new TypeError('The `port` option cannot change after the server has started');
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined && key !== 'rateLimit') continue;
    switch (key) {
      case 'region':
        next.region = text(key, value, /^[a-z]{2}(-[a-z]+)+-\d$/);
        break;
      case 'accountId':
        next.accountId = text(key, value, /^\d{12}$/);
        break;
      case 'pageSize':
        next.pageSize = integer(key, value, 1);
        break;
      case 'emptyPages':
        next.emptyPages = integer(key, value, 0);
        break;
      case 'latencyMs':
        next.latencyMs = integer(key, value, 0);
        break;
      case 'rateLimit':
        next.rateLimit = rateLimit(value);
        break;
      default:
        throw new TypeError(`Unknown option \`${key}\``);
    }
  }
  Object.assign(settings, next);
}

export function validatePort(options: FakeSsmOptions): number {
  const port = integer('port', options.port ?? 0, 0);
  if (port > 65535) throw new TypeError(`Expected the \`port\` option to be at most 65535, got ${show(port)}`);
  return port;
}
