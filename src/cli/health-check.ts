import type { SSMClient } from '@aws-sdk/client-ssm';
import type { Config } from '../config/config';
import { describePath, type Resolved } from '../config/settings';
import { ConfigError } from '../errors';
import { checkLocal, checkParameters, failed, ok, type HealthCheck } from '../runner/health-checks';
import { checkSources } from '../runner/health-sources';
import { sourcesFor } from '../runner/read-sources';
import { findCredentials, findEndpoint } from '../source/client-info';
import { openSession, readConfig, type CommonOptions, type World } from './session';
import { formatHealthJson, formatHealthText, summarize, type SettingLine } from './health-format';
import { openStore, type OpenStore } from './open-store';

interface HealthOptions extends CommonOptions {
  readonly json?: boolean;
}

function settingLines(config: Config, region: Resolved<string> | undefined): SettingLine[] {
  const s = config.settings;
  const line = (name: string, value: string | boolean | undefined, from: string | undefined): SettingLine => ({
    name,
    value: value === undefined || value === '' ? '(not set)' : String(value),
    from: from ?? '-',
  });
  return [
    line('USE_PARAMETER_STORE', s.useParameterStore.value, s.useParameterStore.from),
    line('LOCAL_DEV_MODE', s.localDevMode.value, s.localDevMode.from),
    line('ENV', s.env.value, s.env.from),
    line('AWS_REGION', s.region?.value ?? region?.value, s.region?.from ?? region?.from),
    line('PARAMETER_STORE_PREFIX', s.prefix.value, s.prefix.from),
    line('config file', s.configFile ?? '(none)', '-'),
    line('.env files', s.envFiles.join(', ') || '(none)', '-'),
  ];
}

/** The AWS checks in order; each one that fails stops those that need it. */
async function awsChecks(world: World, config: Config, onRegion: (region: Resolved<string>) => void, sawValue: (v: string) => void): Promise<HealthCheck[]> {
  const s = config.settings;
  const checks: HealthCheck[] = [];
  let store: OpenStore;
  try {
    store = await openStore(config);
  } catch (error) {
    return [failed('region', error)];
  }
  // Outside local dev mode the store has a client and a region.
  const client = store.client as SSMClient;
  const region = store.region as Resolved<string>;
  try {
    onRegion(region);
    checks.push(ok('region', `${region.value} (from ${region.from})`));
    const endpoint = await findEndpoint(client, s.endpoint, world.env, region.value);
    checks.push(ok('endpoint', `${endpoint.value} (from ${endpoint.from})`));
    const where = describePath(s);
    if (where === undefined) {
      checks.push(
        failed(
          'path',
          new ConfigError('No Parameter Store path: the prefix or the env is not set', {
            hint: 'set PARAMETER_STORE_PREFIX (e.g. /ELASMETRICS) and ENV (e.g. STAGING), or --prefix and --env, or `prefix:` and `env:` in ssm-render.yaml',
          }),
        ),
      );
    } else {
      checks.push(ok('path', `${where}; prefix from ${s.prefix.from}`));
    }
    try {
      checks.push(ok('credentials', `found: ${(await findCredentials(client, world.env)).description}`));
    } catch (error) {
      return [...checks, failed('credentials', error)];
    }
    if (config.layered) checks.push(...(await checkSources(config, sourcesFor(config, store.source, store.sources), region.value)));
    else if (where !== undefined) checks.push(...(await checkParameters(config, { ...store, sawValue })));
    return checks;
  } finally {
    store.close();
  }
}

/** Local dev mode: the local values only, no AWS call. */
async function localChecks(config: Config): Promise<HealthCheck[]> {
  const store = await openStore(config);
  try {
    return await checkLocal(config, store.source);
  } finally {
    store.close();
  }
}

/** `ssm-render health-check`: settings and where they came from, then every check; exit 0 only when all pass. */
export async function healthCheckCommand(world: World, options: HealthOptions): Promise<number> {
  const { redactor } = await openSession(world, options);
  const config = readConfig(world, options, { requirePath: false });
  let region: Resolved<string> | undefined;
  const checks = config.settings.local.value
    ? await localChecks(config)
    : await awsChecks(
        world,
        config,
        (r) => (region = r),
        (value) => redactor.add([{ value, secure: true }]),
      );
  const report = summarize(config.settings.local.value, settingLines(config, region), checks);
  world.stdout(options.json ? formatHealthJson(report) : formatHealthText(report));
  return report.exitCode;
}
