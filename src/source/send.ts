import type {
  DeleteParameterCommand,
  DescribeParametersCommand,
  GetParameterCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  PutParameterCommand,
} from '@aws-sdk/client-ssm';
import type { Resolved } from '../config/settings';
import { fromAwsError } from './aws-errors';

export type SsmCommand =
  GetParametersByPathCommand | GetParametersCommand | GetParameterCommand | PutParameterCommand | DeleteParameterCommand | DescribeParametersCommand;

/** The one thing ssm-render needs of an SSMClient, so tests can hand in the real client or another. */
export interface SsmSender {
  send(command: SsmCommand, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

/** Called once per API call: feeds the summary log line and the metrics. */
export type CallObserver = (call: { operation: string; outcome: string; decrypted: number; durationMs: number }) => void;

export interface CallSite {
  readonly client: SsmSender;
  readonly region: string | undefined;
  /** The endpoint as configured, named when an answer is not Parameter Store's. */
  readonly endpoint?: Resolved<string> | undefined;
  readonly onCall?: CallObserver | undefined;
}

export interface CallSpec<T> {
  readonly operation: string;
  /** The path or the names asked for, as messages name them. */
  readonly resource: string;
  readonly command: SsmCommand;
  readonly signal?: AbortSignal | undefined;
  /** How many SecureStrings the answer decrypted. */
  readonly decrypted?: (out: T) => number;
}

/** One API call: timed, observed, and any failure turned into one of our errors by `fromAwsError`. */
export async function sendCommand<T>(site: CallSite, spec: CallSpec<T>): Promise<T> {
  const started = performance.now();
  try {
    const out = (await site.client.send(spec.command, spec.signal ? { abortSignal: spec.signal } : {})) as T;
    site.onCall?.({ operation: spec.operation, outcome: 'ok', decrypted: spec.decrypted?.(out) ?? 0, durationMs: performance.now() - started });
    return out;
  } catch (raw) {
    const error = fromAwsError(raw, { operation: spec.operation, resource: spec.resource, region: site.region, endpoint: site.endpoint });
    site.onCall?.({
      operation: spec.operation,
      outcome: 'code' in error ? String(error.code) : error.name,
      decrypted: 0,
      durationMs: performance.now() - started,
    });
    throw error;
  }
}
