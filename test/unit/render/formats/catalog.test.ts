import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { languageForPath } from '../../../../src/config/language';
import { checkConfig } from '../../../../src/config/load-file';
import { buildDataSet } from '../../../../src/data/dataset';
import { valuesLayer } from '../../../../src/data/layers';
import { main } from '../../../../src/main';
import { escaperFor } from '../../../../src/render/escape';
import { getFormat } from '../../../../src/render/formats';
import { DIALECTS, DIRECTORY_FORMAT_NAMES, FORMAT_NAMES, FORMATS, formatOfFileName } from '../../../../src/render/formats/catalog';
import { FINISHED_HELPERS, HELPERS } from '../../../../src/render/helpers';
import { compileTemplate } from '../../../../src/render/template';
import { templateContext } from '../../../../src/render/template-context';
import { repoPath } from '../../deploy/support/repo';

// A new format is a file in src/render/formats/ and a row in catalog.ts: everything below follows
// from the row, for every row, with no other list to extend.

const work = mkdtempSync(join(tmpdir(), 'ssm-render-catalog-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const VALUE = `it's "v"`;
const meta = { env: 'STAGING', prefix: '/ELASMETRICS', path: '/ELASMETRICS/STAGING/', region: 'eu-west-1', local: false };

function render(source: string): string {
  const context = templateContext(buildDataSet([valuesLayer({ A: VALUE })]), meta);
  return compileTemplate(source, 'app.tpl', 'none', escaperFor('none'))(context);
}

/** `ssm-render render --local --format NAME --output FILE`, in this process. */
async function renderFlag(format: string, output: string): Promise<{ status: number; err: string }> {
  const lines: string[] = [];
  const world = {
    argv: ['render', '--local', '--format', format, '--output', output],
    env: { LOCAL_DEV_MODE: 'true', ENV: 'STAGING', PARAMETER_STORE_PREFIX: '/ELASMETRICS' },
    cwd: work,
    stdout: () => undefined,
    stderr: (line: string) => void lines.push(line),
  };
  return { status: await main(world), err: lines.join('') };
}

const readme = readFileSync(repoPath('README.md'), 'utf8');
const section = (title: string) => readme.slice(readme.indexOf(`### ${title}`), readme.indexOf('\n## ', readme.indexOf(`### ${title}`)));

describe('the catalog of formats', () => {
  it.each(FORMAT_NAMES)('%s is accepted as `format:` and `escape:` in the config file', (name) => {
    expect(checkConfig({ templates: [{ format: name, destination: 'out/file' }] }).problems).toBeUndefined();
    expect(checkConfig({ templates: [{ source: 'app.hbs', destination: 'out/file', escape: name }] }).problems).toBeUndefined();
  });

  it.each(FORMAT_NAMES)('%s renders a file with `render --format NAME --output FILE`', async (name) => {
    const output = join(work, `out.${name}`);
    const { status, err } = await renderFlag(name, output);
    expect(status, err).toBe(0);
    expect(existsSync(output)).toBe(true);
  });

  it.each(FORMAT_NAMES)('%s has a writer, and a helper of its name whose text is finished', (name) => {
    expect(getFormat(name).name).toBe(name);
    expect(Object.keys(HELPERS)).toContain(name);
    expect(FINISHED_HELPERS.has(name)).toBe(true);
    expect(render(`{{${name} A}}`)).toBe(getFormat(name).scalar(VALUE));
  });

  it.each(FORMAT_NAMES)("%s: each of its extensions, in any letter case, escapes a template's values for it", (name) => {
    const { extensions } = FORMATS[name];
    expect(extensions.length).toBeGreaterThan(0);
    for (const extension of extensions) {
      expect(languageForPath(`/secrets/app${extension}`)).toBe(name);
      expect(languageForPath(`/secrets/APP${extension.toUpperCase()}`)).toBe(name);
    }
  });

  it.each(FORMAT_NAMES)('%s is in the README: its row in Built-in formats, its helper and its extensions in Templates', (name) => {
    expect(section('Built-in formats and their escaping')).toContain(`| \`${name}\` |`);
    const templates = section('Templates');
    expect(templates).toContain(`{{${name} X}}`);
    for (const extension of FORMATS[name].extensions) expect(templates).toContain(`\`${extension}\``);
  });

  it.each(DIRECTORY_FORMAT_NAMES)(
    '%s (a directory format) is a `format:` in the config file and a row of Built-in formats, but no escape, flag or helper',
    async (name) => {
      expect(checkConfig({ templates: [{ format: name, destination: 'out/dir' }] }).problems).toBeUndefined();
      expect(checkConfig({ templates: [{ source: 'app.hbs', destination: 'out/file', escape: name }] }).problems).toBeDefined();
      expect(section('Built-in formats and their escaping')).toContain(`| \`${name}\` |`);
      expect(Object.keys(HELPERS)).not.toContain(name);
      expect((await renderFlag(name, join(work, 'dir'))).status).toBe(2);
    },
  );

  it('knows a .env file by its whole name, and nothing by a name it does not know', () => {
    expect(['.env', '.env.production', '.env.'].map(formatOfFileName)).toEqual(['dotenv', 'dotenv', 'dotenv']);
    const unknown = ['app.txt', 'Makefile', '.bashrc', 'app.', 'env', 'app.zsh', '.json', '.yaml', '.sh'];
    expect(unknown.map(formatOfFileName)).toEqual(unknown.map(() => undefined));
  });

  it('refuses a format or dialect it does not have, on the flags, naming the value received', async () => {
    const format = await renderFlag('no-such-format', join(work, 'out.txt'));
    expect(format.status).toBe(2);
    expect(format.err).toContain(`Expected \`--format\` to be one of ${FORMAT_NAMES.join(', ')}, got \`no-such-format\``);
    expect(checkConfig({ templates: [{ format: 'dotenv', dialect: 'bash', destination: 'x' }] }).problems?.join()).toContain(DIALECTS.join(', '));
  });
});
