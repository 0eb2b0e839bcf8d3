// The fault run (`npm run faults`; not part of `npm test`): the built CLI (dist/ssm-render.js) as
// real processes, rendering four files that each hold a canary SecureString from the fake Parameter
// Store, while, one kind per iteration, it injects broken HTTP answers, file-system faults made for
// real (tmpfs ENOSPC, chattr +i EPERM, read-only bind mount EROFS, file bind mount EBUSY; root
// needed, a kind the machine refuses is skipped with a note), kill -9 / SIGTERM / SIGINT at random
// points of the commit, and concurrent writers. After every iteration it checks the destinations
// (torn files, mixed sets), the temp files and locks left, and everything each process printed.
// It prints a table and exits 1 when any promise broke (tally.mjs lists them; a mixed set after a
// kill is counted, not a failure: per-file commit allows it).
//
// Flags: --iterations N (default 1000), --budget SECONDS (default 420: the loop stops there),
// --seed N (replay), --only KIND,... (see fault-run/kinds.mjs), --writers N (default 4), --verbose.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startFake } from './fault-run/fake.mjs';
import { bindMounted, fillUp, immutable, mountVolume, probeKinds, readOnly, unmountVolume } from './fault-run/fs-faults.mjs';
import { ALL_KINDS, allowedExits, FS_KINDS, HTTP_KINDS, httpRule, killPlan, WRITER_KINDS } from './fault-run/kinds.mjs';
import { seeded } from './fault-run/random.mjs';
import { render } from './fault-run/render.mjs';
import { PROMISES, Tally } from './fault-run/tally.mjs';
import { CANARY, classify, DESTINATIONS, leftovers, parametersOf, snapshot, writeJob } from './fault-run/workspace.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUNDLE = join(ROOT, 'dist/ssm-render.js');
const { values: flags } = parseArgs({
  options: {
    iterations: { type: 'string', default: '1000' },
    budget: { type: 'string', default: '420' },
    seed: { type: 'string' },
    only: { type: 'string' },
    writers: { type: 'string', default: '4' },
    verbose: { type: 'boolean', default: false },
  },
});
const count = (name, text, min) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new Error(`Expected --${name} to be an integer >= ${min}, got \`${text}\``);
  return n;
};
const iterations = count('iterations', flags.iterations, 1);
const budgetMs = count('budget', flags.budget, 1) * 1000;
const seed = flags.seed === undefined ? Date.now() % 1_000_000 : count('seed', flags.seed, 0);
const writers = count('writers', flags.writers, 2);
const only = flags.only?.split(',').map((k) => k.trim());
for (const k of only ?? []) if (!ALL_KINDS.includes(k)) throw new Error(`Expected --only to list kinds among ${ALL_KINDS.join(', ')}, got \`${k}\``);
if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`npm run build\` first (npm run faults does)`);

const rand = seeded(seed);
const tally = new Tally();
const work = mkdtempSync(join(tmpdir(), 'ssm-render-faults-'));
const vol = join(work, 'vol');
const out = join(vol, 'out');
const undos = [];
let fake;
let volume = { tmpfs: false };

function environment(extra = {}) {
  mkdirSync(join(work, 'home'), { recursive: true });
  return {
    PATH: process.env.PATH,
    HOME: join(work, 'home'),
    AWS_CONFIG_FILE: join(work, 'home', 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(work, 'home', 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ACCESS_KEY_ID: 'AKIDFAULTRUN',
    AWS_SECRET_ACCESS_KEY: 'fault-run',
    AWS_REGION: 'eu-west-1',
    AWS_ENDPOINT_URL: fake.url,
    SSM_RENDER_LOG_FORMAT: 'json',
    ...extra,
  };
}

/** Arms the file-system fault of `kind`; pushes its undo. */
function armFs(kind) {
  if (kind === 'enospc') undos.push(fillUp(vol, rand.int(0, Math.floor(2.6 * (1 << 20)))));
  if (kind === 'eperm') undos.push(immutable(join(out, DESTINATIONS[rand.int(1, DESTINATIONS.length - 1)])));
  if (kind === 'erofs') undos.push(readOnly(out));
  if (kind === 'ebusy') undos.push(bindMounted(join(out, DESTINATIONS[rand.int(0, DESTINATIONS.length - 1)]), vol));
}

function undoAll() {
  while (undos.length > 0) undos.pop()();
}

/** The processes of one iteration of `kind`: one render, or `writers` at once (one of them maybe killed). */
async function runProcesses(kind) {
  if (!WRITER_KINDS.includes(kind)) {
    const result = await render({ bundle: BUNDLE, cwd: work, env: environment(), out, kill: killPlan(kind, rand) });
    return { results: [result], names: ['solo'] };
  }
  const names = Array.from({ length: writers }, (_, i) => `w${i}`);
  const victim = kind === 'writers-kill9' ? rand.int(0, writers - 1) : -1;
  const results = await Promise.all(
    names.map((name, i) =>
      render({ bundle: BUNDLE, cwd: work, env: environment({ RUN_WRITER: name }), out, kill: i === victim ? killPlan(kind, rand) : undefined }),
    ),
  );
  return { results, names };
}

async function iteration(gen, kind) {
  for (const p of parametersOf(gen)) await fake.put(p.name, p.value, p.type);
  const row = tally.of(kind);
  const before = snapshot(out);
  const rule = HTTP_KINDS.includes(kind) ? httpRule(kind, rand) : undefined;
  const servedBefore = rule ? ((await fake.stats()).faults[kind] ?? 0) : 0;
  if (rule) await fake.inject(rule);
  if (FS_KINDS.includes(kind)) armFs(kind);
  if (HTTP_KINDS.includes(kind) || FS_KINDS.includes(kind)) row.armed += 1;
  let results;
  let names;
  try {
    ({ results, names } = await runProcesses(kind));
  } finally {
    await fake.clearFaults();
  }
  const after = snapshot(out);
  undoAll();
  const served = rule ? ((await fake.stats()).faults[kind] ?? 0) - servedBefore : undefined;

  row.runs += 1;
  row.processes += results.length;
  const c = classify(before, after, gen, names);
  row.torn += c.torn;
  const killed = results.some((r) => r.sent);
  for (const r of results) {
    const exit = r.code !== null ? String(r.code) : String(r.signal);
    row.exits[exit] = (row.exits[exit] ?? 0) + 1;
    if (r.output.includes(CANARY)) row.leaks += 1;
    if (r.hung) row.hung += 1;
    if (r.sent) {
      row.kills += 1;
      if (r.landed === 'mid-commit') row.killsMidCommit += 1;
    } else if (!allowedExits(kind).includes(r.code)) row.unexpectedExits += 1;
    tally.sample(kind, exit, r.output);
  }
  const failedOnItsOwn = results.some((r) => !r.sent && r.code !== 0);
  if (killed) {
    if (c.mixed) row.mixedAfterKill += 1;
  } else if (failedOnItsOwn && results.length === 1) {
    if (c.mixed) row.mixedAfterFailure += 1;
    else if (!c.allOld) row.changedAfterFailure += 1;
  } else if (!failedOnItsOwn) {
    if (c.mixed) row.unexplainedMixed += 1;
    else if (!c.allNew) row.staleAfterSuccess += 1;
  }
  // A run that reaches its commit and is not killed removes every temp file, a killed run's
  // included. One that fails before (the fetch: exit 3; a template: 4) never takes the lock under
  // which temps are removed, and a read-only directory cannot be cleaned: those are counted apart.
  const left = leftovers(out);
  const beforeCommit = results.every((r) => r.code === 3 || r.code === 4);
  if (killed) row.tempsLeftByKills += left.length;
  else if (left.length > 0 && (beforeCommit || kind === 'erofs')) row.tempsKeptByFailure += 1;
  else if (left.length > 0) {
    row.strayTemps += 1;
    tally.notes.push(`after ${kind} (gen ${gen}): left ${left.join(', ')}`);
  }
  if (flags.verbose) {
    const exits = results.map((r) => (r.sent ? `${r.sent}@${r.landed}->${r.code ?? r.signal}` : String(r.code ?? r.signal))).join(',');
    const fault = rule ? ` (${JSON.stringify(rule)}: ${served} answers broken)` : '';
    console.log(`gen ${gen} ${kind}${fault}: exits ${exits}, torn ${c.torn}, mixed ${c.mixed}, changed ${c.changed}, left ${left.length}`);
  }
}

function cleanUp() {
  try {
    undoAll();
  } catch (error) {
    console.error(`fault-run: undo failed: ${error.message}`);
  }
  if (volume.tmpfs) unmountVolume(vol);
  rmSync(work, { recursive: true, force: true });
}

async function main() {
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
  console.log(`fault run: ${new Date().toISOString()}, commit ${commit}${dirty ? ' (with uncommitted changes)' : ''}, node ${process.version}`);
  console.log(`command: node scripts/fault-run.mjs ${process.argv.slice(2).join(' ')} (seed ${seed})`.replace(/ +\(/, ' ('));
  volume = mountVolume(vol, 32);
  const skipped = { ...(volume.tmpfs ? {} : { enospc: volume.note }), ...probeKinds(out) };
  for (const [kind, why] of Object.entries(skipped)) tally.notes.push(`${kind} skipped: ${why}`);
  const kinds = (only ?? ALL_KINDS).filter((k) => skipped[k] === undefined);
  fake = await startFake(ROOT, work, { pageSize: 3 });
  writeJob(work, out);

  const started = Date.now();
  await iteration(1, 'none');
  let deck = [];
  let gen = 1;
  while (gen < iterations && Date.now() - started < budgetMs) {
    if (deck.length === 0) deck = rand.shuffle(kinds);
    gen += 1;
    await iteration(gen, deck.pop());
  }
  // Last, a clean render: it must leave the new set and nothing else, whatever came before.
  await iteration(gen + 1, 'none');
  const { faults } = await fake.stats();
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(`${gen + 1} iterations in ${seconds} s (seed ${seed}; ${volume.tmpfs ? 'tmpfs volume' : 'plain directory'}; ${writers} concurrent writers)\n`);
  console.log(tally.summary(faults));
  const broken = tally.broken();
  const totals = tally.totals();
  console.log(broken.length === 0 ? '\nverdict: every promise held' : `\nverdict: BROKEN\n${broken.map((k) => `  ${totals[k]} x ${PROMISES[k]}`).join('\n')}`);
  return broken.length === 0 ? 0 : 1;
}

let code = 1;
process.once('SIGINT', () => {
  cleanUp();
  process.exit(130);
});
try {
  code = await main();
} catch (error) {
  console.error(`fault-run: ${error.stack ?? error.message}`);
} finally {
  await fake?.stop();
  cleanUp();
}
process.exit(code);
