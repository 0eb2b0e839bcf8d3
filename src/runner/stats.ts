import type { CallObserver } from '../source/send';

/** Parameter Store calls by operation and outcome, and decryptions asked for. */
export class CallStats {
  readonly calls = new Map<string, number>();
  decryptions = 0;

  readonly record: CallObserver = ({ operation, outcome, decrypted }) => {
    const key = outcome === 'ok' ? operation : `${operation}:${outcome}`;
    this.calls.set(key, (this.calls.get(key) ?? 0) + 1);
    this.decryptions += decrypted;
  };

  total(): number {
    let n = 0;
    for (const v of this.calls.values()) n += v;
    return n;
  }

  snapshot(): { calls: Record<string, number>; decryptions: number } {
    return { calls: Object.fromEntries(this.calls), decryptions: this.decryptions };
  }
}
