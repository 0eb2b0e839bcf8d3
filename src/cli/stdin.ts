import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { ConfigError } from '../errors';

/** Standard input as the commands need it; injected through the World so tests can replace it. */
export interface Input {
  readonly isTTY: boolean;
  /** Every byte until end of input. */
  readAll(): Promise<Buffer>;
  /** One line typed at the terminal after `prompt` (on stderr); not echoed when `hidden`. */
  question(prompt: string, options?: { hidden?: boolean }): Promise<string>;
}

async function readAll(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

function question(prompt: string, { hidden = false }: { hidden?: boolean } = {}): Promise<string> {
  let muted = false;
  // The terminal echoes through this stream; muting it after the prompt hides what is typed.
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve, reject) => {
    rl.on('SIGINT', () => {
      rl.close();
      process.stderr.write('\n');
      reject(new ConfigError('Cancelled at the prompt', { hint: 'nothing was changed' }));
    });
    rl.question(prompt, (answer) => {
      rl.close();
      if (hidden) process.stderr.write('\n');
      resolve(answer);
    });
    muted = hidden;
  });
}

/** The process's own standard input. */
export function processInput(): Input {
  return { isTTY: process.stdin.isTTY === true, readAll, question };
}
