import type { Resolved } from '../config/settings';
import { ServiceError } from '../errors';

interface Answer {
  readonly name?: string;
  readonly $metadata?: { httpStatusCode?: number };
  readonly $response?: { headers?: Record<string, string | undefined> };
}

/** The endpoint as messages show it: no user or password, even if the URL held one. */
function shownEndpoint(endpoint: Resolved<string>): string {
  try {
    const url = new URL(endpoint.value);
    url.username = '';
    url.password = '';
    return `${url.href} (from ${endpoint.from})`;
  } catch {
    return `from ${endpoint.from}`;
  }
}

/**
 * An answer the SDK could not read as JSON (its SyntaxError): an HTML page from a proxy or a captive
 * portal, another service at a wrong endpoint, or a body cut short on its way. Says what came back
 * and the likely cause; never quotes the body, and keeps no cause (the parser's message quotes it).
 */
export function notJsonAnswer(raw: unknown, ctx: { operation: string; resource: string; endpoint?: Resolved<string> | undefined }): ServiceError | undefined {
  const answer = (raw ?? {}) as Answer;
  if (answer.name !== 'SyntaxError' || answer.$metadata === undefined) return undefined;
  const status = answer.$metadata.httpStatusCode;
  const headers = answer.$response?.headers ?? {};
  const type =
    Object.entries(headers)
      .find(([k]) => k.toLowerCase() === 'content-type')?.[1]
      ?.split(';')[0]
      ?.trim() ?? '';
  const endpoint = ctx.endpoint ? `the endpoint ${shownEndpoint(ctx.endpoint)}` : 'AWS_ENDPOINT_URL / --endpoint-url, if one is set';
  const kind = /html/i.test(type) ? 'html' : /json/i.test(type) || type === '' ? 'malformed' : 'other';
  const body = { html: 'an HTML page, not JSON', malformed: 'not valid JSON', other: `\`${type}\`, not JSON` }[kind];
  const message = `Parameter Store's answer to ${ctx.operation} on ${ctx.resource} was ${body}${status === undefined ? '' : ` (HTTP ${status})`}`;
  if (kind === 'malformed') {
    return new ServiceError(message, {
      hint: `the answer was cut short or changed on its way (a proxy that rewrites or truncates bodies, a dropped connection), or ${endpoint} is not Parameter Store; it usually passes on a retry`,
    });
  }
  return new ServiceError(message, {
    hint: `something other than Parameter Store answered: a proxy (HTTPS_PROXY, a corporate proxy or captive portal's login page) or a wrong endpoint; check ${endpoint}${status !== undefined && status >= 500 ? '; a 5xx is retried' : ''}`,
  });
}
