import type { Config } from '../config/config';
import type { Settings } from '../config/settings';
import { ConfigError } from '../errors';
import type { OpenStore } from './open-store';

/** `--source N`: a position in `sources:`, checked against the config. */
export function sourceIndex(raw: string | undefined, config: Config): number | undefined {
  if (raw === undefined) return undefined;
  if (!config.layered || config.settings.local.value) {
    throw new ConfigError(
      `\`--source\` \`${raw}\` needs \`sources:\` in the config file${config.settings.local.value ? ', and local dev mode ignores them' : ''}`,
    );
  }
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n >= config.sources.length) {
    throw new ConfigError(`Expected \`--source\` to be a position in \`sources:\` from 0 to ${config.sources.length - 1}, got \`${raw}\``);
  }
  return n;
}

/** The settings a NAME or PATH resolves against: with `--source N` of a path source, relative keys are under its path. */
export function settingsFor(config: Config, index: number | undefined): Settings {
  const path = index === undefined ? undefined : config.sources[index]?.path;
  return path === undefined ? config.settings : { ...config.settings, path, pathKnown: true };
}

/** The store `ls` and `get` read with `--source N`: that source's account, region and endpoint (its primary). */
export function storeFor(store: OpenStore, index: number | undefined): OpenStore {
  const own = index === undefined ? undefined : store.sourceConnections[index];
  return own === undefined ? store : { ...own, stats: store.stats, close: store.close };
}
