// The job every render of the fault run does: four destinations, each holding a canary SecureString,
// whose exact bytes for a generation and a writer are known here, so that any other byte sequence
// in a destination is a torn file.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const CANARY = 'CANARY-fault-run-4e1d9b';
export const PREFIX = '/FAULTS';
export const ENV = 'RUN';
const PATH = `${PREFIX}/${ENV}/`;

// Sizes from a large file (a kill is likely to land while it is written) down to a small one.
const FILES = [
  { name: 'a.env', secret: 'DB/PASSWORD', key: 'DB.PASSWORD', filler: 2 << 20 },
  { name: 'b.yaml', secret: 'API/TOKEN', key: 'API.TOKEN', filler: 256 << 10 },
  { name: 'c.json', secret: 'TLS/KEY', key: 'TLS.KEY', filler: 64 << 10 },
  { name: 'd.properties', secret: 'MQ/PASSWORD', key: 'MQ.PASSWORD', filler: 1 << 10 },
];
export const DESTINATIONS = FILES.map((f) => f.name);
/** The name of the SecureString whose decryption a kms-denied fault refuses. */
export const KMS_DENIED_NAME = `${PATH}DB/PASSWORD`;

const secretValue = (secret, gen) => `${secret.toLowerCase().replace('/', '-')}-${gen}-${CANARY}`;

/** The parameters of generation `gen`: every SecureString rotates and carries the canary; a few Strings, so a fetch takes several pages. */
export function parametersOf(gen) {
  return [
    { name: `${PATH}GEN`, value: String(gen), type: 'String' },
    ...FILES.map((f) => ({ name: `${PATH}${f.secret}`, value: secretValue(f.secret, gen), type: 'SecureString' })),
    { name: `${PATH}APP/NAME`, value: 'fault-run', type: 'String' },
    { name: `${PATH}APP/PORT`, value: '8080', type: 'String' },
    { name: `${PATH}APP/REGION`, value: 'eu-west-1', type: 'String' },
  ];
}

const header = (file, gen, writer) => `FILE=${file.name}\nGEN=${gen}\nWRITER=${writer}\n`;
const body = (file, gen, secret) => `SECRET=${secret}\n${'f'.repeat(file.filler)}\nEND=${gen}\n`;

/** The exact bytes of `file` rendered from generation `gen` by `writer`. */
function expected(file, gen, writer) {
  return header(file, gen, writer) + body(file, gen, secretValue(file.secret, gen));
}

/** Writes ssm-render.yaml and the four templates into `work`; the destinations go to `out`. */
export function writeJob(work, out) {
  mkdirSync(join(work, 'templates'), { recursive: true });
  for (const f of FILES) {
    const text = `FILE=${f.name}\nGEN={{GEN}}\nWRITER={{RUN.WRITER}}\nSECRET={{${f.key}}}\n${'f'.repeat(f.filler)}\nEND={{GEN}}\n`;
    writeFileSync(join(work, 'templates', `${f.name}.hbs`), text);
  }
  const templates = FILES.map((f) => `  - source: templates/${f.name}.hbs\n    destination: ${join(out, f.name)}\n    escape: none\n`).join('');
  writeFileSync(
    join(work, 'ssm-render.yaml'),
    `prefix: ${PREFIX}\nenv: ${ENV}\nrequired: [GEN]\ndefaults:\n  values: { RUN: { WRITER: solo } }\ntemplates:\n${templates}`,
  );
}

/** Each destination's bytes (undefined when missing). */
export function snapshot(out) {
  return FILES.map((f) => (existsSync(join(out, f.name)) ? readFileSync(join(out, f.name)).toString('latin1') : undefined));
}

/** Which render a destination's bytes come from ({ gen, writer }), or undefined if they are no render's whole output. */
function identify(file, content) {
  const match = /^FILE=([\w.]+)\nGEN=(\d+)\nWRITER=(\w+)\n/.exec(content);
  if (!match || match[1] !== file.name) return undefined;
  const gen = Number(match[2]);
  return content === expected(file, gen, match[3]) ? { gen, writer: match[3] } : undefined;
}

/**
 * Compares the destinations after an iteration with those before it. A destination is torn unless
 * it is byte for byte the old file or a new one (generation `gen`, one of `writers`); the set is
 * mixed when its whole files come from more than one render.
 */
export function classify(before, after, gen, writers) {
  let torn = 0;
  const sources = new Set();
  let changed = 0;
  let allNew = true;
  after.forEach((content, i) => {
    const file = FILES[i];
    if (content !== before[i]) changed += 1;
    if (content === undefined) {
      allNew = false;
      if (before[i] === undefined) sources.add('old');
      else torn += 1; // a destination that vanished is neither the old file nor a new one
      return;
    }
    const id = identify(file, content);
    const isOld = content === before[i];
    const isNew = id !== undefined && id.gen === gen && writers.includes(id.writer);
    if (!isOld && !isNew) {
      torn += 1;
      return;
    }
    if (!isNew) allNew = false;
    sources.add(isNew ? `${id.gen}/${id.writer}` : 'old');
  });
  return { torn, mixed: sources.size > 1, changed, allNew, allOld: changed === 0 };
}

/** Files in `out` other than the destinations: temp files and locks. */
export function leftovers(out) {
  if (!existsSync(out)) return [];
  return readdirSync(out).filter((n) => !DESTINATIONS.includes(n));
}
