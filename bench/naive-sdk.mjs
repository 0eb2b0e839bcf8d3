// What people write instead of ssm-render: page through the path, write KEY="value" lines. Ten lines.
import { writeFileSync } from 'node:fs';
import { SSMClient, paginateGetParametersByPath } from '@aws-sdk/client-ssm';

async function main([path, file]) {
  const lines = [];
  const pages = paginateGetParametersByPath({ client: new SSMClient({}) }, { Path: path, Recursive: true, WithDecryption: true });
  for await (const page of pages)
    for (const p of page.Parameters ?? []) lines.push(`${p.Name.slice(path.length).replaceAll('/', '_')}=${JSON.stringify(p.Value)}`);
  writeFileSync(file, `${lines.join('\n')}\n`);
}
main(process.argv.slice(2));
