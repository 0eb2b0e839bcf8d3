import { existsSync } from 'node:fs';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildPolicy } from '../../../src/source/iam-policy';
import { scratch } from '../../support/tmp';
import { parseConfig, configProblems } from './support/config-checks';
import { imageSpec, parseDockerfile } from './support/dockerfile';
import { botocoreProblems, taskProblems, type TaskCheck } from './support/ecs-checks';
import { flagOf, readmeCommands } from './support/readme-steps';
import { list, obj, readRepoFile, repoPath, REPO, strings, type Json } from './support/repo';

// The task definitions are RegisterTaskDefinition inputs (`aws ecs register-task-definition
// --cli-input-json file://...`). They are validated against botocore's ECS model from Debian's
// awscli, with the same validator the aws CLI runs before sending, plus the model's enums; then held
// to the two patterns (support/ecs-checks.ts).
const DIR = 'examples/ecs';
const IMAGE = imageSpec(parseDockerfile(readRepoFile('Dockerfile')));
const TASKS: Array<[string, TaskCheck['pattern']]> = [
  [`${DIR}/task-definition-init.json`, 'init'],
  [`${DIR}/task-definition-sidecar.json`, 'sidecar'],
];
const read = (file: string) => JSON.parse(readRepoFile(file)) as Json;
const checkOf = (pattern: TaskCheck['pattern']): TaskCheck => ({ pattern, volume: IMAGE.volumes[0] ?? '', user: IMAGE.user ?? '' });
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const ssmRender = (task: Json) => obj(list(task['containerDefinitions']).find((c) => obj(c)['name'] === 'ssm-render'));
const app = (task: Json) => obj(list(task['containerDefinitions']).find((c) => obj(c)['name'] === 'app'));
const containers = (task: Json) => list(task['containerDefinitions']).map(obj);
/** IAM's own matching of a Resource pattern: `*` any run of characters, `?` one. */
const matches = (pattern: string, arn: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  ).test(arn);
const envOf = (container: Json) => Object.fromEntries(list(container['environment']).map((e) => [String(obj(e)['name']), String(obj(e)['value'])]));

describe('ECS examples', () => {
  it("are valid RegisterTaskDefinition inputs for botocore's ECS model", () => {
    expect(botocoreProblems(TASKS.map(([f]) => repoPath(f)))).toEqual(Object.fromEntries(TASKS.map(([f]) => [repoPath(f), []])));
  });

  it.each(TASKS)('%s: the app and ssm-render share a task volume, and the app waits for it (%s)', (file, pattern) => {
    expect(taskProblems(read(file), checkOf(pattern))).toEqual([]);
  });

  it('fail the checks when they are broken', () => {
    const s = scratch();
    try {
      const init = read(TASKS[0]?.[0] as string);
      const typo = copy(init);
      const c = ssmRender(typo);
      delete c['readonlyRootFilesystem'];
      c['readOnlyRootFilesystem'] = true;
      obj(list(app(typo)['dependsOn'])[0])['condition'] = 'COMPLETED';
      app(typo)['memoryReservation'] = '128';
      const file = s.write('typo.json', JSON.stringify(typo));
      expect(botocoreProblems([file])[file]).toEqual([
        expect.stringMatching(/^Unknown parameter in containerDefinitions\[0\]: "readOnlyRootFilesystem", must be one of: .*readonlyRootFilesystem/),
        expect.stringMatching(
          /^Invalid type for parameter containerDefinitions\[1\]\.memoryReservation, value: 128, type: <class 'str'>, valid types: <class 'int'>/,
        ),
        'Invalid value for parameter containerDefinitions[1].dependsOn[0].condition, value: COMPLETED, valid values: START, COMPLETE, SUCCESS, HEALTHY',
      ]);
      expect(taskProblems(typo, checkOf('init'))).toEqual([
        'ssm-render: readonlyRootFilesystem is not true',
        'app: does not wait for ssm-render with condition SUCCESS (got COMPLETED)',
      ]);
    } finally {
      s.cleanup();
    }
    const complete = copy(read(TASKS[0]?.[0] as string));
    obj(list(app(complete)['dependsOn'])[0])['condition'] = 'COMPLETE';
    expect(taskProblems(complete, checkOf('init'))).toEqual(['app: does not wait for ssm-render with condition SUCCESS (got COMPLETE)']);
    const essential = copy(read(TASKS[0]?.[0] as string));
    ssmRender(essential)['essential'] = true;
    expect(taskProblems(essential, checkOf('init'))).toEqual(['ssm-render: an init container must be essential: false, or its exit stops the task']);
    const unhealthy = copy(read(TASKS[1]?.[0] as string));
    delete ssmRender(unhealthy)['healthCheck'];
    expect(taskProblems(unhealthy, checkOf('sidecar'))).toEqual(['ssm-render: the healthCheck does not test the ready file /secrets/.ready']);
    const sameUser = copy(read(TASKS[1]?.[0] as string));
    app(sameUser)['user'] = '10001:10001';
    expect(taskProblems(sameUser, checkOf('sidecar'))).toEqual(['app: user `10001:10001` is not another uid in group 65532 (the files are 0640)']);
  });

  it("the sidecar's healthCheck passes only while the ready file exists (run as written, with this machine's node)", () => {
    const test = strings(obj(ssmRender(read(TASKS[1]?.[0] as string))['healthCheck'])['command']);
    expect(test.slice(0, 2)).toEqual(['CMD', '/nodejs/bin/node']);
    const s = scratch();
    try {
      const ready = s.path('.ready');
      const run = () =>
        spawnSync(
          process.execPath,
          test.slice(2).map((a) => a.replace('/secrets/.ready', ready)),
          { stdio: 'ignore' },
        ).status;
      expect(run()).not.toBe(0);
      s.write('.ready', 'ready\n');
      expect(run()).toBe(0);
    } finally {
      s.cleanup();
    }
  });

  it("the task role policy is what `ssm-render iam-policy` prints for the tasks' prefix, env, region and account", () => {
    const policy = JSON.parse(readRepoFile(DIR, 'task-role-policy.json')) as unknown;
    const sidecarConfig = parseConfig(readRepoFile(DIR, 'ssm-render.yaml')).config;
    for (const [file] of TASKS) {
      const task = read(file);
      const env = envOf(ssmRender(task));
      const prefix = env['PARAMETER_STORE_PREFIX'] ?? sidecarConfig?.prefix;
      const account = /^arn:aws:iam::(\d{12}):role\//.exec(String(task['taskRoleArn']))?.[1] ?? '*';
      expect(buildPolicy({ region: env['AWS_REGION'] ?? '', account, path: `${prefix}/${env['ENV']}/`, parameters: [], readWrite: false })).toEqual(policy);
    }
    const trust = JSON.parse(readRepoFile(DIR, 'task-role-trust-policy.json')) as { Statement: Json[] };
    expect(trust.Statement).toEqual([
      expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }),
    ]);
  });

  it('the sidecar image adds only its config, in the working directory ssm-render reads it from', () => {
    const parsed = parseDockerfile(readRepoFile(DIR, 'Dockerfile'));
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.stages).toHaveLength(1);
    const instructions = parsed.stages[0]?.instructions ?? [];
    expect(instructions.map((i) => i.keyword)).toEqual(['COPY']);
    expect(instructions[0]?.args).toEqual(['ssm-render.yaml', `${IMAGE.workdir}/ssm-render.yaml`]);
    expect(existsSync(repoPath(DIR, 'ssm-render.yaml'))).toBe(true);
    expect(configProblems(readRepoFile(DIR, 'ssm-render.yaml'), { where: 'ecs', volume: IMAGE.volumes[0] ?? '' })).toEqual([]);
    expect(ssmRender(read(TASKS[1]?.[0] as string))['image']).toMatch(/elasmetrics-ssm-render:/);
  });

  it('every container logs to a CloudWatch group it may create: awslogs-create-group "true", and the execution role allows logs:CreateLogGroup on it', () => {
    const policy = JSON.parse(readRepoFile(DIR, 'execution-role-logs-policy.json')) as {
      Statement: Array<{ Effect: string; Action: string[]; Resource: string[] }>;
    };
    expect(policy.Statement.flatMap((st) => st.Action)).toEqual(['logs:CreateLogGroup']);
    for (const [file] of TASKS) {
      const task = read(file);
      const account = /^arn:aws:iam::(\d{12}):role\//.exec(String(task['executionRoleArn']))?.[1];
      for (const c of containers(task)) {
        const log = obj(c['logConfiguration']);
        const options = obj(log['options']);
        expect(log['logDriver'], `${file} ${String(c['name'])}`).toBe('awslogs');
        expect(options['awslogs-create-group'], `${file} ${String(c['name'])}`).toBe('true');
        expect(options['awslogs-region']).toBe(envOf(ssmRender(task))['AWS_REGION']);
        const group = `arn:aws:logs:${String(options['awslogs-region'])}:${account ?? '?'}:log-group:${String(options['awslogs-group'])}`;
        expect(
          policy.Statement.some((st) => st.Effect === 'Allow' && st.Resource.some((r) => matches(r, group))),
          group,
        ).toBe(true);
      }
    }
    // The model types log options as strings: a JSON `true` is refused before anything is sent.
    const s = scratch();
    try {
      const boolean = copy(read(TASKS[0]?.[0] as string));
      obj(obj(ssmRender(boolean)['logConfiguration'])['options'])['awslogs-create-group'] = true;
      const file = s.write('boolean.json', JSON.stringify(boolean));
      expect(botocoreProblems([file])[file]).toEqual([
        expect.stringMatching(/^Invalid type for parameter containerDefinitions\[0\]\.logConfiguration\.options\.awslogs-create-group, value: True/),
      ]);
    } finally {
      s.cleanup();
    }
  });

  it("the execution role's trust policy lets ECS tasks assume it", () => {
    const trust = JSON.parse(readRepoFile(DIR, 'execution-role-trust-policy.json')) as { Statement: Json[] };
    expect(trust.Statement).toEqual([
      expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }),
    ]);
  });
});

describe("the README's ECS steps, from an empty account to a running task", () => {
  const steps = readmeCommands('### Amazon ECS (Fargate)');
  const index = (predicate: (c: string[]) => boolean) => steps.findIndex(predicate);
  const tasks = TASKS.map(([file]) => ({ file, task: read(file) }));

  it("build and push every image the task definitions pull from the account's ECR, the base image before the one FROM it", () => {
    const images = [...new Set(tasks.flatMap(({ task }) => containers(task).map((c) => String(c['image']))).filter((i) => /\.dkr\.ecr\./.test(i)))];
    expect(images.length).toBe(2);
    const from = parseDockerfile(readRepoFile(DIR, 'Dockerfile'));
    for (const image of images) {
      const build = index((c) => c[0] === 'docker' && c[1] === 'build' && flagOf(c, '-t') === image);
      const push = index((c) => c.join(' ') === `docker push ${image}`);
      const repository = image.slice(image.indexOf('/') + 1, image.lastIndexOf(':'));
      expect(build, `docker build -t ${image}`).toBeGreaterThan(-1);
      expect(push, `docker push ${image}`).toBeGreaterThan(build);
      expect(
        index((c) => c.slice(0, 3).join(' ') === 'aws ecr create-repository' && flagOf(c, '--repository-name') === repository),
        `ecr create-repository ${repository}`,
      ).toBeGreaterThan(-1);
      expect(
        index((c) => c[0] === 'docker' && c[1] === 'login'),
        'docker login',
      ).toBeLessThan(push);
    }
    const sidecarBuild = steps.find((c) => c[1] === 'build' && c[c.length - 1] === DIR) ?? [];
    const base =
      flagOf(sidecarBuild, '--build-arg')?.replace(/^SSM_RENDER_IMAGE=/, '') ??
      String(from.stages[0]?.instructions.find((i) => i.keyword === 'ARG')?.args[0]).split('=')[1];
    expect(images).toContain(base);
    expect(index((c) => c.join(' ') === `docker push ${base}`)).toBeLessThan(index((c) => c === sidecarBuild));
    expect(steps.find((c) => c[1] === 'build' && flagOf(c, '-t') === base)?.at(-1)).toBe('.');
  });

  it('create both roles the task definitions name, each with its trust policy and permissions', () => {
    const role = (arn: unknown) => String(arn).split(':role/')[1] ?? '';
    const of = (name: string, op: string) => steps.filter((c) => c.slice(0, 3).join(' ') === `aws iam ${op}` && flagOf(c, '--role-name') === name);
    for (const { task } of tasks) {
      const execution = role(task['executionRoleArn']);
      expect(flagOf(of(execution, 'create-role')[0] ?? [], '--assume-role-policy-document')).toBe(`file://${DIR}/execution-role-trust-policy.json`);
      expect(of(execution, 'attach-role-policy').map((c) => flagOf(c, '--policy-arn'))).toEqual([
        'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy',
      ]);
      expect(of(execution, 'put-role-policy').map((c) => flagOf(c, '--policy-document'))).toEqual([`file://${DIR}/execution-role-logs-policy.json`]);
      const taskRole = role(task['taskRoleArn']);
      expect(flagOf(of(taskRole, 'create-role')[0] ?? [], '--assume-role-policy-document')).toBe(`file://${DIR}/task-role-trust-policy.json`);
      expect(of(taskRole, 'put-role-policy').map((c) => flagOf(c, '--policy-document'))).toEqual([`file://${DIR}/task-role-policy.json`]);
    }
  });

  it('register both task definitions, then run a registered family on a cluster they create', () => {
    const registered = steps.filter((c) => c.slice(0, 3).join(' ') === 'aws ecs register-task-definition').map((c) => flagOf(c, '--cli-input-json'));
    expect(registered).toEqual(TASKS.map(([file]) => `file://${file}`));
    const run = steps.find((c) => c.slice(0, 3).join(' ') === 'aws ecs run-task') ?? [];
    expect(tasks.map(({ task }) => task['family'])).toContain(flagOf(run, '--task-definition'));
    expect(steps.some((c) => c.slice(0, 3).join(' ') === 'aws ecs create-cluster' && flagOf(c, '--cluster-name') === flagOf(run, '--cluster'))).toBe(true);
    expect(flagOf(run, '--launch-type')).toBe('FARGATE');
  });

  // The aws CLI parses each command, reads its file:// arguments and validates them against botocore's
  // model before it sends anything; with a closed port as the endpoint, sending is the only failure.
  it('every aws command is accepted by the aws CLI as written (flags, file:// paths, parameter shapes)', async () => {
    const aws = steps.filter((c) => c[0] === 'aws');
    expect(aws.length).toBeGreaterThan(10);
    const env = {
      PATH: '/usr/bin:/bin',
      HOME: REPO,
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'x',
      AWS_REGION: 'eu-west-1',
      AWS_MAX_ATTEMPTS: '1',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    const send = (c: string[]) =>
      promisify(execFile)('/usr/bin/aws', ['--endpoint-url', 'http://127.0.0.1:9', ...c.slice(1)], { cwd: REPO, env, timeout: 120_000 }).then(
        () => 'sent',
        (e: { stderr?: string }) =>
          String(e.stderr ?? '')
            .trim()
            .split('\n')
            .pop() ?? '',
      );
    // Three at a time: each is a Python start-up, and the machine is shared.
    const outcomes: string[] = [];
    for (let i = 0; i < aws.length; i += 3) outcomes.push(...(await Promise.all(aws.slice(i, i + 3).map(send))));
    expect(outcomes).toEqual(aws.map(() => 'Could not connect to the endpoint URL: "http://127.0.0.1:9/"'));
  }, 180_000);
});
