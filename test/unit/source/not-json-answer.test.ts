import { describe, expect, it } from 'vitest';
import { fromAwsError } from '../../../src/source/aws-errors';
import { notJsonAnswer } from '../../../src/source/not-json-answer';

/** What the SDK throws when it cannot parse the body: a SyntaxError with the response hidden on it. */
function unparsed(status: number, contentType: string | undefined): Error {
  const error = new SyntaxError(`Unexpected token '<', "<html><bod"... is not valid JSON`);
  Object.assign(error, { $metadata: { httpStatusCode: status } });
  Object.defineProperty(error, '$response', { value: { statusCode: status, headers: contentType === undefined ? {} : { 'Content-Type': contentType } } });
  return error;
}

const ctx = { operation: 'GetParameter', resource: '/A/B', region: 'eu-west-1' };

describe('notJsonAnswer', () => {
  it('names what came back by its content type, never the body, and keeps no cause that would quote it', () => {
    const html = notJsonAnswer(unparsed(200, 'text/html; charset=utf-8'), ctx);
    expect(html?.message).toBe("Parameter Store's answer to GetParameter on /A/B was an HTML page, not JSON (HTTP 200)");
    expect(html?.cause).toBeUndefined();
    expect(notJsonAnswer(unparsed(200, 'text/plain'), ctx)?.message).toBe(
      "Parameter Store's answer to GetParameter on /A/B was `text/plain`, not JSON (HTTP 200)",
    );
    expect(notJsonAnswer(unparsed(200, 'application/x-amz-json-1.1'), ctx)?.message).toBe(
      "Parameter Store's answer to GetParameter on /A/B was not valid JSON (HTTP 200)",
    );
    expect(notJsonAnswer(unparsed(200, undefined), ctx)?.hint).toMatch(/^the answer was cut short or changed on its way/);
    for (const e of [html, notJsonAnswer(unparsed(502, 'text/html'), ctx)])
      expect(`${e?.message} ${e?.hint}`).not.toMatch(/<html|Unexpected token|SyntaxError/);
  });

  it('points at the configured endpoint (without any password in it), or at the variables when there is none; a 5xx is retried', () => {
    const endpoint = { value: 'https://user:pa55@proxy.example:8443/ssm', from: '--endpoint-url' };
    const hint = notJsonAnswer(unparsed(503, 'text/html'), { ...ctx, endpoint })?.hint ?? '';
    expect(hint).toContain('check the endpoint https://proxy.example:8443/ssm (from --endpoint-url); a 5xx is retried');
    expect(hint).not.toContain('pa55');
    expect(notJsonAnswer(unparsed(403, 'text/html'), ctx)?.hint).toMatch(/check AWS_ENDPOINT_URL \/ --endpoint-url, if one is set$/);
  });

  it('leaves every other error to the rest of the mapping', () => {
    expect(notJsonAnswer(Object.assign(new Error('x'), { name: 'ThrottlingException', $metadata: {} }), ctx)).toBeUndefined();
    expect(notJsonAnswer(new SyntaxError('a bug of ours, not an answer'), ctx)).toBeUndefined();
    expect(fromAwsError(unparsed(503, 'text/html'), ctx).message).toBe(
      "Parameter Store's answer to GetParameter on /A/B was an HTML page, not JSON (HTTP 503)",
    );
  });
});
