import { spawn, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratch } from '../../support/tmp';
import { composeProblems, composeSchemaProblems } from './support/compose-checks';
import { parseConfig } from './support/config-checks';
import { obj, readRepoFile, repoPath, strings, yamlDocument, type Json } from './support/repo';

// No Docker engine (nor compose) runs here: docker-compose.yml is parsed with the `yaml` package,
// validated against the compose-spec JSON schema, and held to the demo's structure. Its healthcheck
// command and demo app run below; seed.sh, the config and app.mjs run in test/integration/pod.test.ts.
const COMPOSE = readRepoFile('docker-compose.yml');
const parse = (text: string) => yamlDocument(text, { merge: true });
const check = (doc: Json) => composeProblems(doc, { readConfig: (p) => readRepoFile(p) });
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const service = (doc: Json, name: string) => obj(obj(doc['services'])[name]);

describe('docker-compose.yml', () => {
  it("is the guide's Option 2: LocalStack, a seed job, render as an init service, watch as a healthy sidecar, the app", () => {
    expect(check(parse(COMPOSE))).toEqual([]);
  });

  it('fails the check when it is broken', () => {
    const good = parse(COMPOSE);
    const broken = (change: (doc: Json) => void) => {
      const doc = copy(good);
      change(doc);
      return check(doc);
    };
    expect(
      broken((d) => {
        delete service(d, 'app')['read_only'];
        service(d, 'app')['read_onyl'] = true;
      }),
    ).toEqual(expect.arrayContaining(['/services/app must NOT have additional properties: read_onyl', 'app: read_only is not true']));
    expect(broken((d) => (obj(obj(service(d, 'app')['depends_on'])['render'])['condition'] = 'service_completed'))).toEqual(
      expect.arrayContaining([
        '/services/app/depends_on/render/condition must be equal to one of the allowed values',
        'app: does not wait for render to complete successfully',
      ]),
    );
    expect(broken((d) => (service(d, 'render')['user'] = 'root'))).toEqual(['render: user is `root`, not 65532:65532']);
    expect(broken((d) => (service(d, 'watch')['cap_drop'] = ['NET_RAW']))).toEqual(['watch: cap_drop does not hold ALL']);
    expect(broken((d) => delete service(d, 'app')['group_add'])).toEqual(["app: not in ssm-render's group (group_add), so it cannot read the 0640 files"]);
    expect(broken((d) => (obj(service(d, 'watch')['healthcheck'])['test'] = ['CMD', 'curl', '-f', 'http://127.0.0.1:9090/healthz']))).toEqual([
      "watch: the healthcheck does not ask the health endpoint on --listen 0.0.0.0:9090 with the image's own node",
    ]);
    expect(broken((d) => (service(d, 'localstack')['image'] = 'localstack/localstack:latest'))).toEqual([
      'localstack: the image `localstack/localstack:latest` is not pinned to a version',
    ]);
    expect(broken((d) => (service(d, 'seed')['depends_on'] = ['localstack']))).toEqual(['seed: does not wait for localstack to be healthy']);
    // YAML itself: a duplicate key is an error, not a silent override.
    expect(() => parse(`${COMPOSE}\nvolumes: {}\n`)).toThrow(/not valid YAML/);
    expect(composeSchemaProblems({ services: { a: { image: 'x', healthcheck: { test: 'true', start_intervall: '1s' } } } })).toEqual([
      '/services/a/healthcheck must NOT have additional properties: start_intervall',
    ]);
  });

  it("mounts the same config into render and watch, valid for ssm-render, with the guide's required keys", () => {
    const doc = parse(COMPOSE);
    const configs = ['render', 'watch'].map((s) => strings(service(doc, s)['volumes']).find((v) => v.includes('/ssm-render.yaml')));
    expect(new Set(configs).size).toBe(1);
    const { config, problems } = parseConfig(readRepoFile('examples/compose/ssm-render.yaml'));
    expect(problems).toEqual([]);
    expect(config?.required).toEqual(['ELASTICSEARCH/PASSWORD', 'MYSQL/PASSWORD']);
    // The seed job puts every required parameter, and only under the path the config reads.
    const seed = readRepoFile('examples/compose/seed.sh');
    const names = [...seed.matchAll(/^put (\S+) /gm)].map((m) => m[1]);
    expect(names.every((n) => n?.startsWith(`${config?.prefix}/${config?.env}/`))).toBe(true);
    for (const key of config?.required ?? []) expect(names).toContain(`${config?.prefix}/${config?.env}/${key}`);
    expect(spawnSync('sh', ['-n', repoPath('examples/compose/seed.sh')]).status).toBe(0);
  });

  describe("the watch healthcheck, run as written (with this machine's node and a free port)", () => {
    let status = 200;
    let server: Server;
    let port = 0;
    beforeAll(async () => {
      server = createServer((req, res) => {
        res.statusCode = req.url === '/readyz' ? status : 404;
        res.end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const runHealthcheck = (targetPort: number): Promise<number | null> => {
      const test = strings(obj(service(parse(COMPOSE), 'watch')['healthcheck'])['test']);
      const [, node, ...args] = test;
      expect(node).toBe('/nodejs/bin/node');
      const child = spawn(
        process.execPath,
        args.map((a) => a.replace('127.0.0.1:9090', `127.0.0.1:${targetPort}`)),
        { stdio: 'ignore' },
      );
      return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    };

    it('passes while /readyz answers 200, fails on 503 and when nothing listens', async () => {
      status = 200;
      expect(await runHealthcheck(port)).toBe(0);
      status = 503;
      expect(await runHealthcheck(port)).toBe(1);
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const closedPort = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      expect(await runHealthcheck(closedPort)).toBe(1);
    });
  });

  it('runs a demo app that prints the keys it got and never a value', () => {
    const s = scratch();
    try {
      const env = s.write('app.env', "MYSQL_PASSWORD='CANARY-compose-app'\nMYSQL_USER='metrics_user'\nES_PASSWORD=\"x\"\n");
      const out = spawnSync(process.execPath, [repoPath('examples/compose/app.mjs'), env, '--once'], { encoding: 'utf8' });
      expect(out.status, out.stderr).toBe(0);
      expect(out.stdout).toBe(`started: ${env} has 3 keys: ES_PASSWORD, MYSQL_PASSWORD, MYSQL_USER\n`);
      expect(out.stdout + out.stderr).not.toContain('CANARY');
      expect(out.stdout).not.toContain('metrics_user');
    } finally {
      s.cleanup();
    }
  });
});
