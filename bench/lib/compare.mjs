// `--compare before.json`: the headline figures of this run beside those of an earlier `--json` file.
import { readFileSync } from 'node:fs';
import { AFTER_FETCH, WITHOUT_TEMPLATE } from '../render-commit.mjs';
import { int, mib, ms, table } from './stats.mjs';

/** [label, value, format] for every headline figure a run has. */
function headlines(raw) {
  const out = [];
  for (const g of raw.cold ?? []) {
    const me = g.rows.find((r) => r.tool === 'ssm-render render');
    const floor = g.rows.find((r) => r.tool.startsWith('floor'));
    const at = `N=${g.n} ${g.latencyMs} ms`;
    out.push([`cold ${at}: wall ms`, me.wallMs, ms], [`cold ${at}: CPU ms`, me.cpuMs, ms], [`cold ${at}: peak RSS MiB`, me.maxrssKiB, mib]);
    out.push([`cold ${at}: wall / floor`, me.wallMs / floor.wallMs, (x) => x.toFixed(2)]);
  }
  for (const g of raw.render ?? []) {
    out.push([`render+commit N=${g.n}: first CPU ms`, g.rows[0].firstCpu, ms], [`render+commit N=${g.n}: warm CPU ms`, g.rows[0].warmCpu, ms]);
    // Runs from before the row existed have none.
    const fetched = g.rows.find((r) => r.label === AFTER_FETCH);
    if (fetched) out.push([`render+commit N=${g.n}: first CPU ms after a real fetch`, fetched.firstCpu, ms]);
    const formats = g.rows.find((r) => r.label === WITHOUT_TEMPLATE);
    if (formats) out.push([`render+commit N=${g.n}: first CPU ms after a real fetch, .env and YAML only`, formats.firstCpu, ms]);
  }
  if (raw.refresh) {
    const cpu = (list) => list.map((c) => c.cpuMs).sort((a, b) => a - b)[list.length >> 1];
    out.push(['refresh no change: CPU ms', cpu(raw.refresh.modes.unchanged), ms], ['refresh 1% changed: CPU ms', cpu(raw.refresh.modes.rotated), ms]);
  }
  if (raw.memory) {
    // Like for like across runs: this machine's node with the image's flags (runs before Node 22 was added called it `cli`).
    out.push(['watch peak RSS MiB (host node, image flags)', (raw.memory.flagged ?? raw.memory.cli).maxrssKiB, mib]);
    const last = raw.memory.soak.checkpoints.at(-1);
    out.push([`soak RSS MiB at cycle ${last.cycle}`, last.rssMiB, (x) => x.toFixed(1)]);
  }
  for (const r of raw.fleet?.results ?? []) {
    // Runs from before the attempts column made 3 attempts (the SDK's default).
    const at = `fleet jitter ${r.jitter} ${r.retryMode} ${r.attempts ?? 3} attempts`;
    out.push(
      [`${at}: max convergence s`, r.rotation.maxMs === null ? NaN : r.rotation.maxMs / 1000, ms],
      [`${at}: failed refreshes`, r.totalFailedRefreshes, int],
    );
  }
  return out;
}

/** The earlier run's commit and date, when its file records them (runs before they did: nothing). */
export function describeRun(file) {
  const { commit, date } = JSON.parse(readFileSync(file, 'utf8'));
  return commit ? `commit ${commit}, ${date}` : '';
}

export function compare(beforeFile, raw) {
  const before = new Map(headlines(JSON.parse(readFileSync(beforeFile, 'utf8')).raw).map(([label, value]) => [label, value]));
  const rows = headlines(raw)
    .filter(([label]) => before.has(label))
    .map(([label, value, format]) => {
      const old = before.get(label);
      const change = old && Number.isFinite(value) && Number.isFinite(old) ? `${value >= old ? '+' : ''}${(((value - old) / old) * 100).toFixed(1)}%` : '–';
      return [label, format(old), format(value), change];
    });
  return rows.length ? table(['figure', 'before', 'after', 'change'], rows, 'lrrr') : 'Nothing to compare: no figure in common.';
}
