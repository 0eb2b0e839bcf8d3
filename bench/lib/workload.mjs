// The workload: N parameters under /BENCH/PROD/, half of them SecureStrings, rendered into a .env, a
// YAML file and one Handlebars template (every parameter, as shell exports).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PATH = '/BENCH/PROD/';
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:/@+= ';

/** mulberry32: the same values on every run and every machine. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `SVCg/KEY_i` (ten keys a service), values of 12 to 40 characters. */
export function parameters(n) {
  const next = random(1);
  const groups = Math.max(1, Math.ceil(n / 10));
  return Array.from({ length: n }, (_, i) => {
    const length = 12 + Math.floor(next() * 29);
    let value = '';
    for (let c = 0; c < length; c++) value += ALPHABET[Math.floor(next() * (c === 0 || c === length - 1 ? 62 : ALPHABET.length))];
    return { name: `${PATH}SVC${i % groups}/KEY_${i}`, value, type: i % 2 ? 'SecureString' : 'String' };
  });
}

const TEMPLATE = `# {{meta.prefix}} {{meta.env}}: every parameter as a shell variable
{{#each env}}
export {{raw @key}}={{this}}
{{/each}}
`;

/** Where `layered` puts the two halves of the parameters: two paths beside PATH. */
export const HALVES = ['/BENCH/COMMON/', '/BENCH/SHARED/'];

/**
 * The job in `dir`: seed.json for the fake, and ssm-render.yaml with `watch` (YAML text) and three
 * destinations under out/ (.env, YAML, the template), or only the .env with `envOnly`. With
 * `layered`, the store also holds the same parameters split in two halves under HALVES, and
 * ssm-render-layered.yaml reads them as two `sources:` into out-layered/ (the same keys and files).
 */
export function writeJob(dir, { n, watch = '', envOnly = false, layered = false }) {
  const params = parameters(n);
  const halves = layered ? params.map((p, i) => ({ ...p, name: p.name.replace(PATH, HALVES[i < n / 2 ? 0 : 1]) })) : [];
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'seed.json'), JSON.stringify([...params, ...halves]));
  writeFileSync(join(dir, 'app.sh.hbs'), TEMPLATE);
  const templates = (out) =>
    `templates:\n  - format: dotenv\n    destination: ${out}/app.env\n` +
    (envOnly ? '' : `  - format: yaml\n    destination: ${out}/app.yaml\n  - source: app.sh.hbs\n    destination: ${out}/app.sh\n`);
  const head = `prefix: /BENCH\nenv: PROD\nregion: eu-west-1\n${watch}`;
  writeFileSync(join(dir, 'ssm-render.yaml'), `${head}${templates('out')}`);
  const sources = `sources:\n${HALVES.map((h) => `  - path: ${h}\n`).join('')}`;
  if (layered) writeFileSync(join(dir, 'ssm-render-layered.yaml'), `${head}${sources}${templates('out-layered')}`);
  return {
    dir,
    params,
    seed: join(dir, 'seed.json'),
    config: join(dir, 'ssm-render.yaml'),
    layeredConfig: layered ? join(dir, 'ssm-render-layered.yaml') : undefined,
    out: join(dir, 'out'),
  };
}
