import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { SSMClient } from '@aws-sdk/client-ssm';
import { loadConfig } from '@smithy/core/config';
import { NODE_MAX_ATTEMPT_CONFIG_OPTIONS } from '@smithy/core/retry';
import { ConfigError } from '../errors';

export interface SsmClientOptions {
  /** Undefined lets the SDK look in the shared config file (`aws configure`); never instance metadata. */
  readonly region?: string | undefined;
  /** Where `region` was set (`--region`, `AWS_REGION (environment)`), to name it when it is not a region. */
  readonly regionFrom?: string | undefined;
  /** Undefined lets the SDK find one itself (a profile's endpoint_url), or use AWS's. */
  readonly endpoint?: string | undefined;
  readonly requestTimeoutMs: number;
  /**
   * Attempts per call when neither AWS_MAX_ATTEMPTS nor the profile's `max_attempts` says; undefined
   * keeps the SDK's default (3).
   */
  readonly defaultMaxAttempts?: number | undefined;
  /** Called for every failed attempt, including those the SDK then retries (to count throttling). */
  readonly onAttemptError?: ((errorName: string) => void) | undefined;
}

/**
 * The SDK's own client with its credential chain, retry settings (AWS_MAX_ATTEMPTS, AWS_RETRY_MODE)
 * and endpoint variables untouched (a long-running loop only raises the default number of
 * attempts); we add keep-alive and timeouts so that no call can hang forever.
 */
export async function createSsmClient(options: SsmClientOptions): Promise<SSMClient> {
  // The SDK's constructor throws a bare "Region is missing" for an empty one.
  if (options.region === '') throw invalidRegion(options);
  const agentOptions = { keepAlive: true, maxSockets: 16 };
  const client = new SSMClient({
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    // The SDK's own lookup (environment, then profile), only with another default.
    ...(options.defaultMaxAttempts === undefined
      ? {}
      : { maxAttempts: loadConfig({ ...NODE_MAX_ATTEMPT_CONFIG_OPTIONS, default: options.defaultMaxAttempts }) }),
    requestHandler: {
      connectionTimeout: Math.min(options.requestTimeoutMs, 5_000),
      requestTimeout: options.requestTimeoutMs,
      // Without this the handler only warns (on console) and the request runs on.
      throwOnRequestTimeout: true,
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
    },
  });
  const onAttemptError = options.onAttemptError;
  if (onAttemptError) {
    // Inside the retry middleware, around the deserializer: sees each attempt's parsed error.
    client.middlewareStack.add(
      (next) => async (args) => {
        try {
          return await next(args);
        } catch (error) {
          onAttemptError((error as Error)?.name ?? 'Error');
          throw error;
        }
      },
      { step: 'deserialize', priority: 'high', name: 'ssmRenderAttemptObserver' },
    );
  }
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
