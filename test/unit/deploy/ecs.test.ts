import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildPolicy } from '../../../src/source/iam-policy';
import { scratch } from '../../support/tmp';
import { parseConfig, configProblems } from './support/config-checks';
import { imageSpec, parseDockerfile } from './support/dockerfile';
import { botocoreProblems, taskProblems, type TaskCheck } from './support/ecs-checks';
import { list, obj, readRepoFile, repoPath, strings, type Json } from './support/repo';

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
const envOf = (container: Json) => Object.fromEntries(list(container['environment']).map((e) => [String(obj(e)['name']), String(obj(e)['value'])]));

describe('ECS examples', () => {
  it('are valid RegisterTaskDefinition inputs for botocore\'s ECS model', () => {
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
        expect.stringMatching(/^Invalid type for parameter containerDefinitions\[1\]\.memoryReservation, value: 128, type: <class 'str'>, valid types: <class 'int'>/),
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

  it('the sidecar\'s healthCheck passes only while the ready file exists (run as written, with this machine\'s node)', () => {
    const test = strings(obj(ssmRender(read(TASKS[1]?.[0] as string))['healthCheck'])['command']);
    expect(test.slice(0, 2)).toEqual(['CMD', '/nodejs/bin/node']);
    const s = scratch();
    try {
      const ready = s.path('.ready');
      const run = () => spawnSync(process.execPath, test.slice(2).map((a) => a.replace('/secrets/.ready', ready)), { stdio: 'ignore' }).status;
      expect(run()).not.toBe(0);
      s.write('.ready', 'ready\n');
      expect(run()).toBe(0);
    } finally {
      s.cleanup();
    }
  });

  it('the task role policy is what `ssm-render iam-policy` prints for the tasks\' prefix, env, region and account', () => {
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
    expect(trust.Statement).toEqual([expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' })]);
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
});
