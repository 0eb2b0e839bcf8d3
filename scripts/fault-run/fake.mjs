// The fake Parameter Store (test/support/fake-ssm) as its own process, bundled with esbuild the
// way the product is, with its control API: put a parameter, inject a fault, clear the faults.
/* global fetch */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';

/** Bundles the fake into `dir` and starts it on 127.0.0.1 with `pageSize` parameters a page. */
export async function startFake(root, dir, { pageSize }) {
  const bundle = join(dir, 'fake-ssm.cjs');
  await build({
    entryPoints: ['test/support/fake-ssm/main.ts'],
    outfile: bundle,
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
  });
  const child = spawn(process.execPath, [bundle, '--port', '0', '--page-size', String(pageSize)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await Promise.race([
    once(createInterface({ input: child.stdout }), 'line').then(([line]) => line),
    once(child, 'exit').then(() => undefined),
    new Promise((resolve) => setTimeout(resolve, 30_000)),
  ]);
  if (!first) {
    child.kill('SIGKILL');
    throw new Error('the fake Parameter Store did not start');
  }
  const { url } = JSON.parse(first);
  const control = async (route, body) => {
    const response = await fetch(`${url}/__fake/${route}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
    const reply = await response.json();
    if (!reply.ok) throw new Error(`fake ${route}: ${reply.error}`);
    return reply;
  };
  return {
    url,
    put: (name, value, type) => control('put', { name, value, type }),
    inject: (rule) => control('inject', rule),
    clearFaults: () => control('clear-faults', {}),
    /** { calls: { operation: n }, decryptions, faults: { kind: calls it applied to } } */
    stats: () => control('stats'),
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await once(child, 'exit');
      clearTimeout(timer);
    },
  };
}
