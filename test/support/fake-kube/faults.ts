import type { FaultKind, FaultRule, Resource, Verb } from './types';

const KINDS: readonly FaultKind[] = ['forbidden', 'unauthorized', 'server-error', 'latency', 'drop'];
const VERBS: readonly Verb[] = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

interface ActiveRule {
  rule: FaultRule;
  remaining: number;
}

export interface Call {
  verb: Verb;
  resource: Resource;
  namespace: string | undefined;
  name: string | undefined;
}

export interface FaultDecision {
  /** The sum of every matching `latency` rule. */
  delayMs: number;
  /** The first matching rule of any other kind. */
  failure?: FaultKind;
}

const show = (value: unknown) => `\`${JSON.stringify(value)}\` (${typeof value})`;

function validate(rule: FaultRule): FaultRule {
  if (typeof rule !== 'object' || rule === null) throw new TypeError(`Expected a fault rule object, got ${show(rule)}`);
  if (!KINDS.includes(rule.kind)) throw new TypeError(`Expected the fault \`kind\` to be one of ${KINDS.join(', ')}, got ${show(rule.kind)}`);
  if (rule.verb !== undefined && !VERBS.includes(rule.verb))
    throw new TypeError(`Expected the fault \`verb\` to be one of ${VERBS.join(', ')}, got ${show(rule.verb)}`);
  if (rule.times !== undefined && (!Number.isInteger(rule.times) || rule.times < 1)) {
    throw new TypeError(`Expected the fault \`times\` to be a positive integer, got ${show(rule.times)}`);
  }
  if (rule.kind === 'latency' && (typeof rule.latencyMs !== 'number' || rule.latencyMs < 0)) {
    throw new TypeError(`Expected the fault \`latencyMs\` to be a non-negative number for a latency rule, got ${show(rule.latencyMs)}`);
  }
  return { ...rule };
}

const matches = (rule: FaultRule, call: Call) =>
  (rule.verb === undefined || rule.verb === call.verb) &&
  (rule.resource === undefined || rule.resource === call.resource) &&
  (rule.namespace === undefined || rule.namespace === call.namespace) &&
  (rule.name === undefined || rule.name === call.name);

/** The injected fault rules, each used up after `times` matching calls. */
export class Faults {
  private rules: ActiveRule[] = [];

  inject(rule: FaultRule): void {
    const valid = validate(rule);
    this.rules.push({ rule: valid, remaining: valid.times ?? Infinity });
  }

  clear(): void {
    this.rules = [];
  }

  /** Decides the faults of one API call, using up the rules that apply. */
  decide(call: Call): FaultDecision {
    const matching = this.rules.filter((a) => matches(a.rule, call));
    const latency = matching.filter((a) => a.rule.kind === 'latency');
    const failure = matching.find((a) => a.rule.kind !== 'latency');
    for (const active of [...latency, ...(failure ? [failure] : [])]) {
      active.remaining -= 1;
      if (active.remaining <= 0) this.rules = this.rules.filter((a) => a !== active);
    }
    return { delayMs: latency.reduce((sum, a) => sum + (a.rule.latencyMs ?? 0), 0), ...(failure && { failure: failure.rule.kind }) };
  }
}
