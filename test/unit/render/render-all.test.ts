import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import type { TemplateConfig } from '../../../src/config/config';
import { buildDataSet } from '../../../src/data/dataset';
import { valuesLayer } from '../../../src/data/layers';
import { AggregateRenderError, RenderError } from '../../../src/errors';
import { prepareTemplates, renderAll } from '../../../src/render/render-all';

const work = mkdtempSync(join(tmpdir(), 'ssm-render-render-all-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const meta = { env: 'STAGING', prefix: '/ELASMETRICS', path: '/ELASMETRICS/STAGING/', region: 'eu-west-1', local: false };
const base = { mode: 0o640, uid: undefined, gid: undefined, include: undefined, dialect: 'portable', check: undefined, decode: new Map() } as const;
const format = (name: 'yaml' | 'json' | 'dotenv', destination: string, include?: string[]): TemplateConfig => ({
  ...base,
  label: `format ${name}`,
  source: undefined,
  format: name,
  escape: name,
  destination: join(work, destination),
  include,
});
function template(text: string, destination: string): TemplateConfig {
  const source = join(work, `${destination}.hbs`);
  writeFileSync(source, text);
  return { ...base, label: source, source, format: undefined, escape: 'none', destination: join(work, destination) };
}

const data = (values: Record<string, unknown>) => buildDataSet([valuesLayer(values as never)]);
const text = (files: { content: Buffer }[], i: number) => files[i]?.content.toString('utf8');

describe('prepareTemplates', () => {
  it('yields between templates and stops there when asked to, before compiling the next', async () => {
    const stop = new AbortController();
    const compiling = prepareTemplates([template('{{A}}', 'one.txt'), template('{{A', 'broken.txt')], stop.signal);
    stop.abort(new Error('stopping'));
    // Stopped before the second template: its syntax error is never reached.
    await expect(compiling).rejects.toThrow('stopping');
  });
});

describe('renderAll', () => {
  it('gives each nested format and the templates the keys they ask for, from one render', async () => {
    const templates = await prepareTemplates([
      format('yaml', 'all.yaml'),
      template('{{A.X}} {{B}}', 'a.txt'),
      format('yaml', 'a.yaml', ['A']),
      format('json', 'all.json'),
    ]);
    const files = await renderAll(templates, data({ A: { X: 'x', Y: 'y' }, B: 'b' }), meta);
    expect(parseYaml(text(files, 0) ?? '')).toEqual({ A: { X: 'x', Y: 'y' }, B: 'b' });
    expect(text(files, 1)).toBe('x b');
    expect(parseYaml(text(files, 2) ?? '')).toEqual({ A: { X: 'x', Y: 'y' } });
    expect(JSON.parse(text(files, 3) ?? '')).toEqual({ A: { X: 'x', Y: 'y' }, B: 'b' });
  });

  it('fails every destination that reads the key tree when two keys conflict, and renders nothing', async () => {
    const templates = await prepareTemplates([format('dotenv', 'app.env'), format('yaml', 'all.yaml'), template('{{B}}', 'b.txt'), format('json', 'all.json')]);
    const conflicting = buildDataSet([valuesLayer({ A: 'a', B: 'b' }), [{ key: 'A/X', value: 'x', type: 'String', layer: 'defaults', origin: 'test' }]]);
    const failure = await renderAll(templates, conflicting, meta).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AggregateRenderError);
    const { errors } = failure as AggregateRenderError;
    expect(errors).toHaveLength(3);
    for (const error of errors) {
      expect(error).toBeInstanceOf(RenderError);
      expect(error.message).toBe('Key `A` holds a value and is also the parent of `A/X`');
    }
  });
});
