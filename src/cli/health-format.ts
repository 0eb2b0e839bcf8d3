import type { HealthCheck } from '../runner/health-checks';
import { textTable } from './text-table';

export interface SettingLine {
  readonly name: string;
  readonly value: string;
  readonly from: string;
}

export interface HealthReport {
  readonly ok: boolean;
  readonly exitCode: 0 | 2 | 3;
  readonly local: boolean;
  /** The guide's debug view: each setting as resolved, and where it came from. */
  readonly settings: readonly SettingLine[];
  readonly checks: readonly HealthCheck[];
}

/** 0 when every check passed; 2 when a failure is the configuration's; 3 otherwise. */
export function summarize(local: boolean, settings: readonly SettingLine[], checks: readonly HealthCheck[]): HealthReport {
  const failures = checks.filter((c) => c.status === 'fail');
  const exitCode = failures.length === 0 ? 0 : failures.some((c) => c.exitCode === 2) ? 2 : 3;
  return { ok: exitCode === 0, exitCode, local, settings, checks };
}

const MARK = { ok: 'ok', fail: 'FAIL', skip: 'skip' } as const;

/** The text report: settings and where each came from, one line per check, hints under failures, a verdict. */
export function formatHealthText(report: HealthReport): string {
  let out = `settings:\n${textTable(
    report.settings.map((s) => [s.name, s.value, s.from]),
    '  ',
  )}checks:\n`;
  const width = Math.max(...report.checks.map((c) => c.check.length));
  for (const c of report.checks) {
    out += `  ${MARK[c.status].padEnd(4)}  ${c.check.padEnd(width)}  ${c.detail}\n`;
    if (c.status === 'fail' && c.hint) out += `  ${''.padEnd(4)}  ${''.padEnd(width)}  hint: ${c.hint}\n`;
  }
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  out += report.ok
    ? `healthy: all ${report.checks.length} checks passed\n`
    : `unhealthy: ${failed} of ${report.checks.length} checks failed (exit ${report.exitCode})\n`;
  return out;
}

export function formatHealthJson(report: HealthReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
