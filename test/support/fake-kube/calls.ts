import type { CallRecord } from './types';

/** Every request the server answered (never a body), and counts by `verb resource`. */
export class CallLog {
  private log: CallRecord[] = [];

  record(call: CallRecord): void {
    this.log.push(call);
  }

  calls(): CallRecord[] {
    return this.log.map((c) => ({ ...c }));
  }

  counts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { verb, resource } of this.log) {
      const key = resource ? `${verb} ${resource}` : verb;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  }

  reset(): void {
    this.log = [];
  }
}
