import { randomBytes, randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { handleAws } from './aws-handler';
import { ciphertext } from './ciphertext';
import { CONTROL_PREFIX, handleControl } from './control';
import { Counters } from './counters';
import { Faults } from './faults';
import { Iam } from './iam';
import { nameError } from './name-rules';
import { applyOptions, defaultSettings, validatePort } from './options';
import type { OperationContext } from './operations/context';
import { DEFAULT_KEY_ID } from './operations/put-parameter';
import { TokenCodec } from './pagination';
import { TokenBucket } from './rate-limit';
import { listen } from './server';
import { ParameterStore } from './store';
import { handleSts, isQueryRequest } from './sts/handler';
import type { FakeSsm, FakeSsmOptions, PutOptions } from './types';

// Each fake's identities, so that another fake can share them (`sharedIam`).
const IAM_OF = new WeakMap<FakeSsm, Iam>();

function sharedIam(other: FakeSsm | undefined): Iam {
  if (other === undefined) return new Iam();
  const iam = IAM_OF.get(other);
  if (!iam) throw new TypeError('Expected the `sharedIam` option to be a fake returned by startFakeSsm()');
  return iam;
}

/** Starts the fake Parameter Store (and STS, on the same URL) on 127.0.0.1 and returns its URL and its test handles. */
export async function startFakeSsm(options: FakeSsmOptions = {}): Promise<FakeSsm> {
  const port = validatePort(options);
  const settings = defaultSettings();
  const { port: _port, sharedIam: other, ...runtime } = options;
  applyOptions(settings, runtime);
  const iam = sharedIam(other);
  const key = randomBytes(32);
  const store = new ParameterStore();
  const ctx: OperationContext = { store, settings, tokens: new TokenCodec(key), cipher: (name, version) => ciphertext(key, name, version) };
  const faults = new Faults();
  const counters = new Counters();
  const bucket = new TokenBucket();
  const closing = new AbortController();
  // Every request waiting out its latency or the rate limit listens to it: 300 sidecars are 300 listeners.
  setMaxListeners(0, closing.signal);

  function put(name: string, value: string, opts: PutOptions = {}): number {
    const invalid = nameError(name, { allowReserved: true });
    if (invalid) throw new TypeError(`Expected a valid parameter name, got \`${name}\`: ${invalid.message}`);
    const previous = store.latest(name);
    const type = opts.type ?? previous?.type ?? 'String';
    const keyId = type === 'SecureString' ? (opts.keyId ?? (previous?.type === 'SecureString' ? previous.keyId : undefined) ?? DEFAULT_KEY_ID) : undefined;
    const fields = { value, type, keyId, description: opts.description ?? previous?.description, allowedPattern: undefined };
    const stored = store.append(name, { ...fields, tier: value.length > 4096 ? 'Advanced' : 'Standard', dataType: 'text' });
    if (opts.labels?.length) store.label(name, stored.version, opts.labels);
    return stored.version;
  }

  const api: FakeSsm = {
    url: '',
    put,
    label(name, version, labels) {
      if (!store.history(name)?.some((v) => v.version === version)) throw new TypeError(`No version ${version} of parameter \`${name}\``);
      store.label(name, version, labels);
    },
    putSecret: (secretId, value) => store.putSecret(secretId, value, randomUUID()),
    delete: (name) => void store.remove(name),
    value: (name) => store.latest(name)?.value,
    names: () => [...store.names()],
    inject: (rule) => faults.inject(rule),
    clearFaults: () => faults.clear(),
    calls: () => counters.calls(),
    decryptions: () => counters.decryptions(),
    faultsApplied: () => faults.applied(),
    requests: () => counters.requests(),
    resetCounters: () => {
      counters.reset();
      faults.resetApplied();
    },
    setOptions: (changes) => applyOptions(settings, changes),
    addRole: (arn, roleOptions) => iam.addRole(arn, roleOptions),
    restrictAccessKey: (accessKeyId, readablePaths) => iam.restrictAccessKey(accessKeyId, readablePaths),
    expireCredentials: (roleArn) => iam.expireCredentials(roleArn),
    issuedCredentials: () => iam.issued(),
    close: async () => undefined,
  };
  IAM_OF.set(api, iam);

  const server = await listen(
    port,
    (req, res) => {
      if (req.url?.startsWith(CONTROL_PREFIX)) return handleControl(req, res, api);
      if (isQueryRequest(req)) return handleSts(req, res, { iam, settings, faults, counters, closing: closing.signal });
      return handleAws(req, res, { ctx, faults, counters, bucket, iam, closing: closing.signal });
    },
    () => closing.abort(),
  );
  api.url = server.url;
  api.close = server.close;
  return api;
}
