import { existsSync } from 'node:fs';
import { posix } from 'node:path';
import { checkConfig } from '../../../../src/config/load-file';
import type { ConfigFile } from '../../../../src/config/schema';
import { repoPath, yamlDocument } from './repo';

/** Where the image keeps the shipped templates (test/unit/deploy/dockerfile.test.ts holds it to this). */
export const IMAGE_TEMPLATES = '/opt/ssm-render/templates';

export interface ConfigCheck {
  /** The config, for messages. */
  readonly where: string;
  /** The shared volume's mount path in ssm-render's container: every destination must be under it. */
  readonly volume: string;
}

const under = (path: string, dir: string) => posix.normalize(path).startsWith(`${posix.normalize(dir).replace(/\/$/, '')}/`);

/** A deploy example's ssm-render.yaml, validated by the CLI's own strict schema; undefined when invalid. */
export function parseConfig(text: string): { config: ConfigFile | undefined; problems: string[] } {
  const checked = checkConfig(yamlDocument(text));
  return { config: checked.config, problems: checked.problems ?? [] };
}

/**
 * What is wrong with a config the examples mount into the image: not valid for ssm-render, a file
 * written outside the shared volume (the root file system is read-only), a shipped template that
 * does not exist, a file the app's group could not read.
 */
export function configProblems(text: string, check: ConfigCheck): string[] {
  const { config, problems } = parseConfig(text);
  const at = (p: string) => `${check.where}: ${p}`;
  if (!config) return problems.map(at);
  if (!config.templates?.length) return [at('no templates: nothing would be written')];
  for (const [i, t] of config.templates.entries()) {
    if (!posix.isAbsolute(t.destination) || !under(t.destination, check.volume))
      problems.push(`templates[${i}].destination ${t.destination} is outside the shared volume ${check.volume}`);
    if (t.source !== undefined && under(t.source, IMAGE_TEMPLATES) && !existsSync(repoPath('templates', posix.relative(IMAGE_TEMPLATES, t.source)))) {
      problems.push(`templates[${i}].source ${t.source} is not a template the image ships (templates/)`);
    }
    if (t.source !== undefined && !under(t.source, IMAGE_TEMPLATES))
      problems.push(`templates[${i}].source ${t.source} is not in the image's ${IMAGE_TEMPLATES}`);
    const mode = t.mode ?? 0o640;
    if ((mode & 0o040) === 0 || (mode & 0o007) !== 0)
      problems.push(`templates[${i}].mode ${mode.toString(8)}: the app reads through its group, and others must not read at all`);
  }
  for (const file of [config.on_change?.touch].filter((f): f is string => f !== undefined)) {
    if (!under(file, check.volume)) problems.push(`on_change.touch ${file} is outside the shared volume ${check.volume}`);
  }
  return problems.map(at);
}
