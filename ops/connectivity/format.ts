// Rendering a ConnectivityReport for people: a table (section, check, result, message), Duo's closing
// line per section, and one SUMMARY line. Pure: colour and width are arguments (the CLI decides them
// from the terminal). Control characters in any text (a server's diagnostic message) are replaced, so
// nothing from the network can move the cursor or fake a line.
import type { CheckResult, CheckStatus, ConnectivityReport } from './types.ts';

export interface FormatOptions {
  /** ANSI colours for the result column. */
  color: boolean;
  /** Wrap the message column to this many columns; undefined: never wrap (pipes, files). */
  width?: number;
}

const LABEL: Record<CheckStatus, string> = { ok: 'OK', fail: 'FAIL', skip: 'SKIP' };
const COLOUR: Record<CheckStatus, string> = { ok: '\x1b[32m', fail: '\x1b[31m', skip: '\x1b[33m' };
const RESET = '\x1b[0m';
const HEAD = ['SECTION', 'CHECK', 'RESULT', 'MESSAGE'] as const;
const MIN_MESSAGE_WIDTH = 30;

export function printable(text: string): string {
  return text.replace(/[\x00-\x1f\x7f-\x9f]/g, ' ');
}

export function checkLabel(c: Pick<CheckResult, 'check' | 'target'>): string {
  return printable(c.target === undefined ? c.check : `${c.check} ${c.target}`);
}

/** Duo's text, then its advice, then the underlying error. */
export function messageText(c: Pick<CheckResult, 'message' | 'hint' | 'detail'>): string {
  let text = c.message;
  if (c.hint) text = `${text}${text.endsWith(' ') ? '' : ' '}${c.hint}`;
  if (c.detail) text = `${text.trimEnd()} (error: ${c.detail})`;
  return printable(text);
}

/** Splits text into lines of at most `width` characters, at spaces where it can. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let rest = text;
  while (rest.length > width) {
    const cut = rest.lastIndexOf(' ', width);
    const at = cut > 0 ? cut : width;
    lines.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  lines.push(rest);
  return lines;
}

export function formatTable(report: ConnectivityReport, opts: FormatOptions): string[] {
  const rows = report.sections.flatMap((s) =>
    s.checks.map((c) => ({ section: printable(s.section), check: checkLabel(c), status: c.status, message: messageText(c) })),
  );
  const w0 = Math.max(HEAD[0].length, ...rows.map((r) => r.section.length));
  const w1 = Math.max(HEAD[1].length, ...rows.map((r) => r.check.length));
  const w2 = Math.max(HEAD[2].length, ...rows.map((r) => LABEL[r.status].length));
  const indent = w0 + w1 + w2 + 6;
  const messageWidth = opts.width === undefined ? undefined : Math.max(MIN_MESSAGE_WIDTH, opts.width - indent);
  const lines = [`${HEAD[0].padEnd(w0)}  ${HEAD[1].padEnd(w1)}  ${HEAD[2].padEnd(w2)}  ${HEAD[3]}`];
  for (const r of rows) {
    const label = LABEL[r.status];
    const result = opts.color ? `${COLOUR[r.status]}${label}${RESET}${' '.repeat(w2 - label.length)}` : label.padEnd(w2);
    const [first = '', ...more] = messageWidth === undefined ? [r.message] : wrap(r.message, messageWidth);
    lines.push(`${r.section.padEnd(w0)}  ${r.check.padEnd(w1)}  ${result}  ${first}`.trimEnd());
    for (const m of more) lines.push(`${' '.repeat(indent)}${m}`);
  }
  return lines;
}

/** Duo's closing line of each section, then one SUMMARY line. */
export function formatSummary(report: ConnectivityReport): string[] {
  const lines = report.sections.map((s) => printable(`[${s.section}] ${s.summary}`));
  const { ok, fail, skip } = report.counts;
  const counts = `${ok} OK, ${fail} FAIL, ${skip} SKIP`;
  const failed = report.sections.filter((s) => !s.ok).map((s) => printable(`[${s.section}]`));
  lines.push(failed.length === 0 ? `SUMMARY: No issues detected (${counts})` : `SUMMARY: connectivity problems in ${failed.join(', ')} (${counts})`);
  return lines;
}

export function formatReport(report: ConnectivityReport, opts: FormatOptions): string {
  return [...formatTable(report, opts), '', ...formatSummary(report)].join('\n') + '\n';
}
