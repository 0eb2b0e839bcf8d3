import type { Config } from '../config/config';
import { oneOf } from '../config/one-of';
import { ConfigError, ParameterNotFoundError } from '../errors';
import { withTrailingSlash } from '../parameter-naming';
import type { Parameter } from '../source/types';
import { openSession, readConfig, type CommonOptions, type World } from './session';
import { formatDocument, formatJson, formatTable, LS_FORMATS, type Listed, type LsFormat } from './ls-format';
import { settingsFor, sourceIndex, storeFor } from './source-option';
import { openStore, type OpenStore } from './open-store';
import { resolvePath } from './name-arguments';
import { describePath, type Settings } from '../config/settings';
import { withNearMisses } from '../source/near-misses';

interface LsOptions extends CommonOptions {
  readonly recursive?: boolean;
  readonly format?: string;
  readonly showValues?: boolean;
  readonly source?: string;
}

interface Listing {
  readonly items: Listed[];
  /** Non-recursive listings: the sub-paths below, each once (`/ELASMETRICS/STAGING/MYSQL/`). */
  readonly subPaths: string[];
}

const toListed = (p: Parameter, path: string, showValues: boolean): Listed => ({
  name: p.name,
  key: p.name.slice(path.length),
  type: p.type,
  version: p.version,
  lastModified: p.lastModified,
  value: showValues ? p.value : undefined,
});

/** One recursive listing without decryption; only the values shown are decrypted afterwards. */
async function fromStore(store: OpenStore, path: string, options: LsOptions): Promise<Listing> {
  const showValues = options.showValues === true;
  if (options.recursive) {
    const all = await store.source.byPath(path, { recursive: true, decrypt: showValues });
    return { items: all.map((p) => toListed(p, path, showValues)), subPaths: [] };
  }
  const all = await store.source.byPath(path, { recursive: true, decrypt: false });
  const direct = all.filter((p) => !p.name.slice(path.length).includes('/'));
  const subPaths = [...new Set(all.filter((p) => !direct.includes(p)).map((p) => `${path}${p.name.slice(path.length).split('/')[0]}/`))];
  const secure = showValues ? direct.filter((p) => p.type === 'SecureString').map((p) => p.name) : [];
  const decrypted = secure.length > 0 ? await store.source.byNames(secure, { decrypt: true }) : new Map<string, Parameter>();
  return { items: direct.map((p) => toListed(decrypted.get(p.name) ?? p, path, showValues)), subPaths };
}

/** Local dev mode lists keys: PATH is a key prefix (`MYSQL`), or a full path under /<prefix>/<env>/. */
function localPrefix(raw: string | undefined, settings: Config['settings']): string {
  if (raw === undefined || raw === '' || raw === '/') return '';
  if (!raw.startsWith('/')) return `${raw.replace(/\/+$/, '')}/`;
  const full = withTrailingSlash(raw);
  if (!settings.pathKnown || !full.startsWith(settings.path)) {
    throw new ConfigError(`Local dev mode lists keys, and \`${raw}\` is not under ${settings.pathKnown ? settings.path : 'a configured /<prefix>/<env>/'}`, {
      hint: 'give a key prefix such as MYSQL, or turn LOCAL_DEV_MODE off to list Parameter Store',
    });
  }
  return full.slice(settings.path.length);
}

/** The named `parameters:` that have a local value, by key (a missing one is no error for a listing). */
async function localNamed(store: OpenStore, config: Config): Promise<Array<[string, Parameter]>> {
  const found: Array<[string, Parameter]> = [];
  for (const [key, name] of config.parameters) {
    const p = await store.source.byNames([name]).then(
      (m) => m.get(name),
      (error: unknown) => {
        if (error instanceof ParameterNotFoundError) return undefined;
        throw error;
      },
    );
    if (p) found.push([key, p]);
  }
  return found;
}

/** Local dev mode: the local values (environment, .env files, defaults files and values) and where each came from. */
async function fromLocal(store: OpenStore, config: Config, raw: string | undefined, options: LsOptions): Promise<Listing> {
  const prefix = localPrefix(raw, config.settings);
  const base = config.settings.path;
  const underPath = (await store.source.byPath(base, { recursive: true })).map((p): [string, Parameter] => [p.name.slice(base.length), p]);
  const items: Listed[] = [];
  const subPaths = new Set<string>();
  for (const [key, p] of [...underPath, ...(await localNamed(store, config))]) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    if (!options.recursive && rest.includes('/')) {
      subPaths.add(`${prefix}${rest.split('/')[0]}/`);
      continue;
    }
    items.push({ name: key, key: rest, type: p.type, from: `${p.origin} (${p.layer})`, value: options.showValues ? p.value : undefined });
  }
  return { items, subPaths: [...subPaths] };
}

/** Parameter Store: a path with nothing under it is "Parameter not found", with the region read and the envs that do hold parameters. */
async function fromParameterStore(store: OpenStore, settings: Settings, path: string, options: LsOptions): Promise<Listing> {
  const listing = await fromStore(store, path, options);
  if (listing.items.length === 0 && listing.subPaths.length === 0) {
    const where = path === settings.path ? (describePath(settings) ?? path) : path;
    const empty = store.source.notFound({ path, where, keys: [] }) ?? new ParameterNotFoundError(`Parameter not found: nothing under ${where}`, [path]);
    throw await withNearMisses(empty, store.nearMisses, settings.pathKnown ? { prefix: settings.prefix.value, env: settings.env.value } : {});
  }
  return listing;
}

function chooseFormat(value: string | undefined): LsFormat {
  if (value === undefined) return 'table';
  return oneOf('--format', value, LS_FORMATS);
}

/** `ssm-render ls [PATH]`: the parameters under a path (default /<prefix>/<env>/), values masked unless asked. */
export async function lsCommand(world: World, rawPath: string | undefined, options: LsOptions): Promise<void> {
  const format = chooseFormat(options.format);
  const { redactor } = await openSession(world, options);
  const config = readConfig(world, options, { requirePath: false });
  const local = config.settings.local.value;
  // A bad PATH is refused before Parameter Store is opened.
  const index = sourceIndex(options.source, config);
  const path = local ? undefined : resolvePath(rawPath, settingsFor(config, index));
  const store = storeFor(await openStore(config), index);
  let listing: Listing;
  try {
    listing =
      path === undefined ? await fromLocal(store, config, rawPath, options) : await fromParameterStore(store, settingsFor(config, index), path, options);
  } finally {
    store.close();
  }
  redactor.add(listing.items.map((i) => ({ value: i.value ?? '', secure: i.type === 'SecureString' })));
  const items = [...listing.items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const show = { showValues: options.showValues === true };
  if (format === 'table') world.stdout(formatTable(items, listing.subPaths, { ...show, local }));
  else if (format === 'json') world.stdout(formatJson(items, show));
  else world.stdout(formatDocument(format, items, show));
}
