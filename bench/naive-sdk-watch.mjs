// What people write instead of a sidecar: every interval (or on SIGHUP), page through the path and
// replace the file when its text changed. The bench drives it as it drives `watch`, by SIGHUP.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { SSMClient, paginateGetParametersByPath } from '@aws-sdk/client-ssm';

async function main([path, file, intervalMs]) {
  const client = new SSMClient({});
  let wake = () => undefined;
  process.on('SIGHUP', () => wake());
  process.on('SIGTERM', () => process.exit(0));
  for (;;) {
    const lines = [];
    for await (const page of paginateGetParametersByPath({ client }, { Path: path, Recursive: true, WithDecryption: true }))
      for (const p of page.Parameters ?? []) lines.push(`${p.Name.slice(path.length).replaceAll('/', '_')}=${JSON.stringify(p.Value)}`);
    const text = `${lines.join('\n')}\n`;
    let old;
    try {
      old = readFileSync(file, 'utf8');
    } catch {
      old = undefined; // no file yet
    }
    if (text !== old) {
      writeFileSync(`${file}.tmp`, text);
      renameSync(`${file}.tmp`, file);
    }
    process.stderr.write(`${JSON.stringify({ msg: 'refresh', written: text !== old })}\n`);
    await new Promise((resolve) => ((wake = resolve), setTimeout(resolve, Number(intervalMs))));
  }
}
main(process.argv.slice(2));
