import { ConfigError } from '../errors';

/** `HOST:PORT`, `:PORT`, `PORT` or `[::1]:PORT` -> host and port; the host defaults to all interfaces. */
export function parseListen(text: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text) ?? /^()()(\d+)$/.exec(text);
  const port = Number(match?.[3]);
  if (!match || !Number.isInteger(port) || port > 65535) {
    throw new ConfigError(`Expected \`--listen\` to be HOST:PORT such as \`0.0.0.0:9090\` or \`:9090\`, got \`${text}\``);
  }
  return { host: match[1] || match[2] || '0.0.0.0', port };
}
