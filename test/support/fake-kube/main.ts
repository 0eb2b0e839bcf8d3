import { parseArgs } from 'node:util';
import { writeKubeconfig } from './kubeconfig';
import { startFakeKube } from './start';

// Runs the fake as a process (the bench's fleet): `node fake-kube.js --kubeconfig FILE --namespace apps
// --configmap NAME` serves http on 127.0.0.1 (a free port), writes a kubeconfig for it to FILE, creates
// the ConfigMap empty (as examples/kubernetes does) and prints `{"url":...,"kubeconfig":...}`.
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { kubeconfig: { type: 'string' }, namespace: { type: 'string', default: 'default' }, configmap: { type: 'string' } },
    strict: true,
  });
  if (!values.kubeconfig) throw new Error('Expected --kubeconfig FILE: where to write the kubeconfig that points at this fake');
  const fake = await startFakeKube({ namespaces: [values.namespace] });
  if (values.configmap) fake.put('configmaps', values.namespace, { metadata: { name: values.configmap } });
  const kubeconfig = writeKubeconfig(fake, values.kubeconfig, { namespace: values.namespace });
  const stop = () => void fake.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdout.write(`${JSON.stringify({ url: fake.url, kubeconfig })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`fake-kube: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
