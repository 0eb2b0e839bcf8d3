import { ConfigError } from '../errors';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/** Parse `500ms`, `30s`, `5m`, `1h30m` into milliseconds; `undefined` when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART)) total += Number(amount) * (UNIT_MS[unit as string] ?? 0);
  return Math.round(total);
}

/** The lower bound a duration setting accepts, in milliseconds and as the user would write it. */
export interface DurationRule {
  readonly minMs: number;
  readonly min: string;
}

/** `kill_timeout`, `--wait`: zero means "at once". */
export const ANY_DURATION: DurationRule = { minMs: 0, min: '0s' };
/** Timeouts and staleness: zero would mean "never" or "always", so it is refused. */
export const POSITIVE_DURATION: DurationRule = { minMs: 1, min: '1ms' };
/** The waits between Parameter Store calls (`watch.interval`, `watch.backoff`, `--interval`). */
export const CALL_SPACING: DurationRule = { minMs: 1_000, min: '1s' };

/** Node's timers hold at most a signed 32-bit count of milliseconds; this leaves room for jitter. */
const MAX_DURATION = '20d';
const MAX_DURATION_MS = parseDuration(MAX_DURATION) as number;

export const DURATION_EXPECTED = 'a duration such as `30s` or `5m`';

/** A duration setting's milliseconds, or what it was expected to be. */
export function checkDuration(text: unknown, rule: DurationRule): { ms: number; expected?: undefined } | { expected: string } {
  const ms = typeof text === 'string' ? parseDuration(text) : undefined;
  if (ms === undefined) return { expected: DURATION_EXPECTED };
  if (ms < rule.minMs) return { expected: `at least \`${rule.min}\`` };
  if (ms > MAX_DURATION_MS) return { expected: `at most \`${MAX_DURATION}\`` };
  return { ms };
}

/** A duration flag (`--interval 30s`), checked as the config file checks its durations. */
export function durationFlag(flag: string, text: string | undefined, fallback: number, rule: DurationRule): number {
  if (text === undefined) return fallback;
  const checked = checkDuration(text, rule);
  if (checked.expected === undefined) return checked.ms;
  throw new ConfigError(`Expected \`${flag}\` to be ${checked.expected}, got \`${text}\``);
}
