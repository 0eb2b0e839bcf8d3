import { readRepoFile } from './repo';

/** One line of shell as words: '...' literal, "..." and bare words with $NAME / ${NAME} expanded. */
function words(line: string, vars: Record<string, string>): string[] {
  const out: string[] = [];
  let word: string | undefined;
  const expand = (text: string) => text.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, name: string) => vars[name] ?? `$${name}`);
  const re = /'([^']*)'|"((?:[^"\\]|\\.)*)"|(\|)|(\s+)|([^\s'"|]+)/g;
  for (const m of line.matchAll(re)) {
    if (m[4] !== undefined) {
      if (word !== undefined) out.push(word);
      word = undefined;
    } else if (m[3] !== undefined) {
      if (word !== undefined) out.push(word);
      out.push('|');
      word = undefined;
    } else {
      word = (word ?? '') + (m[1] ?? expand(m[2] ?? m[5] ?? ''));
    }
  }
  if (word !== undefined) out.push(word);
  return out;
}

/**
 * The commands of the first ```sh block after `heading` in README.md, as argument lists: comments
 * dropped, `\` continuations joined, `NAME=value` lines expanded into the lines after them, and
 * each side of a `|` a command of its own.
 */
export function readmeCommands(heading: string): string[][] {
  const readme = readRepoFile('README.md');
  const at = readme.indexOf(`\n${heading}\n`);
  if (at < 0) throw new Error(`README.md has no heading ${heading}`);
  const open = readme.indexOf('```sh\n', at);
  const block = readme.slice(open + 6, readme.indexOf('\n```', open + 6));
  const vars: Record<string, string> = {};
  const commands: string[][] = [];
  for (const line of block.replace(/\\\n\s*/g, ' ').split('\n')) {
    const text = line.replace(/(^|\s)#.*$/, '').trim();
    if (text === '') continue;
    const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(\S+)$/.exec(text);
    if (assignment) {
      vars[assignment[1] as string] = words(assignment[2] as string, vars).join(' ');
      continue;
    }
    let current: string[] = [];
    for (const w of words(text, vars)) {
      if (w === '|') {
        commands.push(current);
        current = [];
      } else current.push(w);
    }
    commands.push(current);
  }
  return commands;
}

/** The value after `flag` (`--flag value` or `--flag=value`) in a command, or undefined. */
export function flagOf(command: readonly string[], flag: string): string | undefined {
  const i = command.indexOf(flag);
  if (i >= 0) return command[i + 1];
  return command.find((w) => w.startsWith(`${flag}=`))?.slice(flag.length + 1);
}
