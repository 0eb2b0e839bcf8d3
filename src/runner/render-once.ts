import type { Config } from '../config/config';
import type { DataSet } from '../data/dataset';
import type { Logger, Redactor } from '../log';
import { commitFiles, sweepLeftoverTemps, type CommitResult } from '../output/commit';
import { prepareTemplates, renderAll } from '../render/render-all';
import type { NearMissFinder } from '../source/near-misses';
import type { ParameterSource } from '../source/types';
import { loadData } from './load-data';

export interface RenderDeps {
  readonly config: Config;
  /** Parameter Store, or in local dev mode the local values. */
  readonly source: ParameterSource;
  /** The source of each of `sources:` that reads elsewhere (its own region, endpoint or role), by position; undefined: `source`. */
  readonly sources?: readonly (ParameterSource | undefined)[] | undefined;
  readonly log: Logger;
  readonly redactor: Redactor;
  readonly signal?: AbortSignal | undefined;
  readonly dryRun?: boolean;
  /** On "Parameter not found", look for near misses (one-shot commands; never the watch loop's retries). */
  readonly nearMisses?: NearMissFinder | undefined;
}

export interface RenderOutcome extends CommitResult {
  readonly data: DataSet;
}

/**
 * What the log redactor is given of the data: every value, as secret as SecureStrings when it is one
 * or when it came from outside Parameter Store (the environment, a defaults file), whose type says nothing.
 */
export function redactable(data: DataSet): Array<{ value: string; secure: boolean }> {
  return [...data.entries.values()].map((e) => ({ value: e.value, secure: e.type === 'SecureString' || e.layer !== 'parameter-store' }));
}

/**
 * One render: compile the templates -> fetch -> merge -> render every file in memory -> commit (or,
 * in a dry run, compare). A template that cannot be read or compiled fails before any API call.
 */
export async function renderOnce(deps: RenderDeps): Promise<RenderOutcome> {
  const { config, log } = deps;
  const templates = await prepareTemplates(config.templates, deps.signal);
  if (!deps.dryRun) {
    const swept = await sweepLeftoverTemps(config.templates.map((t) => t.destination));
    if (swept > 0) log.info({ temps: swept }, `removed ${swept} temp file(s) an interrupted earlier run left beside the destinations`);
  }
  const data = await loadData(config, deps.source, deps.signal, {
    nearMisses: deps.nearMisses,
    sources: deps.sources,
    // Both origins, never the values: which source won is what a reader of `sources:` needs to see.
    onOverride: ({ key, lower, upper }) => log.debug({ key, from: upper, over: lower }, `key ${key} from ${upper} overrides ${lower}`),
  });
  deps.redactor.add(redactable(data));
  const s = config.settings;
  const meta = { env: s.env.value, prefix: s.prefix.value, path: s.path, region: s.region?.value, local: s.local.value };
  const files = await renderAll(templates, data, meta, deps.signal);
  const checks = new Map(config.templates.map((t) => [t.destination, t.check && { ...t.check, template: t.label }]));
  const result = await commitFiles(
    files.map((f) => ({ ...f, check: checks.get(f.destination) })),
    {
      dryRun: deps.dryRun,
      mode: config.commit,
      signal: deps.signal,
      check: {
        // The redactor holds every value by now: a check's stderr is scrubbed before it goes into an error.
        redact: (text) => deps.redactor.redact(text),
        onPassed: (destination, check) => log.info({ destination, check, dryRun: deps.dryRun === true }, `check \`${check}\` accepted the new ${destination}`),
      },
      onManifestIgnored: (directory, reason) =>
        log.warn({ directory }, `the manifest of ${directory} is ignored (${reason}): no file there is removed this time; the next commit writes a new one`),
      onInPlaceWrite: (destination) =>
        log.warn(
          { destination },
          'rename onto the destination failed with EBUSY (a single-file bind mount?); rewrote it in place, which is not atomic: mount the directory instead',
        ),
    },
  );
  return { ...result, data };
}
