// The three ways a simulation report leaves the program: tables for a person (cli-table3), one JSON
// object for scripts, JUnit XML for CI. Never a password, passcode, secret or State value: the report
// holds only what the device showed and what was expected.
import Table from 'cli-table3';
import { printable } from '../cli/printable.ts';
import type { LoadPopulationReport, LoginReport, SimulationReport } from './run.ts';

const ms = (n: number) => (Number.isNaN(n) ? '-' : n < 10 ? n.toFixed(1) : Math.round(n).toString());
const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ⏎ ');
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The verdict cell: which expectations failed (`FAIL: outcome, reply`); the FAILED lines under the
 *  table say why in full, so a failing row stays as narrow as a passing one. */
export function verdictCell(passed: boolean, problems: readonly string[]): string {
  if (passed) return 'pass';
  const keys = [...new Set(problems.map((p) => /^([a-z_]+):/.exec(p)?.[1] ?? 'see below'))];
  return clip(`FAIL: ${keys.join(', ')}`, 48);
}

function table(head: string[]): Table.Table {
  // No colours: the same bytes on a terminal, in a CI log and in docs/simulator.md.
  return new Table({ head, style: { head: [], border: [] }, wordWrap: true });
}

/** A row with every text cell printable (names come from the scenario, replies from the target). */
const row = (cells: (string | number)[]) => cells.map((c) => (typeof c === 'string' ? printable(c) : c));

export function loginTable(rows: readonly LoginReport[]): string {
  const t = table(['login', 'user', 'device', 'outcome', 'reply', 'rounds', 'ms', 'device showed', 'expected', 'verdict']);
  for (const r of rows)
    t.push(row([
      clip(r.name, 24),
      clip(r.user, 16),
      clip(r.device, 22),
      r.outcome,
      clip(oneLine(r.reply), 40),
      r.rounds,
      ms(r.ms),
      clip(oneLine(r.deviceOutcome), 32),
      clip(r.expected, 40),
      verdictCell(r.passed, r.problems),
    ]));
  return t.toString();
}

export function loadTable(rows: readonly LoadPopulationReport[]): string {
  const t = table(['load', 'device', 'model', 'logins/s', 'p50 ms', 'p99 ms', 'accept', 'reject', 'challenge', 'gave up', 'resent', 'expected', 'verdict']);
  for (const r of rows)
    t.push(row([
      clip(r.name, 24),
      clip(r.device, 22),
      r.model,
      r.perSecond.toFixed(1),
      ms(r.p50),
      ms(r.p99),
      r.outcomes.accept,
      r.outcomes.reject,
      r.outcomes.challenge_unanswered,
      r.outcomes.no_answer,
      r.retransmissions,
      clip(r.expected, 40),
      verdictCell(r.passed, r.problems),
    ]));
  return t.toString();
}

/** `notes: false` when the notes were already shown on this terminal before the run. */
export function textReport(r: SimulationReport, o: { notes?: boolean } = {}): string {
  const parts: string[] = [];
  if (o.notes !== false) for (const n of r.notes) parts.push(printable(`note: ${n}`));
  for (const f of r.faults) parts.push(`fault: ${f.what} at ${f.at_ms} ms${f.for_ms !== undefined ? ` for ${f.for_ms} ms` : ''}`);
  if (r.logins.length > 0) parts.push(loginTable(r.logins));
  if (r.load.length > 0) parts.push(loadTable(r.load));
  const failures = [...r.logins, ...r.load].filter((x) => !x.passed);
  for (const f of failures) parts.push(printable(`FAILED ${f.name}: ${f.problems.join('; ')}`));
  parts.push(`${r.passed} passed, ${r.failed} failed`);
  return `${parts.join('\n')}\n`;
}

export function jsonReport(r: SimulationReport): string {
  const round = (n: number) => (Number.isNaN(n) ? null : Math.round(n * 10) / 10);
  return `${JSON.stringify({
    scenario: r.scenario,
    passed: r.passed,
    failed: r.failed,
    logins: r.logins.map((l) => ({ ...l, ms: round(l.ms) })),
    load: r.load.map((l) => ({ ...l, perSecond: round(l.perSecond), p50: round(l.p50), p99: round(l.p99) })),
    faults: r.faults,
    notes: r.notes,
  })}\n`;
}

const xml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

export function junitReport(r: SimulationReport): string {
  const cases = [
    ...r.logins.map((l) => ({ classname: 'logins', name: l.name, seconds: l.ms / 1000, problems: l.problems, out: `${l.outcome}: ${l.reply}` })),
    ...r.load.map((l) => ({ classname: 'load', name: l.name, seconds: l.sent / Math.max(l.perSecond, 1e-9), problems: l.problems, out: `${l.model}: ${JSON.stringify(l.outcomes)}` })),
  ];
  const body = cases
    .map((c) => {
      const open = `    <testcase classname="${xml(c.classname)}" name="${xml(c.name)}" time="${c.seconds.toFixed(3)}"`;
      const failure = c.problems.length ? `\n      <failure message="${xml(c.problems.join('; '))}">${xml(c.problems.join('\n'))}</failure>` : '';
      return `${open}>${failure}\n      <system-out>${xml(c.out)}</system-out>\n    </testcase>`;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites tests="${cases.length}" failures="${r.failed}">\n  <testsuite name="${xml(r.scenario)}" tests="${cases.length}" failures="${r.failed}">\n${body}\n  </testsuite>\n</testsuites>\n`;
}
