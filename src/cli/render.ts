import { DIALECTS, FORMAT_NAMES } from '../config/choices';
import { oneOf } from '../config/one-of';
import { ConfigError } from '../errors';
import type { Logger, Redactor } from '../log';
import { abandonInFlightTemps } from '../output/commit';
import { renderOnce } from '../runner/render-once';
import { openStore } from './open-store';
import { openSession, readConfig, type CommonOptions, type World } from './session';
import { logSettingsRead } from './settings-read';
import { exitOnSignals, STOP_SIGNALS } from './stop-signals';

interface RenderOptions extends CommonOptions {
  readonly dryRun?: boolean;
  readonly format?: string;
  readonly output?: string;
  readonly dialect?: string;
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
  const config = readConfig(world, options, { output });
  logSettingsRead(log, config, world.cwd, output !== undefined);
  if (config.templates.length === 0) {
    throw new ConfigError('Nothing to render: no `templates:` in the config file and no --format/--output', {
      hint: 'add a `templates:` list to ssm-render.yaml, or run e.g. `ssm-render render --format dotenv --output app.env`',
    });
  }
  const opened = await openStore(config, { log });
  try {
    const outcome = await renderOnce({
      config,
      source: opened.source,
      sources: opened.sources,
      log,
      redactor,
      dryRun: options.dryRun === true,
      nearMisses: opened.nearMisses,
    });
    if (options.dryRun) {
      for (const d of outcome.written) world.stdout(`would write ${d}\n`);
      for (const d of outcome.unchanged) world.stdout(`unchanged ${d}\n`);
    }
    for (const d of outcome.written) log.debug({ destination: d, changed: true }, options.dryRun ? `would write ${d}` : `wrote ${d}`);
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
