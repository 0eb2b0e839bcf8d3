// The SDK's own cost, the least any tool built on @aws-sdk/client-ssm can spend: load the client,
// resolve region, credentials and endpoint, serialize and sign one GetParametersByPath request, and
// parse an empty page. Everything but the socket: the request handler answers in memory.
import { Readable } from 'node:stream';
import { GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';

let signed = '';
const requestHandler = {
  async handle(request) {
    signed = request.headers.authorization ?? '';
    const body = Readable.from([Buffer.from('{"Parameters":[]}')]);
    return { response: { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body } };
  },
};
async function main([path]) {
  const page = await new SSMClient({ requestHandler }).send(new GetParametersByPathCommand({ Path: path, Recursive: true, WithDecryption: true }));
  if (!signed.startsWith('AWS4-HMAC-SHA256 ') || !Array.isArray(page.Parameters)) throw new Error('expected a signed request and a parsed page');
}
main(process.argv.slice(2));
