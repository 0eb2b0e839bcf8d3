import { requireNoNul, requireWellFormed } from './refuse';
import type { Entry, Format } from './types';

// POSIX single quotes keep every byte literally; a ' is closed, escaped and reopened: '\''.
function shellScalar(value: string): string {
  requireWellFormed(value);
  requireNoNul(value);
  return `'${value.replaceAll("'", "'\\''")}'`;
}

/** Shell: `export ENV_NAME='...'` lines, for `set -a; . ./file` in any POSIX shell. */
export const shellFormat: Format = {
  name: 'shell',
  scalar: shellScalar,
  document: (entries: readonly Entry[]) => entries.map(({ envName, value }) => `export ${envName}=${shellScalar(value)}\n`).join(''),
};
