import { readFileSync } from 'node:fs';
import type { TemplateConfig } from '../config/config';
import { templateContext, type Meta } from './template-context';
import type { DataSet } from '../data/dataset';
import { buildTree, type Tree } from '../data/tree';
import { AggregateRenderError, ConfigError, RenderError, type SsmRenderError } from '../errors';
import { escaperFor } from './escape';
import { DIALECTS, getFormat, Unrepresentable, type Entry, type FormatName } from './formats';
import { facts } from './formats/catalog';
import { filesOf, type NamedFile } from './formats/files';
import { compileTemplate, UnrepresentableValueError, type CompiledTemplate } from './template';

/** One destination, rendered in memory and not yet written. */
export interface RenderedFile {
  readonly destination: string;
  readonly content: Buffer;
  readonly mode: number;
  readonly uid: number | undefined;
  readonly gid: number | undefined;
  /** `format: files`: the destination is a directory and these are its files (`content` is then empty). */
  readonly files?: readonly NamedFile[] | undefined;
}

function selected(all: readonly Entry[], include: readonly string[] | undefined): readonly Entry[] {
  if (!include) return all;
  return all.filter(({ key }) => include.some((p) => key === p || key.startsWith(p.endsWith('/') ? p : `${p}/`)));
}

function renderFormat(t: TemplateConfig, all: readonly Entry[], wholeTree: () => Tree): string {
  const format = getFormat(t.format as FormatName, { dialect: t.dialect });
  const entries = selected(all, t.include);
  try {
    return format.document(entries, t.include === undefined ? wholeTree : undefined);
  } catch (error) {
    if (!(error instanceof Unrepresentable)) throw error;
    const dialects = facts(format.name).dialects !== undefined;
    // Find which key the format refused, to name it (the reason never holds the value).
    for (const e of entries) {
      try {
        format.scalar(e.value);
      } catch (inner) {
        if (inner instanceof Unrepresentable) {
          const dialect = dialects ? ` (dialect ${t.dialect})` : '';
          throw new UnrepresentableValueError(`The value of \`${e.key}\` cannot be written as ${t.format}${dialect} to ${t.destination}: ${inner.reason}`, {
            hint: dialects
              ? `choose the \`dialect:\` of the program that reads the file (${DIALECTS.filter((d) => d !== t.dialect).join(', ')}), or use another format`
              : 'use another format for this destination',
          });
        }
      }
    }
    throw new UnrepresentableValueError(`${t.destination} cannot be written as ${t.format}: ${error.reason}`);
  }
}

function readTemplate(t: TemplateConfig): string {
  try {
    return readFileSync(t.source as string, 'utf8');
  } catch (cause) {
    throw new ConfigError(`Cannot read template \`${t.source}\` (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, {
      hint: "relative `source` paths start at the config file's directory",
      cause,
    });
  }
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Keep a render or config error to report with the others; anything else is a bug, thrown at once. */
function collect(errors: SsmRenderError[], error: unknown): void {
  if (!(error instanceof RenderError) && !(error instanceof ConfigError)) throw error;
  errors.push(error);
}

/** Every error collected, as one: a config problem (an unreadable template) decides the exit code over render problems. */
function throwCollected(errors: readonly SsmRenderError[]): void {
  const first = errors.find((e) => e instanceof ConfigError) ?? errors[0];
  if (errors.length === 1 || first instanceof ConfigError) throw first;
  if (errors.length > 1) throw new AggregateRenderError(errors);
}

/** A destination ready to render: a built-in format, or a template file read and compiled. */
export interface PreparedTemplate {
  readonly config: TemplateConfig;
  readonly compiled: CompiledTemplate | undefined;
}

/**
 * Read and compile every template file. Runs before the fetch, so a template that cannot be read
 * or compiled fails the run before any API call; every one that fails is listed. Between templates
 * it yields to the event loop and honours `signal`, as `renderAll` does: compiling large templates
 * must not hold up a stop request.
 */
export async function prepareTemplates(templates: readonly TemplateConfig[], signal?: AbortSignal): Promise<PreparedTemplate[]> {
  const prepared: PreparedTemplate[] = [];
  const errors: SsmRenderError[] = [];
  for (const t of templates) {
    if (templates.length > 1) await turn();
    signal?.throwIfAborted();
    try {
      const compiled = t.format === undefined ? compileTemplate(readTemplate(t), t.source as string, t.escape, escaperFor(t.escape, t.dialect)) : undefined;
      prepared.push({ config: t, compiled });
    } catch (error) {
      collect(errors, error);
    }
  }
  throwCollected(errors);
  return prepared;
}

/**
 * Render every destination in memory. If any fails, nothing is returned: the error lists every
 * destination that failed, so one run shows them all. Between destinations it yields to the event
 * loop and honours `signal`, so a stop request is not held up by a large render.
 */
export async function renderAll(templates: readonly PreparedTemplate[], data: DataSet, meta: Meta, signal?: AbortSignal): Promise<RenderedFile[]> {
  // Built on first need, once per render: the key tree (the template context, YAML and JSON of
  // every key read it; asked again after a conflict, it throws again) and the template context.
  let tree: Tree | undefined;
  const wholeTree = () => (tree ??= buildTree(data.named));
  let context: Record<string, unknown> | undefined;
  const files: RenderedFile[] = [];
  const errors: SsmRenderError[] = [];
  for (const { config: t, compiled } of templates) {
    if (templates.length > 1) await turn();
    signal?.throwIfAborted();
    try {
      if (t.format === 'files') {
        const named = filesOf(t, data.named);
        files.push({ destination: t.destination, content: Buffer.alloc(0), mode: t.mode, uid: t.uid, gid: t.gid, files: named });
        continue;
      }
      let text: string;
      if (compiled === undefined) {
        text = renderFormat(t, data.named, wholeTree);
      } else {
        context ??= templateContext(data, meta, wholeTree());
        text = compiled(context);
      }
      files.push({ destination: t.destination, content: Buffer.from(text, 'utf8'), mode: t.mode, uid: t.uid, gid: t.gid });
    } catch (error) {
      collect(errors, error);
    }
  }
  throwCollected(errors);
  return files;
}
