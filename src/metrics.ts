/** How `POST /refresh` was answered: the refresh's outcome, or why there was none to give. */
export type RefreshRequestResult = 'changed' | 'unchanged' | 'failed' | 'accepted' | 'stopped' | 'unauthorized' | 'forbidden';

/** What the loop reports; the Prometheus registry implements it when --listen is given. */
export interface LoopMetrics {
  refresh(result: 'changed' | 'unchanged' | 'failed', durationMs: number): void;
  failure(code: string): void;
  /** A template's check refused the new content of `destination` (a path, never a value). */
  checkFailure(destination: string): void;
  call(operation: string, outcome: string, decrypted: number): void;
  /** One throttled attempt, including those the SDK retried successfully. */
  throttled(): void;
  files(written: number, unchanged: number): void;
  notification(kind: 'command' | 'signal' | 'touch' | 'reload' | 'restart', result: 'ok' | 'failed' | 'timeout'): void;
  parameters(count: number): void;
  lastSuccess(epochMs: number): void;
  refreshRequest(result: RefreshRequestResult): void;
  /** Fleet mode changed: leader, following or polling (with why it polls). */
  shareMode(mode: string, reason: string | undefined): void;
  /** A read of a source with a fallback: which site (`primary`, `fallback`) and region answered it. */
  sourceServed(source: string, site: 'primary' | 'fallback', region: string): void;
}

export const noMetrics: LoopMetrics = {
  refresh: () => undefined,
  failure: () => undefined,
  checkFailure: () => undefined,
  call: () => undefined,
  throttled: () => undefined,
  files: () => undefined,
  notification: () => undefined,
  parameters: () => undefined,
  lastSuccess: () => undefined,
  refreshRequest: () => undefined,
  shareMode: () => undefined,
  sourceServed: () => undefined,
};
