import type { RequestRecord } from './types';

/** Calls by operation, decryptions, and who called (never a value). */
export class Counters {
  private byOperation: Record<string, number> = {};
  private decrypted = 0;
  private log: RequestRecord[] = [];

  /** Logs a call as it arrives; the record is kept as given, so the handler can add what it learns while serving it. */
  call(record: RequestRecord): void {
    this.byOperation[record.operation] = (this.byOperation[record.operation] ?? 0) + 1;
    this.log.push(record);
  }

  decrypt(count: number): void {
    this.decrypted += count;
  }

  calls(): Record<string, number> {
    return { ...this.byOperation };
  }

  decryptions(): number {
    return this.decrypted;
  }

  requests(): RequestRecord[] {
    return this.log.map((r) => ({ ...r }));
  }

  reset(): void {
    this.byOperation = {};
    this.decrypted = 0;
    this.log = [];
  }
}
