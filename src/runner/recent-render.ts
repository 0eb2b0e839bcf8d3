import { createHash } from 'node:crypto';
import type { Config } from '../config/config';
import { nodeFs, type CommitFs } from '../output/fs';
import { readRenderRecord, writeRenderRecords } from '../output/render-record';

/**
 * Which config rendered the files: the path, the named parameters, every destination and how it is
 * written, and when the config, defaults and template files last changed. Names and paths only,
 * never a value (so a hash of it reveals nothing worth brute-forcing).
 */
export async function configIdentity(config: Config, fs: CommitFs = nodeFs): Promise<string> {
  const s = config.settings;
  const inputs = [s.configFile, ...config.defaults.yamlFiles, ...config.defaults.jsonFiles, ...config.templates.map((t) => t.source)].filter(
    (p): p is string => p !== undefined,
  );
  const changed = await Promise.all(inputs.map(async (p) => [p, (await fs.stat(p).catch(() => undefined))?.mtimeMs ?? null]));
  const what = {
    path: s.path,
    region: s.region?.value,
    endpoint: s.endpoint?.value,
    local: s.local.value,
    parameters: [...config.parameters],
    required: config.required,
    templates: config.templates.map((t) => [t.destination, t.source, t.format, t.mode, t.uid, t.gid, t.escape, t.dialect, t.include]),
    changed,
  };
  return createHash('sha256').update(JSON.stringify(what)).digest('hex');
}

/** Remember that every destination of `config` was rendered now (for a later `render --reuse-within`). */
export async function rememberRender(config: Config, now: number, fs: CommitFs = nodeFs): Promise<void> {
  await writeRenderRecords(
    config.templates.map((t) => t.destination),
    now,
    await configIdentity(config, fs),
    { fs },
  );
}

export type RecentRender = { readonly recent: true; readonly renderedAt: number } | { readonly recent: false; readonly why: string };

/** A clock set back a little (NTP) is no reason to refuse; a record from the future is. */
const CLOCK_SKEW_MS = 60_000;

/**
 * Whether every destination of `config` is a file this config rendered within `withinMs` of `now`,
 * untouched since; `renderedAt` is the oldest of them. Any doubt is a refusal, with the reason.
 */
export async function recentRender(config: Config, withinMs: number, now: number, fs: CommitFs = nodeFs): Promise<RecentRender> {
  const identity = await configIdentity(config, fs);
  let oldest = now;
  for (const { destination } of config.templates) {
    const record = await readRenderRecord(destination, fs);
    if ('missing' in record) return { recent: false, why: `${destination}: ${record.missing}` };
    if (record.config !== identity) return { recent: false, why: `${destination} was rendered with another config (or its files changed since)` };
    const age = now - record.renderedAt;
    if (age > withinMs) return { recent: false, why: `${destination} was rendered ${Math.round(age / 1000)}s ago, longer ago than --reuse-within` };
    if (age < -CLOCK_SKEW_MS) return { recent: false, why: `${destination} has a render record from the future (the clock moved back?)` };
    const info = await fs.lstat(destination).catch(() => undefined);
    if (info === undefined) return { recent: false, why: `${destination} is missing` };
    if (info.ino !== record.ino || info.mtimeMs !== record.mtimeMs)
      return { recent: false, why: `${destination} was replaced or edited since ssm-render wrote it` };
    oldest = Math.min(oldest, record.renderedAt);
  }
  return { recent: true, renderedAt: oldest };
}
