import { literalScalar, requireLineFits } from './dotenv-literal';
import { nodeScalar } from './dotenv-node';
import { portableScalar } from './dotenv-portable';
import { pythonScalar } from './dotenv-python';
import { requireNoNul, requireWellFormed } from './refuse';
import type { DotenvDialect, Entry, Format } from './types';

const SCALARS: Record<DotenvDialect, (value: string) => string> = {
  portable: portableScalar,
  node: nodeScalar,
  python: pythonScalar,
  literal: literalScalar,
};

/** `.env` files: `ENV_NAME=<scalar>` lines, quoted for the dialect's readers. */
export function dotenvFormat(dialect: DotenvDialect = 'portable'): Format {
  const write = SCALARS[dialect];
  const scalar = (value: string): string => {
    requireWellFormed(value);
    requireNoNul(value);
    return write(value);
  };
  return {
    name: 'dotenv',
    scalar,
    document: (entries: readonly Entry[]) =>
      entries
        .map(({ envName, value }) => {
          const line = `${envName}=${scalar(value)}`;
          if (dialect === 'literal') requireLineFits(line);
          return `${line}\n`;
        })
        .join(''),
  };
}
