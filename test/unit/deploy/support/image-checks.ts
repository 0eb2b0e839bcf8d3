import { imageSpec, parseDockerfile, type Instruction, type Stage } from './dockerfile';

/** The runtime bases the image may use: maintained Node.js 22 images, small and without npm. */
const RUNTIME_BASES: Array<{ pattern: RegExp; node: string }> = [
  { pattern: /^gcr\.io\/distroless\/nodejs22-debian1[23](:[\w.-]+)?(@sha256:[0-9a-f]{64})?$/, node: '/nodejs/bin/node' },
  { pattern: /^node:22(\.\d+)*-alpine[\d.]*(@sha256:[0-9a-f]{64})?$/, node: 'node' },
];
export const NON_ROOT = '65532:65532';
const LABELS = ['org.opencontainers.image.source', 'org.opencontainers.image.version', 'org.opencontainers.image.description'];
/** Memory flags (V8 heap sizing, V8's thread pool) the image may pass to node before the bundle. */
const NODE_FLAG = /^--(max-(semi|old)-space-size|heap-growing-percent|v8-pool-size)=\d+$/;
/** The flag that keeps SIGUSR1 from opening Node's inspector; the ENTRYPOINT must pass it. */
const INSPECTOR_OFF = '--disable-sigusr1';

const runs = (stage: Stage, pattern: RegExp) => stage.instructions.some((i) => i.keyword === 'RUN' && pattern.test(i.args.join(' ')));

/** `${VERSION}` -> the ARG's default. */
const expand = (value: string, args: Record<string, string>) => value.replace(/\$\{?(\w+)\}?/g, (_m, name: string) => args[name] ?? '');

/** A directory the final stage creates empty and owned by NON_ROOT: the volume, or the compile cache. */
const ownedDirectory = (copy: Instruction, dirs: ReadonlyArray<string | undefined>) =>
  copy.flags['chown'] === NON_ROOT && dirs.includes((copy.args[copy.args.length - 1] ?? '').replace(/\/$/, ''));

function copyProblem(copy: Instruction, buildStages: Set<string>, dirs: ReadonlyArray<string | undefined>): string | undefined {
  const sources = copy.args.slice(0, -1);
  const destination = copy.args[copy.args.length - 1] ?? '';
  const from = copy.flags['from'];
  if (from !== undefined && !buildStages.has(from)) return `line ${copy.line}: COPY --from=${from} is not a stage of this Dockerfile`;
  for (const source of sources) {
    const fromBuild = from !== undefined;
    const bundle = fromBuild && /\/dist\/(ssm-render\.js|cli\.js|THIRD-PARTY-LICENSES\.txt)$/.test(source);
    const licence = !fromBuild && /^(LICENSE|NOTICE)(\.\w+)?$/.test(source);
    const templates = !fromBuild && /^templates\/?$/.test(source);
    const emptyDir = fromBuild && /^\/staging\//.test(source) && ownedDirectory(copy, dirs);
    if (!bundle && !licence && !templates && !emptyDir) {
      return `line ${copy.line}: the runtime stage copies \`${source}\` to \`${destination}\`; only the bundle, templates/ and license files belong in the image (and, empty and owned ${NON_ROOT}, the volume's directory and the compile cache's)`;
    }
  }
  return undefined;
}

/**
 * What is wrong with the ssm-render Dockerfile, as one sentence per problem (none: it is built as
 * DESIGN.md and the deploy docs say). `version` is package.json's.
 */
export function imageProblems(text: string, version: string): string[] {
  const parsed = parseDockerfile(text);
  const problems = [...parsed.diagnostics];
  const { stages } = parsed;
  const final = stages[stages.length - 1];
  if (stages.length < 2 || final === undefined) return [...problems, 'not multi-stage: build in one stage, run in another'];
  const build = stages.slice(0, -1);
  const spec = imageSpec(parsed);

  if (!build.some((s) => /^node:22[\w.-]*$/.test(s.from))) problems.push('no build stage on a node:22 image');
  if (!build.some((s) => runs(s, /\bnpm ci\b/))) problems.push('the build stage does not install with `npm ci`');
  if (!build.some((s) => runs(s, /\bnpm run build\b/))) problems.push('the build stage does not build the bundle (`npm run build`)');

  const base = RUNTIME_BASES.find((b) => b.pattern.test(final.from));
  if (!base) problems.push(`the runtime base \`${final.from}\` is not a maintained Node.js 22 image (distroless nodejs22 or node:22-alpine)`);
  // One RUN may fill the compile cache: the ENTRYPOINT itself running `version`, as NON_ROOT, so that
  // the cache is made by the node, flags and uid that will read it (Node ignores it otherwise).
  const cache = spec.env['NODE_COMPILE_CACHE'];
  let user: string | undefined;
  let trained = false;
  for (const i of final.instructions) {
    if (i.keyword === 'USER') user = i.args.join(' ');
    const training = i.keyword === 'RUN' && cache !== undefined && JSON.stringify(i.json) === JSON.stringify([...spec.entrypoint, 'version']);
    if (training) {
      trained = true;
      if (user !== NON_ROOT)
        problems.push(`line ${i.line}: the compile cache is made as \`${user ?? 'root'}\`; Node only reads a cache made by the uid that runs it (${NON_ROOT})`);
    } else if (i.keyword === 'RUN' || i.keyword === 'ADD')
      problems.push(
        `line ${i.line}: ${i.keyword} in the runtime stage (copy finished files from the build stage instead; the one RUN allowed makes the compile cache with the ENTRYPOINT's exact argv and \`version\`)`,
      );
  }
  if (cache !== undefined && !trained)
    problems.push(`ENV NODE_COMPILE_CACHE=${cache}, but no RUN makes the cache with the ENTRYPOINT's exact argv and \`version\``);

  if (spec.user !== NON_ROOT) problems.push(`USER is \`${spec.user ?? '(unset)'}\`, expected ${NON_ROOT}`);
  // Node's own heap-sizing flags may sit between node and the bundle; nothing else may.
  const [node, ...args] = spec.entrypoint;
  const flags = args.slice(0, -1);
  const bundle = args.at(-1);
  if (!base || node !== base.node || !bundle?.endsWith('/ssm-render.js') || !flags.every((f) => f === INSPECTOR_OFF || NODE_FLAG.test(f))) {
    problems.push(
      `ENTRYPOINT is \`${JSON.stringify(spec.entrypoint)}\`, expected the exec form ["${base?.node ?? 'node'}", "${INSPECTOR_OFF}", (V8 heap flags,) "/.../ssm-render.js"]`,
    );
  }
  if (!flags.includes(INSPECTOR_OFF))
    problems.push(`ENTRYPOINT does not start node with ${INSPECTOR_OFF}: SIGUSR1 would open the inspector, a debugger that runs any code`);
  if (JSON.stringify(spec.cmd) !== '["render"]') problems.push(`CMD is \`${JSON.stringify(spec.cmd)}\`, expected the exec form ["render"]`);

  for (const label of LABELS) if (!spec.labels[label]) problems.push(`no OCI label ${label}`);
  const labelled = expand(spec.labels['org.opencontainers.image.version'] ?? '', spec.args);
  if (labelled !== version) problems.push(`the version label is \`${labelled}\`, but package.json says ${version}`);

  const [volume, ...more] = spec.volumes;
  if (volume === undefined || more.length > 0)
    problems.push(`VOLUME is \`${JSON.stringify(spec.volumes)}\`: expected exactly one, the directory ssm-render writes`);
  const buildNames = new Set(build.map((s) => s.name).filter((n): n is string => n !== undefined));
  for (const copy of final.instructions.filter((i) => i.keyword === 'COPY')) {
    const problem = copyProblem(copy, buildNames, [volume, cache]);
    if (problem) problems.push(problem);
  }
  const copiesOwned = (dir: string | undefined) => final.instructions.some((i) => i.keyword === 'COPY' && ownedDirectory(i, [dir]));
  if (cache !== undefined && !copiesOwned(cache)) {
    problems.push(`the compile cache directory ${cache} is not created owned by ${NON_ROOT} (the RUN that fills it runs as ${NON_ROOT})`);
  }
  if (!copiesOwned(volume)) {
    problems.push(`the volume directory ${volume ?? ''} is not created owned by ${NON_ROOT} (named volumes and ECS task volumes copy its owner)`);
  }
  if (!final.instructions.some((i) => i.keyword === 'COPY' && i.args.slice(0, -1).some((s) => /^LICENSE/.test(s))))
    problems.push('the LICENSE file is not in the image');
  if (!final.instructions.some((i) => i.keyword === 'COPY' && i.args.slice(0, -1).some((s) => /^templates\/?$/.test(s))))
    problems.push('templates/ is not in the image');

  for (const name of ['HOME', 'TMPDIR'])
    if (name in spec.env) problems.push(`ENV ${name}: the image must not need a home or a temp directory (read-only root)`);
  if (!spec.workdir || spec.workdir === volume) problems.push(`WORKDIR is \`${spec.workdir ?? '(unset)'}\`: set a read-only config directory, not the volume`);
  return problems;
}
