import type { FaultKind, FaultRule } from './types';
import type { Decryption } from './operations/context';

const KINDS: readonly FaultKind[] = [
  'throttle',
  'server-error',
  'unavailable',
  'latency',
  'drop',
  'reset',
  'truncated',
  'invalid-json',
  'corrupt-json',
  'html',
  'access-denied',
  'kms-denied',
  'invalid-next-token',
  'expired-token',
  'unrecognized-client',
];

interface ActiveRule {
  rule: FaultRule;
  remaining: number;
  /** Matching calls still to let through before the rule applies. */
  skip: number;
}

export interface FaultDecision {
  /** The sum of every matching `latency` rule. */
  delayMs: number;
  /** The first matching rule of any other kind (but `kms-denied`, which applies to a response). */
  failure?: FaultRule;
}

const show = (value: unknown) => `\`${JSON.stringify(value)}\` (${typeof value})`;

function validate(rule: FaultRule): FaultRule {
  if (typeof rule !== 'object' || rule === null) throw new TypeError(`Expected a fault rule object, got ${show(rule)}`);
  if (!KINDS.includes(rule.kind)) throw new TypeError(`Expected the fault \`kind\` to be one of ${KINDS.join(', ')}, got ${show(rule.kind)}`);
  if (rule.times !== undefined && (!Number.isInteger(rule.times) || rule.times < 1)) {
    throw new TypeError(`Expected the fault \`times\` to be a positive integer, got ${show(rule.times)}`);
  }
  if (rule.after !== undefined && (!Number.isInteger(rule.after) || rule.after < 0)) {
    throw new TypeError(`Expected the fault \`after\` to be a non-negative integer, got ${show(rule.after)}`);
  }
  if (rule.kind === 'latency' && (typeof rule.latencyMs !== 'number' || rule.latencyMs < 0)) {
    throw new TypeError(`Expected the fault \`latencyMs\` to be a non-negative number for a latency rule, got ${show(rule.latencyMs)}`);
  }
  if (rule.status !== undefined && (!Number.isInteger(rule.status) || rule.status < 200 || rule.status > 599)) {
    throw new TypeError(`Expected the fault \`status\` to be an HTTP status (200 to 599), got ${show(rule.status)}`);
  }
  for (const key of ['operation', 'name'] as const) {
    if (rule[key] !== undefined && typeof rule[key] !== 'string') throw new TypeError(`Expected the fault \`${key}\` to be a string, got ${show(rule[key])}`);
  }
  return { ...rule };
}

/** The injected fault rules, each used up after `times` matching calls. */
export class Faults {
  private rules: ActiveRule[] = [];
  private counts: Partial<Record<FaultKind, number>> = {};

  inject(rule: FaultRule): void {
    const valid = validate(rule);
    this.rules.push({ rule: valid, remaining: valid.times ?? Infinity, skip: valid.after ?? 0 });
  }

  clear(): void {
    this.rules = [];
  }

  /** How many calls each kind of fault has applied to since the last reset. */
  applied(): Partial<Record<FaultKind, number>> {
    return { ...this.counts };
  }

  resetApplied(): void {
    this.counts = {};
  }

  /** Decides the faults of a call to `operation`, using up the rules that apply. */
  decide(operation: string, touches: (name: string) => boolean): FaultDecision {
    return this.settle(this.matching(operation, (rule) => rule.kind !== 'kms-denied' && (rule.name === undefined || touches(rule.name))));
  }

  /** Like decide, for an operation only rules that name it apply to (STS's AssumeRole: a rule for every SSM call leaves it alone). */
  decideNamed(operation: string): FaultDecision {
    return this.settle(this.matching(operation, (rule) => rule.operation === operation && rule.kind !== 'kms-denied'));
  }

  private settle(all: ActiveRule[]): FaultDecision {
    const matching = all.filter((a) => {
      // A rule with `after` counts this call as one it lets through.
      if (a.skip === 0) return true;
      a.skip -= 1;
      return false;
    });
    const latency = matching.filter((a) => a.rule.kind === 'latency');
    const failure = matching.find((a) => a.rule.kind !== 'latency');
    for (const active of [...latency, ...(failure ? [failure] : [])]) this.use(active);
    return { delayMs: latency.reduce((sum, a) => sum + (a.rule.latencyMs ?? 0), 0), ...(failure && { failure: failure.rule }) };
  }

  /** The SecureString a `kms-denied` rule refuses to decrypt in this response, if any. */
  kmsDenial(operation: string, decrypted: readonly Decryption[]): Decryption | undefined {
    for (const active of this.matching(operation, (rule) => rule.kind === 'kms-denied')) {
      const denied = decrypted.find((d) => active.rule.name === undefined || d.name === active.rule.name);
      if (denied) {
        this.use(active);
        return denied;
      }
    }
    return undefined;
  }

  private matching(operation: string, predicate: (rule: FaultRule) => boolean): ActiveRule[] {
    return this.rules.filter((a) => (a.rule.operation === undefined || a.rule.operation === operation) && predicate(a.rule));
  }

  private use(active: ActiveRule): void {
    this.counts[active.rule.kind] = (this.counts[active.rule.kind] ?? 0) + 1;
    active.remaining -= 1;
    if (active.remaining <= 0) this.rules = this.rules.filter((a) => a !== active);
  }
}
