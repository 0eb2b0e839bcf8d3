import type { ParameterType } from './types';

export type Tier = 'Standard' | 'Advanced';

export interface Version {
  readonly version: number;
  readonly value: string;
  readonly type: ParameterType;
  readonly keyId: string | undefined;
  readonly description: string | undefined;
  readonly allowedPattern: string | undefined;
  readonly tier: Tier;
  readonly dataType: string;
  readonly modified: number;
  readonly labels: Set<string>;
}

export type VersionFields = Omit<Version, 'version' | 'modified' | 'labels'>;

export interface Secret {
  readonly value: string;
  readonly created: number;
  readonly versionId: string;
}

export const MAX_VERSIONS = 100;

/** The parameters (every version, with labels and tags) and the Secrets Manager secrets. */
export class ParameterStore {
  private readonly parameters = new Map<string, Version[]>();
  private readonly tagsByName = new Map<string, Record<string, string>>();
  private readonly secrets = new Map<string, Secret>();
  private sorted: string[] | undefined;

  history(name: string): readonly Version[] | undefined {
    return this.parameters.get(name);
  }

  latest(name: string): Version | undefined {
    return this.parameters.get(name)?.at(-1);
  }

  find(name: string, selector: { version?: number; label?: string }): Version | undefined {
    const versions = this.parameters.get(name) ?? [];
    if (selector.version !== undefined) return versions.find((v) => v.version === selector.version);
    if (selector.label !== undefined) return versions.find((v) => v.labels.has(selector.label as string));
    return versions.at(-1);
  }

  /** Every parameter name, sorted (kept until a parameter is created or deleted). */
  names(): readonly string[] {
    this.sorted ??= [...this.parameters.keys()].sort();
    return this.sorted;
  }

  /** Appends a version (dropping the oldest past MAX_VERSIONS) and returns it. */
  append(name: string, fields: VersionFields, tags?: Record<string, string>): Version {
    const versions = this.parameters.get(name) ?? [];
    if (versions.length === 0) this.sorted = undefined;
    const created: Version = { ...fields, version: (versions.at(-1)?.version ?? 0) + 1, modified: Date.now(), labels: new Set() };
    versions.push(created);
    if (versions.length > MAX_VERSIONS) versions.shift();
    this.parameters.set(name, versions);
    if (tags && !this.tagsByName.has(name)) this.tagsByName.set(name, tags);
    return created;
  }

  /** Moves each label onto `version` (a label marks one version of a parameter at most). */
  label(name: string, version: number, labels: readonly string[]): void {
    for (const v of this.parameters.get(name) ?? []) {
      for (const label of labels) {
        if (v.version === version) v.labels.add(label);
        else v.labels.delete(label);
      }
    }
  }

  tags(name: string): Record<string, string> {
    return this.tagsByName.get(name) ?? {};
  }

  remove(name: string): boolean {
    this.tagsByName.delete(name);
    this.sorted = undefined;
    return this.parameters.delete(name);
  }

  putSecret(id: string, value: string, versionId: string): void {
    this.secrets.set(id, { value, created: this.secrets.get(id)?.created ?? Date.now(), versionId });
  }

  secret(id: string): Secret | undefined {
    return this.secrets.get(id);
  }
}
