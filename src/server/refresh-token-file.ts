import { readFileSync, statSync, type Stats } from 'node:fs';
import { ConfigError } from '../errors';

export interface TokenFileWorld {
  stat(path: string): Pick<Stats, 'mode' | 'uid' | 'size' | 'isFile'>;
  read(path: string): string;
  /** This process's uid; undefined where there is none (Windows). */
  uid: number | undefined;
}

const realWorld: TokenFileWorld = {
  stat: (path) => statSync(path),
  read: (path) => readFileSync(path, 'utf8'),
  uid: process.getuid?.(),
};

/** A token file is a few dozen bytes; anything far larger is the wrong file. */
const MAX_BYTES = 4_096;
/** Short enough to guess: `openssl rand -hex 32` gives 64 characters. */
const MIN_LENGTH = 16;
const GENERATE = 'openssl rand -hex 32 > FILE; chmod 600 FILE';

const octal = (mode: number) => `0${(mode & 0o777).toString(8).padStart(3, '0')}`;

/**
 * The token `POST /refresh` requires, read from `path` (named in messages as `from` says, e.g.
 * `--refresh-token-file`). Refused, as ssh refuses a private key: a file other users can read or
 * write, and a file of ours that its group can read or write. A group-readable file owned by
 * someone else is accepted: that group is how this process reads it (a Kubernetes Secret mounted
 * with `fsGroup` is owned by root, mode 0440). The token is the file's one line, surrounding
 * whitespace removed; messages never quote it.
 */
export function readRefreshToken(path: string, from: string, world: TokenFileWorld = realWorld): string {
  const where = `${path} (${from})`;
  let stats: ReturnType<TokenFileWorld['stat']>;
  let text: string;
  try {
    stats = world.stat(path);
    if (!stats.isFile()) throw new ConfigError(`The refresh token file ${where} is not a regular file`, { hint: `give a file holding the token: ${GENERATE}` });
    const mode = stats.mode & 0o777;
    if ((mode & 0o006) !== 0) {
      throw new ConfigError(`The refresh token file ${where} is open to other users (mode ${octal(mode)}): whoever reads it can make this process refresh`, {
        hint: `chmod 600 ${path} (a Kubernetes Secret volume: defaultMode: 0400)`,
      });
    }
    if ((mode & 0o060) !== 0 && world.uid !== undefined && stats.uid === world.uid) {
      throw new ConfigError(`The refresh token file ${where} is open to its group (mode ${octal(mode)})`, { hint: `chmod 600 ${path}` });
    }
    if (stats.size > MAX_BYTES) {
      throw new ConfigError(`The refresh token file ${where} holds ${stats.size} bytes, more than a token (at most ${MAX_BYTES})`, { hint: GENERATE });
    }
    text = world.read(path);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(`Cannot read the refresh token file ${where} (${code})`, {
      hint: 'check the path, and that this user may read the file',
      cause: error,
    });
  }
  const token = text.trim();
  if (token === '') throw new ConfigError(`The refresh token file ${where} is empty`, { hint: GENERATE });
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new ConfigError(`The refresh token file ${where} must hold one token: printable ASCII, no spaces, on one line`, { hint: GENERATE });
  }
  if (token.length < MIN_LENGTH) {
    throw new ConfigError(`The refresh token in ${where} has ${token.length} characters; at least ${MIN_LENGTH} are needed`, { hint: GENERATE });
  }
  return token;
}
