// The counts of a fault run, per kind, and the summary table printed at the end.
import { CANARY } from './workspace.mjs';

/** Counts that must stay 0, with what each one breaks. */
export const PROMISES = {
  torn: 'a destination that is neither the whole old file nor a whole new one',
  leaks: 'a process whose stdout or stderr held a parameter value (the canary)',
  mixedAfterFailure: 'a mixed set after a render that exited non-zero on its own (the rollback promise)',
  changedAfterFailure: 'a destination changed by a render that exited non-zero on its own',
  staleAfterSuccess: 'a render that exited 0 without the new set in place',
  unexplainedMixed: 'a mixed set after writers that all exited 0 (the directory lock)',
  strayTemps: 'a temp file or lock left after a run that reached its commit and was not killed (a killed run’s temps included)',
  unexpectedExits: 'an exit code the fault does not allow (see kinds.mjs)',
  hung: 'a render killed after 60 s',
};

const empty = () => ({
  runs: 0,
  processes: 0,
  armed: 0,
  exits: {},
  kills: 0,
  killsMidCommit: 0,
  mixedAfterKill: 0,
  tempsLeftByKills: 0,
  /** Runs that failed before their commit (exit 3 or 4) with a killed run's temp files still there. */
  tempsKeptByFailure: 0,
  ...Object.fromEntries(Object.keys(PROMISES).map((k) => [k, 0])),
});

export class Tally {
  constructor() {
    this.kinds = new Map();
    this.samples = new Map();
    this.notes = [];
  }

  of(kind) {
    if (!this.kinds.has(kind)) this.kinds.set(kind, empty());
    return this.kinds.get(kind);
  }

  /** Keeps the first message seen for each kind and exit, to show what a failure says. */
  sample(kind, exit, output) {
    const key = `${kind} ${exit}`;
    if (this.samples.has(key) || exit === '0') return;
    const last = output
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => {
        try {
          return JSON.parse(l);
        } catch {
          return {};
        }
      })
      .findLast((l) => ['warn', 'error', 'fatal'].includes(l.level) || l.level >= 40);
    if (last)
      this.samples.set(
        key,
        `${last.code ? `[${last.code}] ` : ''}${String(last.msg ?? '')
          .split(CANARY)
          .join('<CANARY>')}`,
      );
  }

  totals() {
    const total = empty();
    for (const row of this.kinds.values()) {
      for (const [k, v] of Object.entries(row)) {
        if (k === 'exits') for (const [code, n] of Object.entries(v)) total.exits[code] = (total.exits[code] ?? 0) + n;
        else total[k] += v;
      }
    }
    return total;
  }

  broken() {
    const total = this.totals();
    return Object.keys(PROMISES).filter((k) => total[k] > 0);
  }

  /** The summary as text: one row per kind, a total, the messages seen, the verdict. */
  summary(faultsServed) {
    const exits = (e) =>
      Object.entries(e)
        .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
        .map(([c, n]) => `${c}:${n}`)
        .join(' ');
    const head = [
      'kind',
      'runs',
      'procs',
      'faulted',
      'exits (code:count)',
      'kills (mid-commit)',
      'torn',
      'mixed: kill',
      'mixed/changed: own failure',
      'stale ok',
      'stray temps',
      'leaks',
      'unexpected exits',
    ];
    const rows = [...this.kinds.entries()].map(([kind, r]) => [
      kind,
      r.runs,
      r.processes,
      faultsServed[kind] ?? r.armed,
      exits(r.exits),
      r.kills ? `${r.kills} (${r.killsMidCommit})` : '0',
      r.torn,
      r.mixedAfterKill,
      `${r.mixedAfterFailure}/${r.changedAfterFailure}`,
      r.staleAfterSuccess + r.unexplainedMixed,
      r.strayTemps,
      r.leaks,
      r.unexpectedExits + r.hung,
    ]);
    const t = this.totals();
    const served = Object.values(faultsServed).reduce((a, b) => a + b, 0);
    const armedOther = [...this.kinds.entries()].filter(([k]) => faultsServed[k] === undefined).reduce((a, [, r]) => a + r.armed, 0);
    rows.push([
      'total',
      t.runs,
      t.processes,
      served + armedOther,
      exits(t.exits),
      `${t.kills} (${t.killsMidCommit})`,
      t.torn,
      t.mixedAfterKill,
      `${t.mixedAfterFailure}/${t.changedAfterFailure}`,
      t.staleAfterSuccess + t.unexplainedMixed,
      t.strayTemps,
      t.leaks,
      t.unexpectedExits + t.hung,
    ]);
    const cells = [head, ...rows].map((r) => r.map(String));
    const widths = head.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
    const line = (r) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
    const out = [line(cells[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.slice(1).map(line)];
    out.push(
      '',
      'faulted: HTTP answers the fake broke (its own count), or the file-system faults armed; kills (mid-commit): signals sent (those that fell while a temp file existed);',
    );
    out.push(
      'mixed: kill = destinations from two renders after a kill (expected with per-file commit); stale ok = exit 0 without the new set, or writers that all exited 0 leaving a mixed set.',
    );
    out.push(
      `temp files left by kills: ${t.tempsLeftByKills}; runs that failed before their commit (exit 3/4) and so left a killed run's temps in place: ${t.tempsKeptByFailure}`,
    );
    if (this.samples.size > 0) {
      out.push('', 'what a failed render said (first of each kind and exit):');
      for (const [key, text] of [...this.samples.entries()].sort()) out.push(`  ${key}: ${text}`);
    }
    if (this.notes.length > 0) out.push('', ...this.notes.map((n) => `note: ${n}`));
    return out.join('\n');
  }
}
