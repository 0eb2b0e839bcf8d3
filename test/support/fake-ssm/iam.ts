import { createHash, randomBytes } from 'node:crypto';
import { AwsError } from './errors';
import type { IssuedCredentials, RoleOptions } from './types';

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
const DEFAULT_MAX_SESSION = 3600;

interface Role {
  readonly arn: string;
  readonly accountId: string;
  readonly name: string;
  /** The role's unique id (`AROA...`), stable for its ARN. */
  readonly id: string;
  readonly options: RoleOptions;
}

/** Temporary credentials this fake issued, by access key. */
export interface Session {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  expiresAt: number;
  readonly role: Role;
  readonly sessionName: string;
  readonly externalId: string | undefined;
}

export interface AssumeRoleRequest {
  roleArn: string;
  sessionName: string;
  externalId: string | undefined;
  durationSeconds: number | undefined;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const upper = (bytes: Buffer) => [...bytes].map((b) => ALNUM[b % ALNUM.length]).join('');

const show = (value: unknown) => `\`${JSON.stringify(value)}\` (${typeof value})`;

function validRoleOptions(arn: string, options: RoleOptions): RoleOptions {
  if (!ROLE_ARN.test(arn)) throw new TypeError(`Expected a role ARN such as arn:aws:iam::111111111111:role/name, got ${show(arn)}`);
  const { trustedAccessKeys, externalId, durationSeconds, maxSessionDuration, readablePaths, ...unknown } = options;
  const extra = Object.keys(unknown)[0];
  if (extra !== undefined) throw new TypeError(`Unknown role option \`${extra}\``);
  const strings = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === 'string');
  if (trustedAccessKeys !== undefined && !strings(trustedAccessKeys)) {
    throw new TypeError(`Expected \`trustedAccessKeys\` to be a list of access key ids, got ${show(trustedAccessKeys)}`);
  }
  if (readablePaths !== undefined && !strings(readablePaths))
    throw new TypeError(`Expected \`readablePaths\` to be a list of paths, got ${show(readablePaths)}`);
  if (externalId !== undefined && typeof externalId !== 'string') throw new TypeError(`Expected \`externalId\` to be a string, got ${show(externalId)}`);
  if (durationSeconds !== undefined && !(typeof durationSeconds === 'number' && durationSeconds > 0)) {
    throw new TypeError(`Expected \`durationSeconds\` to be a positive number, got ${show(durationSeconds)}`);
  }
  if (maxSessionDuration !== undefined && !(Number.isInteger(maxSessionDuration) && maxSessionDuration >= 3600 && maxSessionDuration <= 43200)) {
    throw new TypeError(`Expected \`maxSessionDuration\` to be an integer from 3600 to 43200, got ${show(maxSessionDuration)}`);
  }
  return { ...options };
}

const callerArn = (accountId: string) => `arn:aws:iam::${accountId}:user/fake-ssm`;

/**
 * The account's identities: roles and who may assume them, the temporary credentials STS issued,
 * and which parameter paths a key (or a role's sessions) may read. Keys it did not issue and did
 * not restrict are accepted as they are, as the fake always did.
 */
export class Iam {
  private readonly roles = new Map<string, Role>();
  private readonly sessions = new Map<string, Session>();
  private readonly restrictions = new Map<string, readonly string[]>();

  constructor(private readonly now: () => number = Date.now) {}

  addRole(arn: string, options: RoleOptions = {}): void {
    const valid = validRoleOptions(arn, options);
    const [, accountId = '', name = ''] = ROLE_ARN.exec(arn) ?? [];
    const id = `AROA${upper(createHash('sha256').update(arn).digest()).slice(0, 17)}`;
    this.roles.set(arn, { arn, accountId, name, id, options: valid });
  }

  restrictAccessKey(accessKeyId: string, readablePaths: readonly string[]): void {
    if (!Array.isArray(readablePaths) || readablePaths.some((p) => typeof p !== 'string')) {
      throw new TypeError(`Expected \`readablePaths\` to be a list of paths, got ${show(readablePaths)}`);
    }
    this.restrictions.set(accessKeyId, [...readablePaths]);
  }

  /** Ends every issued credential (of one role) now: the next call signed with one is ExpiredToken. */
  expireCredentials(roleArn?: string): number {
    let count = 0;
    for (const session of this.sessions.values()) {
      if (roleArn !== undefined && session.role.arn !== roleArn) continue;
      session.expiresAt = Math.min(session.expiresAt, this.now() - 1);
      count += 1;
    }
    return count;
  }

  issued(): IssuedCredentials[] {
    return [...this.sessions.values()].map((s) => ({
      accessKeyId: s.accessKeyId,
      roleArn: s.role.arn,
      sessionName: s.sessionName,
      ...(s.externalId === undefined ? {} : { externalId: s.externalId }),
      expiration: new Date(s.expiresAt).toISOString(),
    }));
  }

  /** The principal a denial names: the assumed role's session, or the account's user. */
  principal(accessKeyId: string, accountId: string): string {
    const session = this.sessions.get(accessKeyId);
    return session ? assumedRoleArn(session) : callerArn(accountId);
  }

  /** Throws as AWS does when `accessKeyId` is temporary credentials of ours with a wrong or expired token. */
  authenticate(accessKeyId: string, sessionToken: string | undefined, expired: () => AwsError, invalid: () => AwsError): void {
    const session = this.sessions.get(accessKeyId);
    if (!session) return;
    if (sessionToken !== session.sessionToken) throw invalid();
    if (this.now() >= session.expiresAt) throw expired();
  }

  /** The parameter path prefixes `accessKeyId` may touch, or undefined when it may touch any. */
  readablePaths(accessKeyId: string): readonly string[] | undefined {
    const session = this.sessions.get(accessKeyId);
    return session ? session.role.options.readablePaths : this.restrictions.get(accessKeyId);
  }

  /** STS AssumeRole: AccessDenied unless the role exists, trusts the caller and gets its external id. */
  assume(callerKey: string, callerAccount: string, request: AssumeRoleRequest): Session {
    const role = this.roles.get(request.roleArn);
    const trusted = role?.options.trustedAccessKeys;
    const externalId = role?.options.externalId;
    if (!role || (trusted && !trusted.includes(callerKey)) || (externalId !== undefined && request.externalId !== externalId)) {
      const who = this.principal(callerKey, callerAccount);
      throw new AwsError('AccessDenied', `User: ${who} is not authorized to perform: sts:AssumeRole on resource: ${request.roleArn}`, 403);
    }
    const max = role.options.maxSessionDuration ?? DEFAULT_MAX_SESSION;
    if ((request.durationSeconds ?? 0) > max)
      throw new AwsError('ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    const lifetime = role.options.durationSeconds ?? request.durationSeconds ?? DEFAULT_MAX_SESSION;
    // AWS's Expiration has whole seconds; the fake expires the key at the instant it announces.
    const expiresAt = Math.floor((this.now() + lifetime * 1000) / 1000) * 1000;
    const session: Session = {
      accessKeyId: `ASIA${upper(randomBytes(16))}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: `FwoGZXIvYXdzE${randomBytes(180).toString('base64')}`,
      expiresAt,
      role,
      sessionName: request.sessionName,
      externalId: request.externalId,
    };
    this.sessions.set(session.accessKeyId, session);
    return session;
  }
}

export const assumedRoleArn = (s: Session) => `arn:aws:sts::${s.role.accountId}:assumed-role/${s.role.name}/${s.sessionName}`;

export const assumedRoleId = (s: Session) => `${s.role.id}:${s.sessionName}`;
