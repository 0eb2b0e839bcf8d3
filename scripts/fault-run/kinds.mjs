// The faults the run injects, one kind per iteration, and the exits each allows of a render that
// was not killed: a fault may be survived (0) or fail the render with its own code, never another.
import { KMS_DENIED_NAME } from './workspace.mjs';

/** Broken answers from the fake Parameter Store; the SDK retries some, the render fails closed on the rest (3). */
export const HTTP_KINDS = [
  'throttle',
  'server-error',
  'unavailable',
  'drop',
  'reset',
  'truncated',
  'invalid-json',
  'html',
  'invalid-next-token',
  'access-denied',
  'kms-denied',
];
export const FS_KINDS = ['enospc', 'eperm', 'erofs', 'ebusy'];
export const SIGNAL_KINDS = ['kill9', 'sigterm', 'sigint'];
export const WRITER_KINDS = ['writers', 'writers-kill9'];
export const ALL_KINDS = [...HTTP_KINDS, ...FS_KINDS, ...SIGNAL_KINDS, ...WRITER_KINDS];

const ALLOWED = {
  none: [0],
  enospc: [0, 5],
  eperm: [5],
  erofs: [5],
  ebusy: [0],
  writers: [0],
  'writers-kill9': [0],
  kill9: [0],
  sigterm: [0],
  sigint: [0],
};

/** The exit codes a render that was not killed may end with under `kind`. */
export const allowedExits = (kind) => ALLOWED[kind] ?? [0, 3];

const SIGNALS = { kill9: 'SIGKILL', sigterm: 'SIGTERM', sigint: 'SIGINT', 'writers-kill9': 'SIGKILL' };

/**
 * Where the signal of `kind` falls: a few milliseconds after the first temp file appears (inside
 * the commit of four files), as the first rename lands (between two renames), or anywhere from the
 * fetch on.
 */
export function killPlan(kind, rand) {
  const signal = SIGNALS[kind];
  if (!signal) return undefined;
  const where = rand.next();
  if (where < 0.45) return { signal, trigger: 'commit', delayMs: rand.int(0, 6) };
  if (where < 0.8 || kind === 'writers-kill9') return { signal, trigger: 'rename', delayMs: 0 };
  return { signal, trigger: 'start', delayMs: rand.int(20, 400) };
}

/** The fault rule of an HTTP kind: a few matching calls, possibly after the first pages went through. */
export function httpRule(kind, rand) {
  if (kind === 'kms-denied') return { kind, name: KMS_DENIED_NAME, times: rand.int(1, 3) };
  return { kind, times: rand.int(1, 4), after: rand.int(0, 2) }; // a fetch takes three pages
}
