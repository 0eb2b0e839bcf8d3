import { DockerfileParser, type Instruction as AstInstruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';

export interface Instruction {
  readonly keyword: string;
  /** The arguments after the flags, as written. */
  readonly args: string[];
  /** `--from=build` -> { from: 'build' } */
  readonly flags: Record<string, string>;
  /** The exec (JSON) form's strings, when the arguments are a JSON array. */
  readonly json: string[] | undefined;
  /** ARG, ENV and LABEL name=value pairs, unquoted. */
  readonly properties: Record<string, string>;
  readonly line: number;
}

export interface Stage {
  readonly from: string;
  readonly name: string | undefined;
  readonly instructions: Instruction[];
}

export interface ParsedDockerfile {
  readonly stages: Stage[];
  /** What dockerfile-utils (the Docker VS Code extension's linter) reports. */
  readonly diagnostics: string[];
}

function toInstruction(i: AstInstruction): Instruction {
  const flags: Record<string, string> = {};
  if ('getFlags' in i && typeof i.getFlags === 'function') {
    for (const flag of (i as unknown as { getFlags(): Array<{ getName(): string; getValue(): string | null }> }).getFlags())
      flags[flag.getName()] = flag.getValue() ?? '';
  }
  const properties: Record<string, string> = {};
  if ('getProperties' in i && typeof i.getProperties === 'function') {
    for (const p of (i as unknown as { getProperties(): Array<{ getName(): string; getValue(): string | null }> }).getProperties())
      properties[p.getName()] = p.getValue() ?? '';
  }
  const content = i.getArgumentsContent() ?? '';
  let json: string[] | undefined;
  if (content.trimStart().startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(content);
      if (Array.isArray(parsed) && parsed.every((s) => typeof s === 'string')) json = parsed;
    } catch {
      json = undefined; // shell form that happens to start with [
    }
  }
  return { keyword: i.getKeyword(), args: i.getArguments().map((a) => a.getValue()), flags, json, properties, line: i.getRange().start.line + 1 };
}

/** A Dockerfile's stages and instructions, parsed by dockerfile-ast, and the linter's findings. */
export function parseDockerfile(text: string): ParsedDockerfile {
  const ast = DockerfileParser.parse(text);
  const stages: Stage[] = [];
  for (const i of ast.getInstructions()) {
    const instruction = toInstruction(i);
    if (instruction.keyword === 'FROM') {
      const [from = '', as, name] = instruction.args;
      stages.push({ from, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else if (stages.length > 0) {
      stages[stages.length - 1]?.instructions.push(instruction);
    }
  }
  const diagnostics = validate(text).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
  return { stages, diagnostics };
}

/** What a container started from the image's final stage runs as, where, and what it may write. */
export interface ImageSpec {
  readonly base: string;
  readonly entrypoint: string[];
  readonly cmd: string[];
  readonly user: string | undefined;
  readonly workdir: string | undefined;
  readonly volumes: string[];
  readonly env: Record<string, string>;
  readonly labels: Record<string, string>;
  readonly args: Record<string, string>;
}

export function imageSpec(parsed: ParsedDockerfile): ImageSpec {
  const final = parsed.stages[parsed.stages.length - 1];
  const all = final?.instructions ?? [];
  const last = (keyword: string) => [...all].reverse().find((i) => i.keyword === keyword);
  const merged = (keyword: string) => Object.assign({}, ...all.filter((i) => i.keyword === keyword).map((i) => i.properties)) as Record<string, string>;
  return {
    base: final?.from ?? '',
    entrypoint: last('ENTRYPOINT')?.json ?? [],
    cmd: last('CMD')?.json ?? [],
    user: last('USER')?.args.join(' '),
    workdir: last('WORKDIR')?.args.join(' '),
    volumes: all.filter((i) => i.keyword === 'VOLUME').flatMap((i) => i.json ?? i.args),
    env: merged('ENV'),
    labels: merged('LABEL'),
    args: merged('ARG'),
  };
}

/** A file of the image's final stage and where it comes from in this repository (after `npm run build`). */
export interface ImageFile {
  /** Relative to the repository: `dist/ssm-render.js`, `templates`, `LICENSE`. */
  readonly source: string;
  /** Its path in the image; a directory source's contents go into it. */
  readonly target: string;
}

/**
 * The files the final stage copies, from the build context or from a build stage (whose WORKDIR is
 * the repository's top), so that a test can lay out the image's file system from this checkout.
 * A directory copied with --chown is made at build time (the volume's mount point, the compile
 * cache's directory), not content from here, and is left out.
 */
export function imageFiles(parsed: ParsedDockerfile): ImageFile[] {
  const final = parsed.stages[parsed.stages.length - 1];
  const files: ImageFile[] = [];
  for (const copy of final?.instructions.filter((i) => i.keyword === 'COPY' && i.flags['chown'] === undefined) ?? []) {
    const target = copy.args[copy.args.length - 1] ?? '';
    const stage = parsed.stages.find((s) => s.name !== undefined && s.name === copy.flags['from']);
    const workdir = [...(stage?.instructions ?? [])].reverse().find((i) => i.keyword === 'WORKDIR')?.args[0];
    for (const source of copy.args.slice(0, -1)) {
      const relative = stage ? source.replace(`${workdir ?? ''}/`, '') : source;
      if (stage && relative === source) throw new Error(`cannot map ${source} of stage ${stage.name ?? ''} to this checkout`);
      const clean = relative.replace(/\/$/, '');
      files.push({
        source: clean,
        target: target.endsWith('/') && !source.endsWith('/') ? `${target}${clean.split('/').pop() ?? ''}` : target.replace(/\/$/, ''),
      });
    }
  }
  return files;
}
