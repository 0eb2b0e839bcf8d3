import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FakeSsm } from '../support/fake-ssm';
import { eventually, msg, startCli } from '../support/cli-process';
import { BUNDLE, runCli, type CliResult } from '../support/run-cli';
import { awsEnv, CANARY, expectNoLeak, fakeHooks, lastLog, type Scratch } from '../support/toolkit';

// `format: files` through the built CLI against the fake Parameter Store: one file per key, binary
// bytes exact, sub-directories, unsafe names, stale files, foreign files, planted symlinks.
const PATH = '/ELASMETRICS/STAGING/';
const MANIFEST = '.ssm-render-manifest.json';
let fake: FakeSsm;
let dir: Scratch;
fakeHooks((f, d) => {
  fake = f;
  dir = d;
  for (const name of fake.names()) fake.delete(name);
  fake.put(`${PATH}DB/PASSWORD`, `db-${CANARY}`, { type: 'SecureString' });
  fake.put(`${PATH}TLS/CERT`, `-----BEGIN CERTIFICATE-----\n${CANARY}\n-----END CERTIFICATE-----\n`, { type: 'SecureString' });
});

function configure(extra = '') {
  dir.write(
    'ssm-render.yaml',
    `prefix: /ELASMETRICS\nenv: STAGING\ntemplates:\n  - format: files\n    destination: out/tls/\n    include: [TLS]\n    decode: { TLS/KEYSTORE: base64 }\n    mode: "0600"\n${extra}`,
  );
}
const out = (...parts: string[]) => join(dir.path('out', 'tls'), ...parts);
const render = async (...args: string[]): Promise<CliResult> => {
  const r = await runCli(['render', ...args], { cwd: dir.dir, env: awsEnv(fake) });
  expectNoLeak(r);
  return r;
};
/** Every file under a directory, relative, with its bytes. */
function tree(root: string): Record<string, string> {
  const found: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (lstatSync(p).isDirectory()) walk(p);
      else found[relative(root, p)] = lstatSync(p).isSymbolicLink() ? 'symlink' : readFileSync(p).toString('hex');
    }
  };
  if (existsSync(root)) walk(root);
  return found;
}
const hex = (text: string) => Buffer.from(text).toString('hex');

describe('render with format: files', () => {
  it('round-trips a binary keystore exactly (NUL, 0xFF), nested keys become sub-directories, and the rest stays out', async () => {
    configure();
    const keystore = Buffer.concat([Buffer.from([0, 0xff, 0, 0xfe, 0x0a, 0x0d]), randomBytes(4096), Buffer.from([0xff, 0])]);
    fake.put(`${PATH}TLS/KEYSTORE`, keystore.toString('base64'), { type: 'SecureString' });
    fake.put(`${PATH}TLS/CONF.D/APP.CONF`, 'server_name example;\n', { type: 'String' });
    const r = await render();
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out('KEYSTORE')).equals(keystore)).toBe(true);
    expect(readFileSync(out('CERT'), 'utf8')).toBe(`-----BEGIN CERTIFICATE-----\n${CANARY}\n-----END CERTIFICATE-----\n`);
    expect(readFileSync(out('CONF.D', 'APP.CONF'), 'utf8')).toBe('server_name example;\n');
    expect(statSync(out('KEYSTORE')).mode & 0o777).toBe(0o600);
    expect(statSync(out('CONF.D')).mode & 0o777).toBe(0o700);
    expect(readdirSync(out()).sort()).toEqual([MANIFEST, 'CERT', 'CONF.D', 'KEYSTORE'].sort());
    expect(JSON.parse(readFileSync(out(MANIFEST), 'utf8'))).toEqual({ version: 1, files: ['CERT', 'CONF.D/APP.CONF', 'KEYSTORE'] });
    expect(readFileSync(out(MANIFEST), 'utf8')).not.toContain(CANARY);

    const inode = statSync(out('KEYSTORE')).ino;
    const again = await render();
    expect(lastLog(again)['written']).toBe(0);
    expect(statSync(out('KEYSTORE')).ino).toBe(inode);
  });

  it('renders examples/tls-files as it is written (the owner aside, which needs root)', async () => {
    const example = readFileSync(resolve(__dirname, '../../examples/tls-files/ssm-render.yaml'), 'utf8');
    dir.write('ssm-render.yaml', example.replace('destination: /secrets/tls/', 'destination: out/tls/').replace(/^ {4}gid: \d+\n/m, ''));
    const p12 = Buffer.from([0x30, 0x82, 0, 0xff, 0x0a]);
    fake.put(`${PATH}TLS/keystore.p12`, p12.toString('base64'), { type: 'SecureString' });
    fake.put(`${PATH}TLS/ca/root.pem`, 'root\n', { type: 'String' });
    const r = await render();
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out('keystore.p12')).equals(p12)).toBe(true);
    expect(readFileSync(out('ca', 'root.pem'), 'utf8')).toBe('root\n');
    expect(statSync(out('ca')).mode & 0o777).toBe(0o750);
  });

  it('removes the files of keys that are gone in the same commit, and never a file it did not write', async () => {
    configure();
    fake.put(`${PATH}TLS/OLD/KEY`, 'old', { type: 'String' });
    expect((await render()).code).toBe(0);
    writeFileSync(out('foreign.pem'), 'not ours');
    writeFileSync(out('OLD', 'foreign'), 'not ours either');
    fake.delete(`${PATH}TLS/OLD/KEY`);

    const dry = await render('--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`would remove ${out('OLD', 'KEY')}\n`);
    expect(existsSync(out('OLD', 'KEY'))).toBe(true);

    const r = await render();
    expect(r.code).toBe(0);
    expect(lastLog(r)['written']).toBe(1);
    expect(tree(out())).toEqual({
      [MANIFEST]: expect.any(String),
      CERT: expect.any(String),
      'foreign.pem': hex('not ours'),
      'OLD/foreign': hex('not ours either'),
    });
  });

  it.each([
    ['`..`', 'TLS/..', /`TLS\/\.\.` cannot be a file of .*`\.\.` segment/],
    ['the manifest', `TLS/${MANIFEST}`, /holds `\.ssm-render`/],
    ['a snapshot name', 'TLS/..data', /starts with `\.\.`/],
    ['a segment over 255 bytes', `TLS/${'x'.repeat(256)}`, /longer than 255 bytes/],
    ['a file that is also a directory', 'TLS/CERT/INNER', /`TLS\/CERT\/INNER` needs .*CERT as a directory, but `TLS\/CERT` is written there as a file/],
  ])('refuses a key that cannot be a safe file name (%s): exit 4 naming it, nothing written', async (_, key, message) => {
    configure();
    fake.put(`${PATH}${key}`, `v-${CANARY}`, { type: 'SecureString' });
    const r = await render();
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toMatch(message);
    expect(existsSync(dir.path('out'))).toBe(false);
  });

  it('refuses invalid base64 naming the key, never the value, and writes nothing', async () => {
    configure();
    const bad = `${CANARY}==`;
    fake.put(`${PATH}TLS/KEYSTORE`, bad, { type: 'SecureString' });
    const r = await render();
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('The value of `TLS/KEYSTORE` is not valid base64');
    expect(r.stderr).not.toContain(bad);
    expect(existsSync(dir.path('out'))).toBe(false);
  });

  it('never follows a symlink planted as a sub-directory: exit 5, nothing written through it', async () => {
    configure();
    fake.put(`${PATH}TLS/SUB/KEY`, `k-${CANARY}`, { type: 'SecureString' });
    mkdirSync(out(), { recursive: true });
    mkdirSync(dir.path('victim'));
    symlinkSync(dir.path('victim'), out('SUB'));
    const r = await render();
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(`${out('SUB')} is not a directory`);
    expect(readdirSync(dir.path('victim'))).toEqual([]);
    expect(existsSync(out('CERT'))).toBe(false);
  });

  it('replaces a symlink planted at a file name instead of writing through it', async () => {
    configure();
    mkdirSync(out(), { recursive: true });
    writeFileSync(dir.path('victim'), 'precious');
    symlinkSync(dir.path('victim'), out('CERT'));
    expect((await render()).code).toBe(0);
    expect(readFileSync(dir.path('victim'), 'utf8')).toBe('precious');
    expect(lstatSync(out('CERT')).isFile()).toBe(true);
  });

  it('watch: a new key arrives as a file, a deleted one is removed, at the next interval; on_change runs for both', async () => {
    configure(`watch: { interval: 1s, jitter: 0 }\non_change:\n  command: ["sh", "-c", "echo changed >> ${dir.path('changes.txt')}"]\n`);
    const cli = startCli(['watch', '--listen', '127.0.0.1:0'], { cwd: dir.dir, env: awsEnv(fake) });
    try {
      await cli.waitForLog(msg('health endpoints listening'));
      await eventually(() => (existsSync(out('CERT')) ? true : undefined), 15_000, 'the first render');
      fake.put(`${PATH}TLS/NEW/KEY`, `new-${CANARY}`, { type: 'SecureString' });
      await eventually(() => (existsSync(out('NEW', 'KEY')) ? true : undefined), 15_000, 'the new key as a file');
      expect(readFileSync(out('NEW', 'KEY'), 'utf8')).toBe(`new-${CANARY}`);
      const changes = () => (existsSync(dir.path('changes.txt')) ? readFileSync(dir.path('changes.txt'), 'utf8').split('\n').length - 1 : 0);
      const before = await eventually(() => (changes() > 0 ? changes() : undefined), 15_000, 'on_change for the new key');
      fake.delete(`${PATH}TLS/NEW/KEY`);
      await eventually(() => (existsSync(out('NEW', 'KEY')) ? undefined : true), 15_000, 'the file of the deleted key removed');
      // A removal alone is a change: the app is told.
      await eventually(() => (changes() === before + 1 ? true : undefined), 15_000, 'on_change for the removal');
      expect(existsSync(out('CERT'))).toBe(true);
    } finally {
      cli.kill('SIGTERM');
      await cli.exited;
    }
    expect(cli.output()).not.toContain(CANARY);
  }, 60_000);

  it('refuses commit: snapshot with format: files as a config error (exit 2)', async () => {
    dir.write(
      'ssm-render.yaml',
      'prefix: /ELASMETRICS\nenv: STAGING\ncommit: snapshot\ntemplates:\n  - { format: files, destination: out/tls, include: [TLS] }\n',
    );
    const r = await render();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot be committed with `commit: snapshot`');
  });

  it('kill -9 at random points of a commit (after its lock) leaves each file whole, old or new, and the next run the exact new set', async () => {
    configure();
    const FILLER = 'f'.repeat(256 * 1024);
    const gen = (g: number, i: number) => `GEN=${g}\n${FILLER}\nEND=${g}-${i}\n`;
    const keys = (g: number) => (g % 2 === 0 ? ['A', 'B', 'S/C', 'S/D'] : ['A', 'B', 'S/C', 'T/E']);
    const set = (g: number) => {
      for (const name of fake.names()) if (name.startsWith(`${PATH}TLS/`)) fake.delete(name);
      keys(g).forEach((k, i) => fake.put(`${PATH}TLS/${k}`, gen(g, i), { type: 'String' }));
    };
    set(0);
    expect((await render()).code).toBe(0);
    writeFileSync(out('foreign'), 'not ours');
    const started = Date.now();
    const n = { kills: 0, midCommit: 0 };
    for (let g = 1; g <= 10 && Date.now() - started < 40_000; g++) {
      set(g);
      const child = spawn(process.execPath, [BUNDLE, 'render'], { cwd: dir.dir, env: awsEnv(fake), stdio: 'ignore' });
      let exited = false;
      const exit = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_, signal) => ((exited = true), done(signal))));
      // Killed a random moment after it takes the directory's lock: its commit has begun.
      const watch = () => {
        if (exited) return;
        if (!existsSync(out('.ssm-render.lock'))) return void setTimeout(watch, 1);
        setTimeout(() => !exited && child.kill('SIGKILL'), Math.floor(Math.random() * 60));
      };
      watch();
      const signal = await exit;
      if (signal === 'SIGKILL') n.kills++;
      if (signal === 'SIGKILL' && readdirSync(out()).some((e) => e.includes('.ssm-render-') || e === '.ssm-render.lock')) n.midCommit++;
      // Each file present is whole: one generation's first and last line, never a mix or a torn write.
      for (const [name, bytes] of Object.entries(tree(out()))) {
        if (name === MANIFEST || name === 'foreign' || name.includes('.ssm-render')) continue;
        const text = Buffer.from(bytes, 'hex').toString();
        const first = /^GEN=(\d+)\n/.exec(text)?.[1];
        expect(text.endsWith(`\nEND=${first}-${keys(Number(first)).indexOf(name)}\n`), name).toBe(true);
      }
      const settle = await render();
      expect(settle.code).toBe(0);
      const after = tree(out());
      // A run killed after its renames but before it unlocked leaves its lock files; the next run
      // with nothing to commit takes no lock, and the next commit breaks them (their holder is dead).
      const files = Object.keys(after).filter((name) => !name.endsWith('.ssm-render.lock'));
      expect(files.sort()).toEqual([MANIFEST, 'foreign', ...keys(g)].sort());
      keys(g).forEach((k, i) => expect(Buffer.from(after[k] as string, 'hex').toString()).toBe(gen(g, i)));
    }
    console.log(`format: files kill run: ${JSON.stringify(n)}`);
    expect(n.kills).toBeGreaterThan(0);
  }, 120_000);
});
