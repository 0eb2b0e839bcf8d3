import { DIALECTS, FORMAT_NAMES } from '../config/choices';
import type { Config } from '../config/config';
import { durationFlag, POSITIVE_DURATION } from '../config/duration';
import { oneOf } from '../config/one-of';
import { ConfigError, isSsmRenderError } from '../errors';
import type { Logger, Redactor } from '../log';
import { abandonInFlightTemps } from '../output/commit';
import { mayReuseRecentFiles } from '../retry/policy';
import { recentRender, rememberRender } from '../runner/recent-render';
import { renderOnce, type RenderOutcome } from '../runner/render-once';
import { openStore } from './open-store';
import { openSession, readConfig, type CommonOptions, type World } from './session';
import { logSettingsRead } from './settings-read';
import { exitOnSignals, STOP_SIGNALS } from './stop-signals';

interface RenderOptions extends CommonOptions {
  readonly dryRun?: boolean;
  readonly format?: string;
  readonly output?: string;
  readonly dialect?: string;
  readonly reuseWithin?: string;
}

/** `--reuse-within D`: how recent a render may be kept when Parameter Store fails transiently. */
function reuseFlag(options: RenderOptions): number | undefined {
  if (options.reuseWithin === undefined) return undefined;
  if (options.dryRun) throw new ConfigError('`--reuse-within` keeps files a render wrote, and `--dry-run` writes none: give one or the other');
  return durationFlag('--reuse-within', options.reuseWithin, 0, POSITIVE_DURATION);
}

/**
 * The fetch failed: with `--reuse-within`, a transient failure of Parameter Store keeps files this
 * config rendered within that window (exit 0, with a warning), so that a crash-looping pod does not
 * add its own calls to an account already throttled. Anything else, or any doubt, is the error.
 */
async function keepRecentFiles(config: Config, error: unknown, withinMs: number | undefined, log: Logger): Promise<boolean> {
  if (withinMs === undefined || !mayReuseRecentFiles(error) || !isSsmRenderError(error)) return false;
  const now = Date.now();
  const recent = await recentRender(config, withinMs, now);
  if (!recent.recent) {
    log.warn({ code: error.code, reason: recent.why }, `--reuse-within: not keeping the files: ${recent.why}`);
    return false;
  }
  const ageMs = now - recent.renderedAt;
  log.warn(
    { code: error.code, hint: error.hint, renderedAt: new Date(recent.renderedAt).toISOString(), ageMs, reuseWithinMs: withinMs },
    `${error.message}; keeping the files rendered ${Math.round(ageMs / 1000)}s ago (--reuse-within)`,
  );
  return true;
}

/** `--format F --output FILE [--dialect D]`: one file, and nothing else, rendered. */
function outputFlag(options: RenderOptions) {
  if (options.output === undefined && options.format === undefined) {
    if (options.dialect === undefined) return undefined;
    throw new ConfigError('`--dialect` applies to `--format dotenv --output FILE`, given without them', {
      hint: 'e.g. ssm-render render --format dotenv --dialect python --output app.env',
    });
  }
  if (options.output === undefined || options.format === undefined) {
    throw new ConfigError('`--format` and `--output` go together', { hint: 'e.g. ssm-render render --format dotenv --output /secrets/app.env' });
  }
  const format = oneOf('--format', options.format, FORMAT_NAMES);
  const dialect = options.dialect === undefined ? undefined : oneOf('--dialect', options.dialect, DIALECTS);
  return { format, destination: options.output, dialect };
}

/** `ssm-render render`: one render, for init containers and scripts. */
export async function renderCommand(world: World, options: RenderOptions): Promise<void> {
  const started = performance.now();
  const { log, redactor } = await openSession(world, options);
  // A render stopped midway removes the temp files it was writing; each destination stays the old
  // file or the new one. The exit status is 128 + the signal, never 0: the set may be incomplete.
  const release = exitOnSignals([...STOP_SIGNALS, 'SIGHUP'], (signal) => {
    abandonInFlightTemps();
    log.warn({ signal }, `stopped by ${signal} before the render finished; its temp files are removed`);
  });
  try {
    await renderWith(world, options, log, redactor, started);
  } finally {
    release();
  }
}

async function renderWith(world: World, options: RenderOptions, log: Logger, redactor: Redactor, started: number): Promise<void> {
  const output = outputFlag(options);
  const reuseWithinMs = reuseFlag(options);
  const config = readConfig(world, options, { output });
  logSettingsRead(log, config, world.cwd, output !== undefined);
  if (config.templates.length === 0) {
    throw new ConfigError('Nothing to render: no `templates:` in the config file and no --format/--output', {
      hint: 'add a `templates:` list to ssm-render.yaml, or run e.g. `ssm-render render --format dotenv --output app.env`',
    });
  }
  const opened = await openStore(config, { log });
  try {
    let outcome: RenderOutcome;
    try {
      outcome = await renderOnce({
        config,
        source: opened.source,
        sources: opened.sources,
        log,
        redactor,
        dryRun: options.dryRun === true,
        nearMisses: opened.nearMisses,
      });
    } catch (error) {
      if (await keepRecentFiles(config, error, reuseWithinMs, log)) return;
      throw error;
    }
    if (reuseWithinMs !== undefined) {
      // The files are good whatever happens here: a record that cannot be written only means no reuse next time.
      await rememberRender(config, Date.now()).catch((error: unknown) =>
        log.warn(
          { code: isSsmRenderError(error) ? error.code : 'INTERNAL' },
          `--reuse-within: could not record this render: ${isSsmRenderError(error) ? error.message : 'unexpected error'}`,
        ),
      );
    }
    // A `format: files` key that is gone: its file is removed, one of the destinations that changed.
    const removed = new Set(outcome.removed);
    if (options.dryRun) {
      for (const d of outcome.written) world.stdout(`${removed.has(d) ? 'would remove' : 'would write'} ${d}\n`);
      for (const d of outcome.unchanged) world.stdout(`unchanged ${d}\n`);
    }
    const verb = (d: string) => (removed.has(d) ? (options.dryRun ? 'would remove' : 'removed') : options.dryRun ? 'would write' : 'wrote');
    for (const d of outcome.written) log.debug({ destination: d, changed: true }, `${verb(d)} ${d}`);
    for (const d of outcome.unchanged) log.debug({ destination: d, changed: false }, `unchanged ${d}`);
    const { calls, decryptions } = opened.stats.snapshot();
    log.info(
      {
        path: config.settings.local.value ? undefined : config.settings.path,
        local: config.settings.local.value,
        parameters: outcome.data.entries.size,
        written: outcome.written.length,
        unchanged: outcome.unchanged.length,
        dryRun: options.dryRun === true,
        calls,
        decryptions,
        durationMs: Math.round(performance.now() - started),
      },
      options.dryRun ? 'dry run complete, nothing written' : 'render complete',
    );
  } finally {
    opened.close();
  }
}
