import type { GetParametersCommand } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { ssmSource } from '../../../src/source/ssm';
import type { SsmSender } from '../../../src/source/send';

/** Answers GetParameters as AWS does: each found name without its selector, the selector apart. */
function sender(): SsmSender {
  return {
    send: async (command) => {
      const names = (command as GetParametersCommand).input.Names ?? [];
      return {
        Parameters: names.map((asked) => {
          const arnRef = /^(\/aws\/reference\/secretsmanager\/arn(?::[^:]*){6})(:.*)?$/.exec(asked);
          const [name, selector] = arnRef ? [arnRef[1], arnRef[2]] : [asked.split(':')[0], asked.includes(':') ? `:${asked.split(':')[1]}` : undefined];
          return { Name: name, Type: 'SecureString', Value: 'v', Version: 1, Selector: selector };
        }),
        InvalidParameters: [],
      };
    },
  };
}

describe('ssmSource.byNames', () => {
  it('keys each parameter by the name asked for, and names it without its selector (the shared split)', async () => {
    const arn = '/aws/reference/secretsmanager/arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf';
    const flat = '/aws/reference/secretsmanager/arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf';
    const asked = ['/a/b:3', '/aws/reference/secretsmanager/prod/db:AWSCURRENT', arn, `${arn}:AWSPREVIOUS`, flat];
    const found = await ssmSource({ client: sender(), region: 'eu-west-1' }).byNames(asked);
    expect([...found].map(([key, p]) => [key, p.name])).toEqual([
      ['/a/b:3', '/a/b'],
      ['/aws/reference/secretsmanager/prod/db:AWSCURRENT', '/aws/reference/secretsmanager/prod/db'],
      [arn, arn],
      [`${arn}:AWSPREVIOUS`, arn],
      [flat, flat],
    ]);
  });
});
