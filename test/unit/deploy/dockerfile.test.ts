import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import dockerignore from '@balena/dockerignore';
import { describe, expect, it } from 'vitest';
import { parseDockerfile } from './support/dockerfile';
import { imageProblems } from './support/image-checks';
import { readRepoFile, repoPath } from './support/repo';

// No Docker engine runs here: the Dockerfile is proven by construction. Its instructions are parsed
// by dockerfile-ast and linted by dockerfile-utils (the parser and linter of Docker's VS Code
// extension), then held to what the image must be. Its behaviour at run time (uid 65532, read-only
// root, only the volume writable) is test/integration/pod.test.ts.
const DOCKERFILE = readRepoFile('Dockerfile');
const VERSION = (JSON.parse(readRepoFile('package.json')) as { version: string }).version;

describe('Dockerfile', () => {
  it('is a multi-stage build of the bundle onto a Node.js 22 base, run as 65532:65532 with only the bundle, templates and licenses', () => {
    expect(imageProblems(DOCKERFILE, VERSION)).toEqual([]);
  });

  it('fails the check when it is broken', () => {
    const broken = (from: string, to: string) => {
      expect(DOCKERFILE).toContain(from);
      return imageProblems(DOCKERFILE.replace(from, to), VERSION);
    };
    expect(broken('USER 65532:65532', 'USER root')).toEqual([
      expect.stringMatching(/the compile cache is made as `root`; Node only reads a cache made by the uid that runs it/),
      'USER is `root`, expected 65532:65532',
    ]);
    // The compile cache: made by the ENTRYPOINT's exact argv, into a directory of 65532's.
    const training = '"/opt/ssm-render/ssm-render.js", "version"]';
    expect(broken(`"--v8-pool-size=1", ${training}`, training)).toEqual([
      expect.stringMatching(/RUN in the runtime stage .*the ENTRYPOINT's exact argv/),
      expect.stringMatching(/ENV NODE_COMPILE_CACHE=\/opt\/ssm-render\/compile-cache, but no RUN makes the cache/),
    ]);
    expect(broken(training, training.replace('"version"]', '"render"]'))).toHaveLength(2);
    expect(broken('COPY --from=build --chown=65532:65532 /staging/compile-cache', 'COPY --from=build /staging/compile-cache')).toEqual([
      expect.stringMatching(/copies `\/staging\/compile-cache` to `\/opt\/ssm-render\/compile-cache`/),
      'the compile cache directory /opt/ssm-render/compile-cache is not created owned by 65532:65532 (the RUN that fills it runs as 65532:65532)',
    ]);
    expect(broken('CMD ["render"]', 'CMD render')).toEqual(['CMD is `[]`, expected the exec form ["render"]']);
    expect(broken('RUN npm ci --no-audit --no-fund', 'RUN npm install')).toEqual(['the build stage does not install with `npm ci`']);
    expect(broken('FROM gcr.io/distroless/nodejs22-debian12:nonroot', 'FROM node:20-alpine')[0]).toMatch(
      /runtime base `node:20-alpine` is not a maintained Node.js 22 image/,
    );
    expect(broken('COPY LICENSE /opt/ssm-render/LICENSE', 'COPY --from=build /src/node_modules /opt/ssm-render/node_modules')).toEqual([
      expect.stringMatching(/copies `\/src\/node_modules` to `\/opt\/ssm-render\/node_modules`; only the bundle, templates\/ and license files belong/),
      'the LICENSE file is not in the image',
    ]);
    expect(broken('ARG VERSION=0.1.0', 'ARG VERSION=9.9.9')).toEqual([`the version label is \`9.9.9\`, but package.json says ${VERSION}`]);
    expect(broken('org.opencontainers.image.source', 'org.opencontainers.image.url')).toEqual(['no OCI label org.opencontainers.image.source']);
    expect(broken('COPY --from=build --chown=65532:65532 /staging/secrets /secrets', 'COPY --from=build /staging/secrets /secrets')).toEqual([
      expect.stringMatching(/copies `\/staging\/secrets`/),
      expect.stringMatching(/volume directory \/secrets is not created owned by 65532:65532/),
    ]);
    const entrypoint = 'ENTRYPOINT ["/nodejs/bin/node", "--disable-sigusr1", "--max-semi-space-size=1", "--heap-growing-percent=20",';
    expect(broken(entrypoint, entrypoint.replace(' "--disable-sigusr1",', ''))).toContainEqual(
      expect.stringMatching(/^ENTRYPOINT does not start node with --disable-sigusr1/),
    );
    expect(broken(entrypoint, entrypoint.replace('"--max-semi-space-size=1",', '"--require=/tmp/x.js",'))).toContainEqual(
      expect.stringMatching(/^ENTRYPOINT is .*expected the exec form/),
    );
    expect(broken(entrypoint, `${entrypoint} "--inspect",`)).toContainEqual(expect.stringMatching(/^ENTRYPOINT is .*expected the exec form/));
    expect(broken('WORKDIR /etc/ssm-render', 'WORKDIR /etc/ssm-render\nRUN ["/nodejs/bin/node", "-e", "0"]')[0]).toMatch(/RUN in the runtime stage/);
  });

  it('builds from a context that holds what it copies and nothing else (.dockerignore)', () => {
    const ignore = dockerignore().add(readRepoFile('.dockerignore'));
    const contextFiles = (source: string): string[] => {
      const full = repoPath(source);
      if (!statSync(full).isDirectory()) return [source];
      return readdirSync(full, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => relative(repoPath(), join(e.parentPath, e.name)));
    };
    const copied = parseDockerfile(DOCKERFILE)
      .stages.flatMap((s) => s.instructions)
      .filter((i) => i.keyword === 'COPY' && i.flags['from'] === undefined)
      .flatMap((i) => i.args.slice(0, -1))
      .flatMap(contextFiles);
    expect(copied).toEqual(
      expect.arrayContaining(['package.json', 'package-lock.json', 'scripts/build.mjs', 'src/bin.ts', 'templates/app.env.hbs', 'LICENSE']),
    );
    expect(copied.filter((f) => ignore.ignores(f))).toEqual([]);
    for (const kept of [
      'node_modules/yaml/package.json',
      'dist/ssm-render.js',
      '.git/HEAD',
      'test/support/run-cli.ts',
      'examples/elasmetrics/.env',
      '.env',
      'coverage/index.html',
    ]) {
      expect(ignore.ignores(kept), kept).toBe(true);
    }
  });

  it('ships the Apache-2.0 license that package.json names', () => {
    expect((JSON.parse(readRepoFile('package.json')) as { license: string }).license).toBe('Apache-2.0');
    const license = readRepoFile('LICENSE');
    expect(license).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
    expect(license).toContain('END OF TERMS AND CONDITIONS');
  });
});
