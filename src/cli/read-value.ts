import { ConfigError } from '../errors';
import type { Input } from './stdin';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The value `put` stores when VALUE is `-` or absent. Piped: every byte of standard input, less
 * exactly one trailing newline (`echo`, heredocs and `ssm-render get` all add one), so
 * `ssm-render get A | ssm-render put B -` copies a value byte for byte. At a terminal: one hidden line.
 */
export async function readValue(input: Input, name: string): Promise<string> {
  if (input.isTTY) return input.question(`Value for ${name} (not shown): `, { hidden: true });
  let text: string;
  try {
    text = utf8.decode(await input.readAll());
  } catch {
    throw new ConfigError('Standard input is not valid UTF-8 text', { hint: 'Parameter Store holds text; base64-encode binary data before storing it' });
  }
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}
