import { PARAMETER_TIERS, PARAMETER_TYPES, type ParameterTier, type ParameterType } from '../config/choices';
import { oneOf } from '../config/one-of';
import { ConfigError } from '../errors';
import type { PutInput } from '../source/ssm-admin';
import { openSession, readConfig, type CommonOptions, type World } from './session';
import { refuseInLocalMode } from './local-mode';
import { resolveName } from './name-arguments';
import { openStore } from './open-store';
import { readValue } from './read-value';
import { processInput } from './stdin';

interface PutOptions extends CommonOptions {
  readonly type?: string;
  readonly description?: string;
  readonly overwrite?: boolean;
  readonly keyId?: string;
  readonly tier?: string;
}

function optional<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  return value === undefined ? undefined : oneOf(flag, value, allowed);
}

/** The validated request, before the value is read. */
function request(name: string, options: PutOptions): Omit<PutInput, 'value'> {
  const explicit = optional<ParameterType>('--type', options.type, PARAMETER_TYPES);
  if (options.keyId !== undefined && explicit !== undefined && explicit !== 'SecureString') {
    throw new ConfigError(`\`--key-id\` applies to SecureString parameters, but \`--type\` is ${explicit}`);
  }
  // A new parameter defaults to SecureString; an overwrite without --type keeps the existing type.
  const type = explicit ?? (options.overwrite && options.keyId === undefined ? undefined : 'SecureString');
  if (options.description !== undefined && options.description.length > 1024) {
    throw new ConfigError(`Expected \`--description\` to be at most 1024 characters, got ${options.description.length}`);
  }
  return {
    name,
    type,
    description: options.description,
    overwrite: options.overwrite === true,
    keyId: options.keyId,
    tier: optional<ParameterTier>('--tier', options.tier, PARAMETER_TIERS),
  };
}

/** `ssm-render put NAME [VALUE|-]`: store a parameter; refuses to replace one without --overwrite. */
export async function putCommand(world: World, raw: string, rawValue: string | undefined, options: PutOptions): Promise<void> {
  const { log, redactor } = await openSession(world, options);
  const config = readConfig(world, options, { requirePath: false });
  refuseInLocalMode('put', config.settings);
  const name = resolveName(raw, config.settings, 'write');
  const input = request(name, options);
  const fromStdin = rawValue === undefined || rawValue === '-';
  const value = fromStdin ? await readValue(world.stdin ?? processInput(), name) : rawValue;
  redactor.add([{ value, secure: true }]);
  if (value === '') throw new ConfigError(`The value for ${name} is empty`, { hint: 'Parameter Store needs at least one character' });
  if (!fromStdin && input.type !== 'String' && input.type !== 'StringList') {
    log.warn({ name }, 'the value was given on the command line, where shell history and `ps` can see it; pipe it in with `-` instead');
  }
  const store = await openStore(config);
  try {
    const stored = await store.admin.put({ ...input, value });
    world.stdout(`${name}: version ${stored.version} (${input.type ?? 'type kept'}, ${stored.tier} tier)\n`);
  } finally {
    store.close();
  }
}
