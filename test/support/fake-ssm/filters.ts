import { AwsError } from './errors';
import { inScope, normalisePath } from './name-rules';
import type { Version } from './store';

export interface StringFilter {
  key: string;
  option: string;
  values: string[];
}

/** Filter keys an operation accepts, each with its options (the first is the default). */
export type FilterRules = Record<string, readonly string[]>;

export const BY_PATH_FILTERS: FilterRules = { Type: ['Equals'], KeyId: ['Equals'], Label: ['Equals'], 'tag:': ['Equals'] };

export const DESCRIBE_FILTERS: FilterRules = {
  Name: ['Equals', 'BeginsWith', 'Contains'],
  Path: ['OneLevel', 'Recursive'],
  Type: ['Equals'],
  KeyId: ['Equals', 'BeginsWith'],
  Tier: ['Equals'],
  DataType: ['Equals'],
  'tag:': ['Equals', 'BeginsWith'],
};

const TYPES = ['String', 'StringList', 'SecureString'];

function parseOne(raw: unknown, rules: FilterRules): StringFilter {
  const entry = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const key = typeof entry['Key'] === 'string' ? entry['Key'] : '';
  const options = rules[key.startsWith('tag:') ? 'tag:' : key];
  if (!options) {
    const valid = Object.keys(rules)
      .map((k) => (k === 'tag:' ? 'tag:<key>' : k))
      .join(', ');
    throw new AwsError('InvalidFilterKey', `The following filter key is not valid: ${key}. Valid filter keys include: [${valid}].`);
  }
  const option = typeof entry['Option'] === 'string' ? entry['Option'] : (options[0] as string);
  if (!options.includes(option)) {
    throw new AwsError('InvalidFilterOption', `The following filter option is not valid: ${option}. Valid options include: [${options.join(', ')}].`);
  }
  const values = Array.isArray(entry['Values']) ? entry['Values'].filter((v): v is string => typeof v === 'string') : [];
  const bad = key === 'Type' ? values.find((v) => !TYPES.includes(v)) : key === 'Path' ? values.find((v) => !normalisePath(v)) : undefined;
  if ((values.length === 0 && !key.startsWith('tag:')) || values.length > 50 || bad !== undefined) {
    throw new AwsError('InvalidFilterValue', `The following filter value is not valid: ${bad ?? '[]'}. Verify the value and try again.`);
  }
  return { key, option, values };
}

/** Validates `ParameterFilters` against what the operation accepts. */
export function parseFilters(raw: unknown, rules: FilterRules): StringFilter[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new AwsError('SerializationException', 'Expected a list for ParameterFilters.');
  return raw.map((entry) => parseOne(entry, rules));
}

function matchText(option: string, actual: string, wanted: string): boolean {
  if (option === 'BeginsWith') return actual.startsWith(wanted);
  if (option === 'Contains') return actual.includes(wanted);
  return actual === wanted;
}

/** Whether one version of `name` passes every filter (Label filters are applied when the version is chosen). */
export function matches(filters: readonly StringFilter[], name: string, v: Version, tags: Record<string, string>): boolean {
  return filters.every(({ key, option, values }) => {
    const any = (actual: string | undefined) => actual !== undefined && values.some((w) => matchText(option, actual, w));
    switch (key) {
      case 'Name':
        return any(name) || any(name.replace(/^\//, ''));
      case 'Path':
        return values.some((p) => inScope(name, normalisePath(p) as string, option === 'Recursive'));
      case 'Type':
        return any(v.type);
      case 'KeyId':
        return any(v.keyId);
      case 'Tier':
        return any(v.tier);
      case 'DataType':
        return any(v.dataType);
      case 'Label':
        return true;
      default:
        return values.length === 0 ? key.slice(4) in tags : any(tags[key.slice(4)]);
    }
  });
}

/** The canonical form of the filters, for binding NextTokens to them. */
export function filterScope(filters: readonly StringFilter[]): string {
  return JSON.stringify(filters.map((f) => [f.key, f.option, [...f.values].sort()]));
}
