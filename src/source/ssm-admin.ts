import {
  DeleteParameterCommand,
  DescribeParametersCommand,
  GetParameterCommand,
  PutParameterCommand,
  type ParameterMetadata,
  type ParameterStringFilter,
  type Parameter as SdkParameter,
} from '@aws-sdk/client-ssm';
import type { ParameterTier, ParameterType } from '../config/choices';
import { InvalidRequestError } from '../errors';
import { toParameter } from './sdk-parameter';
import { sendCommand, type CallSite } from './send';
import type { Parameter } from './types';

export interface PutInput {
  readonly name: string;
  readonly value: string;
  /** Absent: SecureString for a new parameter; with `overwrite`, an existing parameter keeps its type. */
  readonly type?: ParameterType | undefined;
  readonly description?: string | undefined;
  /** Replace an existing parameter (a new version); without it, an existing name throws ParameterExistsError. */
  readonly overwrite?: boolean | undefined;
  /** A KMS key (ARN, key id or alias/NAME) for a SecureString; absent: the account's aws/ssm key. */
  readonly keyId?: string | undefined;
  readonly tier?: ParameterTier | undefined;
}

export interface PutResult {
  readonly version: number;
  readonly tier: string;
}

/** A parameter as DescribeParameters lists it: no value. */
export interface ParameterInfo {
  readonly name: string;
  readonly type: ParameterType;
  readonly version: number;
  readonly lastModified: Date | undefined;
}

export interface DescribeOptions {
  readonly maxPages?: number;
  readonly signal?: AbortSignal | undefined;
}

/** The single-parameter operations: GetParameter, PutParameter, DeleteParameter, DescribeParameters. */
export interface ParameterAdmin {
  get(name: string, options?: { decrypt?: boolean; signal?: AbortSignal | undefined }): Promise<Parameter>;
  put(input: PutInput, options?: { signal?: AbortSignal | undefined }): Promise<PutResult>;
  delete(name: string, options?: { signal?: AbortSignal | undefined }): Promise<void>;
  describe(filters: readonly ParameterStringFilter[], options?: DescribeOptions): Promise<ParameterInfo[]>;
}

const toInfo = (p: ParameterMetadata): ParameterInfo => ({
  name: p.Name ?? '',
  type: (p.Type ?? 'String') as ParameterType,
  version: p.Version ?? 0,
  lastModified: p.LastModifiedDate,
});

const TYPE_REQUIRED = /type is required/i;

/** Parameter Store's admin operations over the SDK, with the same error mapping as the render path. */
export function ssmAdmin(site: CallSite): ParameterAdmin {
  async function putOnce(input: PutInput, type: ParameterType | undefined, signal: AbortSignal | undefined): Promise<PutResult> {
    const command = new PutParameterCommand({
      Name: input.name,
      Value: input.value,
      Type: type,
      Description: input.description,
      Overwrite: input.overwrite === true,
      KeyId: input.keyId,
      Tier: input.tier,
    });
    const out = await sendCommand<{ Version?: number; Tier?: string }>(site, { operation: 'PutParameter', resource: input.name, command, signal });
    return { version: out.Version ?? 0, tier: out.Tier ?? 'Standard' };
  }

  return {
    async get(name, { decrypt = true, signal } = {}) {
      const command = new GetParameterCommand({ Name: name, WithDecryption: decrypt });
      const out = await sendCommand<{ Parameter?: SdkParameter }>(site, {
        operation: 'GetParameter',
        resource: name,
        command,
        signal,
        decrypted: (o) => (decrypt && o.Parameter?.Type === 'SecureString' ? 1 : 0),
      });
      return toParameter(out.Parameter, name);
    },

    async put(input, { signal } = {}) {
      if (input.type !== undefined || input.overwrite !== true) return putOnce(input, input.type ?? 'SecureString', signal);
      // Overwrite without a type keeps the existing type; only a parameter that does not exist yet needs one.
      try {
        return await putOnce(input, undefined, signal);
      } catch (error) {
        const message = (error as { cause?: { message?: string } }).cause?.message ?? '';
        if (error instanceof InvalidRequestError && TYPE_REQUIRED.test(message)) return putOnce(input, 'SecureString', signal);
        throw error;
      }
    },

    async delete(name, { signal } = {}) {
      await sendCommand(site, { operation: 'DeleteParameter', resource: name, command: new DeleteParameterCommand({ Name: name }), signal });
    },

    async describe(filters, { maxPages = 2, signal } = {}) {
      const found: ParameterInfo[] = [];
      let token: string | undefined;
      for (let page = 0; page < maxPages; page++) {
        const command = new DescribeParametersCommand({ ParameterFilters: [...filters], MaxResults: 50, NextToken: token });
        const out = await sendCommand<{ Parameters?: ParameterMetadata[]; NextToken?: string }>(site, {
          operation: 'DescribeParameters',
          resource: 'parameters',
          command,
          signal,
        });
        found.push(...(out.Parameters ?? []).map(toInfo));
        token = out.NextToken || undefined;
        if (token === undefined) break;
      }
      return found;
    },
  };
}
