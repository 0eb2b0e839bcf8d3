import { chmodSync, chownSync, copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCKERFILE, envFromImage, IMAGE, IMAGE_USER, layOutImage, run, sandbox, tool, type Mount, type User } from '../support/pod-sandbox';
import { repoPath } from '../unit/deploy/support/repo';
import { node22Path } from '../support/run-cli';

// The image's compile cache, without a Docker engine: its file system laid out from the Dockerfile,
// the Dockerfile's own RUN line run by Node 22 (the image's node, here `npx -y node@22`) as the
// image's user with the cache directory writable, as the build does; then starts as the image
// starts: read-only, as 65532 (the cache is used) and as another uid (it is not, and nothing shows).

const [uid, gid] = IMAGE_USER.split(':').map(Number) as [number, number];
const CACHE = IMAGE.env['NODE_COMPILE_CACHE'] as string;
const training = DOCKERFILE.stages.at(-1)?.instructions.find((i) => i.keyword === 'RUN')?.json ?? [];
let work: string;
let node22: string;
let image: Mount[];
let cacheDir: string;

beforeAll(() => {
  if (!tool('bwrap') || !tool('setpriv')) throw new Error('bubblewrap and setpriv are needed: install the Debian packages bubblewrap and util-linux');
  if (!existsSync(repoPath('dist/ssm-render.js'))) throw new Error('dist/ssm-render.js is missing: run `npm run build` first');
  work = mkdtempSync(join(tmpdir(), 'ssm-render-cache-'));
  chmodSync(work, 0o755);
  // npx keeps it under the home directory, which the sandboxed uids cannot enter: link it out.
  const npxNode = node22Path();
  node22 = join(work, 'node');
  try {
    linkSync(npxNode, node22);
  } catch {
    copyFileSync(npxNode, node22);
  }
  chmodSync(node22, 0o755);
  image = layOutImage(join(work, 'image'));
  mkdirSync(join(work, 'image', CACHE)); // the mount point, in the read-only /opt
  // COPY --from=build --chown=65532:65532 /staging/compile-cache: empty, 0750, the image user's.
  cacheDir = join(work, 'compile-cache');
  mkdirSync(cacheDir, { mode: 0o750 });
  chownSync(cacheDir, uid, gid);
}, 180_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const start = (user: User, env: Record<string, string>, argv: readonly string[], cacheWritable = false) =>
  run(
    sandbox(
      user,
      [...image, { host: node22, target: IMAGE.entrypoint[0] as string }, { host: cacheDir, target: CACHE, writable: cacheWritable }],
      { ...envFromImage(), ...env },
      IMAGE.workdir as string,
      argv,
    ),
  );

describe("the image's compile cache", () => {
  const imageUser: User = { uid, gid, groups: [] };

  it("is made by the Dockerfile's RUN, the ENTRYPOINT itself as the image user, and used by every start of the image", async () => {
    expect(training).toEqual([...IMAGE.entrypoint, 'version']);
    const built = await start(imageUser, {}, training, true);
    expect(built.code, built.stderr).toBe(0);
    expect(built.stdout).toMatch(/^ssm-render \d+\.\d+\.\d+ \(node v22\./);
    // Node's own cache, of the small executable: a directory keyed by node version, flags and uid;
    // ssm-render's, of the bundle the executable runs (src/boot/code-cache.ts): one file, 65532's.
    const entries = readdirSync(cacheDir).sort();
    expect(entries).toEqual([
      expect.stringMatching(/^ssm-render-v22\.[\d.]+-x64-[0-9a-f]{16}-65532-version\.cache$/),
      expect.stringMatching(new RegExp(`^v22\\.[\\d.]+-\\w+-[0-9a-f]+-${uid}$`)),
    ]);
    const bundleCache = statSync(join(cacheDir, entries[0] as string));
    expect(bundleCache.uid).toBe(uid);
    expect(bundleCache.mode & 0o777).toBe(0o600);
    expect(bundleCache.size).toBeGreaterThan(100_000);

    // The image starts read-only: both caches are read and accepted, and nothing is written or printed.
    const debug = await start(imageUser, { NODE_DEBUG_NATIVE: 'COMPILE_CACHE', NODE_DEBUG: 'ssm-render-code-cache' }, [...IMAGE.entrypoint, 'version']);
    expect(debug.code, debug.stderr).toBe(0);
    expect(debug.stderr).toMatch(/cache for \/opt\/ssm-render\/ssm-render\.js was accepted/);
    expect(debug.stderr).toMatch(/accepted the cache at \/opt\/ssm-render\/compile-cache\/ssm-render-v22/);
    expect(statSync(join(cacheDir, entries[0] as string)).mtimeMs).toBe(bundleCache.mtimeMs);
    const quiet = await start(imageUser, {}, [...IMAGE.entrypoint, ...IMAGE.cmd, '--help']);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).toBe('');
  }, 120_000);

  it('is left alone under another uid (a runAsUser): node compiles as before, silently, and nothing fails', async () => {
    const other: User = { uid: 4242, gid: 4242, groups: [] };
    const debug = await start(other, { NODE_DEBUG_NATIVE: 'COMPILE_CACHE', NODE_DEBUG: 'ssm-render-code-cache' }, [...IMAGE.entrypoint, 'version']);
    expect(debug.code, debug.stderr).toBe(0);
    expect(debug.stderr).not.toMatch(/was accepted|accepted the cache/);
    const quiet = await start(other, {}, [...IMAGE.entrypoint, 'version']);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stdout).toMatch(/^ssm-render /);
    expect(quiet.stderr).toBe('');
  }, 120_000);
});
