import { readFileSync } from 'node:fs';
import type { FakeSsm, PutOptions } from './types';

interface SeedParameter extends PutOptions {
  name: string;
  value: string;
}

/** A seed file's contents: `[{ name, value, type?, ... }]` or `{ parameters: [...], secrets: { id: value } }`. */
export interface Seed {
  parameters: SeedParameter[];
  secrets: Record<string, string>;
}

export function readSeed(file: string): Seed {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'not valid JSON';
    throw new Error(`Cannot read the seed file ${file} (${reason})`, { cause: error });
  }
  const doc = (Array.isArray(raw) ? { parameters: raw } : raw) as Partial<Seed> | null;
  const parameters = doc?.parameters ?? [];
  if (!Array.isArray(parameters)) throw new Error(`Expected \`parameters\` in the seed file ${file} to be a list`);
  parameters.forEach((p, i) => {
    if (typeof p?.name !== 'string' || typeof p?.value !== 'string') {
      throw new Error(`Expected parameters[${i}] in the seed file ${file} to have a string \`name\` and \`value\``);
    }
  });
  const secrets = doc?.secrets ?? {};
  if (Object.values(secrets).some((v) => typeof v !== 'string')) throw new Error(`Expected every secret in the seed file ${file} to be a string`);
  return { parameters, secrets };
}

export function applySeed(fake: FakeSsm, seed: Seed): void {
  for (const { name, value, ...opts } of seed.parameters) fake.put(name, value, opts);
  for (const [id, value] of Object.entries(seed.secrets)) fake.putSecret(id, value);
}
