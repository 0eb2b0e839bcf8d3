import { GetParametersByPathCommand, GetParametersCommand, type Parameter as SdkParameter } from '@aws-sdk/client-ssm';
import { ParameterNotFoundError, ServiceError } from '../errors';
import { sendCommand, type CallSite } from './send';
import { splitSelector } from '../parameter-naming';
import { toParameter } from './sdk-parameter';
import type { FetchOptions, NotFoundRequest, Parameter, ParameterSource } from './types';

export interface SsmSourceOptions extends CallSite {
  /** Where the region came from (`AWS_REGION (environment)`), for messages. */
  readonly regionFrom?: string | undefined;
}

const BATCH = 10;

/** Parameter Store's "Parameter not found": the full names, the path ENV chose, and the region read (each region is a store apart). */
function notFound(options: SsmSourceOptions, { path, where, keys }: NotFoundRequest): ParameterNotFoundError {
  if (keys.length === 0) {
    const region =
      options.region === undefined
        ? ''
        : `; they were read in region ${options.region}${options.regionFrom ? ` (from ${options.regionFrom})` : ''}, and each region holds its own parameters`;
    return new ParameterNotFoundError(`Parameter not found: nothing under ${where}`, [path], {
      hint: `check ENV and PARAMETER_STORE_PREFIX match where the parameters live (names are case-sensitive)${region}`,
    });
  }
  const names = keys.map((key) => `${path}${key}`);
  return new ParameterNotFoundError(`Parameter not found: ${names.join(', ')} (required)`, names, {
    hint: `read ${where}: check ENV and PARAMETER_STORE_PREFIX, or create it with \`ssm-render put\``,
  });
}

/** Parameter Store through the SDK: every page of a path, named parameters in batches of 10. */
export function ssmSource(options: SsmSourceOptions): ParameterSource {
  const call = <T>(
    operation: string,
    resource: string,
    command: GetParametersByPathCommand | GetParametersCommand,
    signal: AbortSignal | undefined,
    decrypted: (out: T) => number,
  ): Promise<T> => sendCommand<T>(options, { operation, resource, command, signal, decrypted });

  const countSecure = (decrypt: boolean) => (out: { Parameters?: SdkParameter[] }) =>
    decrypt ? (out.Parameters ?? []).filter((p) => p.Type === 'SecureString').length : 0;

  return {
    async byPath(path: string, { decrypt = true, recursive = true, signal }: FetchOptions = {}): Promise<Parameter[]> {
      const parameters: Parameter[] = [];
      const seenTokens = new Set<string>();
      let token: string | undefined;
      do {
        const command = new GetParametersByPathCommand({ Path: path, Recursive: recursive, WithDecryption: decrypt, MaxResults: BATCH, NextToken: token });
        const page = await call<{ Parameters?: SdkParameter[]; NextToken?: string }>('GetParametersByPath', path, command, signal, countSecure(decrypt));
        for (const p of page.Parameters ?? []) parameters.push(toParameter(p));
        // An empty page that carries a token is not the end; a token seen twice would loop forever.
        token = page.NextToken || undefined;
        if (token !== undefined) {
          if (seenTokens.has(token)) throw new ServiceError(`Parameter Store returned the same page token twice for ${path}`, { retryable: true });
          seenTokens.add(token);
        }
      } while (token !== undefined);
      return parameters;
    },

    async byNames(names: readonly string[], { decrypt = true, signal }: FetchOptions = {}): Promise<Map<string, Parameter>> {
      const unique = [...new Set(names)];
      const found = new Map<string, Parameter>();
      const invalid: string[] = [];
      for (let i = 0; i < unique.length; i += BATCH) {
        const batch = unique.slice(i, i + BATCH);
        const command = new GetParametersCommand({ Names: batch, WithDecryption: decrypt });
        const out = await call<{ Parameters?: SdkParameter[]; InvalidParameters?: string[] }>(
          'GetParameters',
          batch.join(', '),
          command,
          signal,
          countSecure(decrypt),
        );
        for (const p of out.Parameters ?? []) found.set(`${p.Name ?? ''}${p.Selector ?? ''}`, toParameter(p));
        invalid.push(...(out.InvalidParameters ?? []));
      }
      const missing = [...invalid, ...unique.filter((n) => !found.has(n) && !invalid.includes(n))];
      if (missing.length > 0) {
        throw new ParameterNotFoundError(`Parameter not found: ${missing.join(', ')}`, missing, {
          hint: 'check each name under `parameters:` (names are case-sensitive; a `:version` or `:label` must exist)',
        });
      }
      return new Map(unique.map((name) => [name, { ...(found.get(name) as Parameter), name: splitSelector(name).name }]));
    },

    notFound: (request) => notFound(options, request),
  };
}
