import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { SSMClient, type SSMClientConfig } from '@aws-sdk/client-ssm';
import { ConfigError } from '../errors';
import { isThrottled } from '../retry/policy';
import { sdkRetryConfig } from '../retry/sdk-strategy';

export interface SsmClientOptions {
  /** Undefined lets the SDK look in the shared config file (`aws configure`); never instance metadata. */
  readonly region?: string | undefined;
  /** Where `region` was set (`--region`, `AWS_REGION (environment)`), to name it when it is not a region. */
  readonly regionFrom?: string | undefined;
  /** Undefined lets the SDK find one itself (a profile's endpoint_url), or use AWS's. */
  readonly endpoint?: string | undefined;
  readonly requestTimeoutMs: number;
  /** `watch` and `exec`: more attempts per call, as `retry/policy.ts` says. */
  readonly longRunning?: boolean | undefined;
  /** Called for every throttled attempt, including those the SDK then retries. */
  readonly onThrottled?: (() => void) | undefined;
  /** A source's role (`assume-role.ts`); undefined: the SDK's own credential chain. */
  readonly credentials?: SSMClientConfig['credentials'] | undefined;
}

/** One call's failed attempts, as the deserializer saw them. */
interface Attempts {
  count: number;
  last?: unknown;
}

const isAbort = (error: unknown) => (error as Error)?.name === 'AbortError';

/**
 * A call abandoned because its signal timed out (a deadline such as `--wait`, whose abort reason is
 * a TimeoutError) fails with what Parameter Store last said, not with "aborted": its last attempt's
 * error, or a TimeoutError when no attempt had an answer yet. Any other abort (a stop) stays one.
 */
function atDeadline(error: unknown, attempts: Attempts): unknown {
  if (!isAbort(error) || ((error as Error).cause as Error | undefined)?.name !== 'TimeoutError') return error;
  const last = attempts.last as { $metadata?: { attempts?: number } } | undefined;
  if (last === undefined)
    return Object.assign(new Error('no answer before the deadline'), { name: 'TimeoutError', $metadata: { attempts: attempts.count + 1 } });
  last.$metadata = { ...last.$metadata, attempts: attempts.count };
  return last;
}

/**
 * The SDK's own client with its credential chain, retry settings (AWS_MAX_ATTEMPTS, AWS_RETRY_MODE,
 * the profile's `max_attempts` and `retry_mode`) and endpoint variables; the retry policy sets the
 * default attempts and gives each call a fresh retry budget. We add keep-alive and timeouts so that
 * no call can hang forever.
 */
export async function createSsmClient(options: SsmClientOptions): Promise<SSMClient> {
  // The SDK's constructor throws a bare "Region is missing" for an empty one.
  if (options.region === '') throw invalidRegion(options);
  const agentOptions = { keepAlive: true, maxSockets: 16 };
  const client = new SSMClient({
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    ...sdkRetryConfig(options.longRunning ? 'long-running' : 'one-shot'),
    requestHandler: {
      connectionTimeout: Math.min(options.requestTimeoutMs, 5_000),
      requestTimeout: options.requestTimeoutMs,
      // Without this the handler only warns (on console) and the request runs on.
      throwOnRequestTimeout: true,
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
    },
  });
  const onThrottled = options.onThrottled;
  const calls = new WeakMap<object, Attempts>();
  // Outside the retry middleware: one call, whatever its attempts.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const attempts: Attempts = { count: 0 };
      calls.set(context, attempts);
      try {
        return await next(args);
      } catch (error) {
        throw atDeadline(error, attempts);
      }
    },
    { step: 'initialize', priority: 'high', name: 'ssmRenderCallDeadline' },
  );
  // Inside the retry middleware, around the deserializer: sees each attempt's parsed error.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        const attempts = calls.get(context);
        if (attempts && !isAbort(error)) {
          attempts.count += 1;
          attempts.last = error;
        }
        if (onThrottled && isThrottled(error)) onThrottled();
        throw error;
      }
    },
    { step: 'deserialize', priority: 'high', name: 'ssmRenderAttemptObserver' },
  );
  try {
    await client.config.region();
  } catch (error) {
    client.destroy();
    // The SDK refuses a region that cannot be part of a host name ("EU West"); that one was set.
    const refused = /not accepted: region="([^"]*)"/i.exec((error as Error)?.message ?? '');
    if (refused) throw invalidRegion(options, refused[1]);
    throw new ConfigError('No AWS region is set', {
      hint: 'set AWS_REGION (or AWS_DEFAULT_REGION), --region, or `region:` in ssm-render.yaml',
    });
  }
  return client;
}

/** A region that is not one, named with the setting it came from (never instance metadata: no network). */
function invalidRegion(options: SsmClientOptions, value = options.region): ConfigError {
  const from =
    options.region === undefined ? "the SDK's own lookup: the process's AWS_REGION or the shared config file" : (options.regionFrom ?? 'the `region` option');
  return new ConfigError(`Expected the AWS region (from ${from}) to be a region name such as \`eu-west-1\`, got \`${value ?? ''}\``, {
    hint: `fix it in ${from}: a region is lower-case letters, digits and hyphens, such as eu-west-1 or us-east-1 (\`aws ec2 describe-regions\` lists them)`,
  });
}
