import { AwsError } from '../errors';
import type { AssumeRoleRequest } from '../iam';

// The constraints of botocore's sts/2011-06-15 model; AWS reports every broken one in one message.
const SESSION_NAME = /^[\w+=,.@-]*$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]*$/;
const ANY_ARN = /^arn:[\w-]+:[\w-]+:[\w-]*:\d*:.+$/;

type Check = (value: string | null) => string | undefined;

const notNull: Check = (v) => (v === null ? 'Member must not be null' : undefined);

const length =
  (min: number, max: number): Check =>
  (v) => {
    if (v === null) return undefined;
    if (v.length < min) return `Member must have length greater than or equal to ${min}`;
    return v.length > max ? `Member must have length less than or equal to ${max}` : undefined;
  };

const pattern =
  (re: RegExp, shown: string): Check =>
  (v) =>
    v !== null && !re.test(v) ? `Member must satisfy regular expression pattern: ${shown}` : undefined;

const range: Check = (v) => {
  if (v === null) return undefined;
  if (!/^-?\d+$/.test(v)) return 'Member must be an integer';
  const n = Number(v);
  if (n < 900) return 'Member must have value greater than or equal to 900';
  return n > 43200 ? 'Member must have value less than or equal to 43200' : undefined;
};

const MEMBERS: ReadonlyArray<[param: string, member: string, checks: Check[]]> = [
  ['RoleArn', 'roleArn', [notNull, length(20, 2048)]],
  ['RoleSessionName', 'roleSessionName', [notNull, length(2, 64), pattern(SESSION_NAME, '[\\w+=,.@-]*')]],
  ['DurationSeconds', 'durationSeconds', [range]],
  ['ExternalId', 'externalId', [length(2, 1224), pattern(EXTERNAL_ID, '[\\w+=,.@:\\/-]*')]],
];

/** The AssumeRole request of a form body, or the ValidationError AWS gives for it. */
export function parseAssumeRole(form: URLSearchParams): AssumeRoleRequest {
  const problems: string[] = [];
  for (const [param, member, checks] of MEMBERS) {
    const value = form.get(param);
    const broken = checks.map((check) => check(value)).find((p) => p !== undefined);
    if (broken) problems.push(`Value ${value === null ? 'null' : `'${value}'`} at '${member}' failed to satisfy constraint: ${broken}`);
  }
  if (problems.length > 0) {
    const count = problems.length === 1 ? '1 validation error' : `${problems.length} validation errors`;
    throw new AwsError('ValidationError', `${count} detected: ${problems.join('; ')}`);
  }
  const roleArn = form.get('RoleArn') ?? '';
  if (!ANY_ARN.test(roleArn)) throw new AwsError('ValidationError', 'Request ARN is invalid');
  const duration = form.get('DurationSeconds');
  return {
    roleArn,
    sessionName: form.get('RoleSessionName') ?? '',
    externalId: form.get('ExternalId') ?? undefined,
    durationSeconds: duration === null ? undefined : Number(duration),
  };
}
