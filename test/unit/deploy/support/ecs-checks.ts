import { spawnSync } from 'node:child_process';
import { list, obj, repoPath, strings, type Json } from './repo';

const VALIDATOR = repoPath('test/unit/deploy/validate-ecs.py');

/**
 * Each task definition checked against botocore's ECS model for RegisterTaskDefinition, with the
 * validator the aws CLI runs before it sends a request, plus the model's enums and maximums.
 * Debian's python3 and awscli (never a pyenv python, which lacks Debian's awscli).
 */
export function botocoreProblems(files: readonly string[]): Record<string, string[]> {
  const out = spawnSync('/usr/bin/python3', [VALIDATOR, ...files], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
  if (out.error || out.status !== 0) {
    throw new Error(`validate-ecs.py could not run (install the Debian packages python3 and awscli): ${out.error?.message ?? out.stderr}`);
  }
  return JSON.parse(out.stdout) as Record<string, string[]>;
}

export interface TaskCheck {
  readonly pattern: 'init' | 'sidecar';
  /** The image's VOLUME: ECS copies its owner and mode into the task volume mounted there. */
  readonly volume: string;
  /** The image's USER. */
  readonly user: string;
}

const flagValue = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

/** What is wrong with an ECS task definition of the init (SUCCESS) or sidecar (HEALTHY) pattern. */
export function taskProblems(task: Json, check: TaskCheck): string[] {
  const problems: string[] = [];
  const containers = list(task['containerDefinitions']).map(obj);
  const names = containers.map((c) => String(c['name']));
  const volumes = new Set(list(task['volumes']).map((v) => String(obj(v)['name'])));
  if (!String(task['taskRoleArn'] ?? '').startsWith('arn:aws:iam::')) problems.push('no taskRoleArn: ssm-render would have no AWS identity');
  if (strings(task['requiresCompatibilities']).includes('FARGATE') && (task['networkMode'] !== 'awsvpc' || !task['cpu'] || !task['memory']))
    problems.push('Fargate needs networkMode awsvpc and task-level cpu and memory');

  for (const c of containers) {
    const name = String(c['name']);
    if (c['readonlyRootFilesystem'] !== true) problems.push(`${name}: readonlyRootFilesystem is not true`);
    if (!strings(obj(obj(c['linuxParameters'])['capabilities'])['drop']).includes('ALL')) problems.push(`${name}: capabilities are not all dropped`);
    if (!/^[1-9]\d*(:\d+)?$/.test(String(c['user'] ?? ''))) problems.push(`${name}: user \`${String(c['user'] ?? '')}\` is not a non-root uid`);
    for (const m of list(c['mountPoints']).map(obj))
      if (!volumes.has(String(m['sourceVolume']))) problems.push(`${name}: mounts ${String(m['sourceVolume'])}, which the task does not declare`);
    for (const d of list(c['dependsOn']).map(obj))
      if (!names.includes(String(d['containerName']))) problems.push(`${name}: depends on ${String(d['containerName'])}, which is not in the task`);
  }

  const ssm = containers.find((c) => /(^|\/)[\w-]*ssm-render:/.test(String(c['image'])));
  if (!ssm) return [...problems, 'no container runs an ssm-render image'];
  const command = strings(ssm['command']);
  const data = list(ssm['mountPoints'])
    .map(obj)
    .find((m) => m['containerPath'] === check.volume);
  if (!data || data['readOnly'] === true) problems.push(`ssm-render: the task volume is not mounted read-write at the image's VOLUME ${check.volume}`);
  if (ssm['user'] !== check.user) problems.push(`ssm-render: user \`${String(ssm['user'])}\` is not the image's ${check.user}`);
  const gid = check.user.split(':')[1];

  for (const app of containers.filter((c) => c !== ssm)) {
    const name = String(app['name']);
    const mount = list(app['mountPoints'])
      .map(obj)
      .find((m) => m['sourceVolume'] === data?.['sourceVolume']);
    if (mount?.['readOnly'] !== true) problems.push(`${name}: does not mount the task volume read-only`);
    const [uid, group] = String(app['user'] ?? '').split(':');
    if (group !== gid || `${uid}:${group}` === check.user)
      problems.push(`${name}: user \`${String(app['user'])}\` is not another uid in group ${gid ?? '?'} (the files are 0640)`);
    const waits = list(app['dependsOn'])
      .map(obj)
      .find((d) => d['containerName'] === ssm['name']);
    const expected = check.pattern === 'init' ? 'SUCCESS' : 'HEALTHY';
    if (waits?.['condition'] !== expected)
      problems.push(`${name}: does not wait for ssm-render with condition ${expected} (got ${String(waits?.['condition'] ?? 'none')})`);
  }

  if (check.pattern === 'init') {
    if (command[0] !== 'render') problems.push(`ssm-render: the init container runs \`render\`, not \`${command.join(' ')}\``);
    if (ssm['essential'] !== false) problems.push('ssm-render: an init container must be essential: false, or its exit stops the task');
  } else {
    if (command[0] !== 'watch') problems.push(`ssm-render: the sidecar runs \`watch\`, not \`${command.join(' ')}\``);
    const ready = flagValue(command, '--ready-file');
    if (!ready?.startsWith(`${check.volume}/`)) problems.push(`ssm-render: --ready-file ${ready ?? '(none)'} is not on the task volume`);
    const test = strings(obj(ssm['healthCheck'])['command']);
    if (test[0] !== 'CMD' || ready === undefined || !test.some((t) => t.includes(ready)))
      problems.push(`ssm-render: the healthCheck does not test the ready file ${ready ?? ''}`);
  }
  return problems;
}
