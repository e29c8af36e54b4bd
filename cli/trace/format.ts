// What `authproxy trace` prints: the list of logins as a table, and one login's trace as a timeline a
// person reads top to bottom (the reason first, then every step with its time and duration).
// Every text from the API passes through printable() (cli/printable.ts): a User-Name is typed by
// whoever logs in, so it may carry terminal escape sequences meant for the admin's terminal.
import Table from 'cli-table3';
import type { LoginSummary, LoginTrace } from '../../dashboard/trace-types.ts';
import { printable } from '../printable.ts';

const p = (s: string | undefined): string => (s === undefined ? '' : printable(s));

export function ms(n: number | undefined): string {
  if (n === undefined) return '';
  if (n < 1000) return `${Math.round(n)} ms`;
  if (n < 60_000) return `${(n / 1000).toFixed(1)} s`;
  const s = Math.round(n / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** HH:MM:SS.mmm of an ISO time (UTC, as the logs write it). */
export function time(iso: string): string {
  return /T(\d\d:\d\d:\d\d(?:\.\d{1,3})?)/.exec(iso)?.[1] ?? iso;
}

export function loginsTable(logins: readonly LoginSummary[]): string {
  if (logins.length === 0) return 'No login matches.\n';
  const t = new Table({ head: ['started (UTC)', 'user', 'client IP', 'section', 'outcome', 'reason', 'took', 'login id'], style: { head: [], border: [] } });
  for (const l of logins)
    t.push([p(time(l.startedAt)), p(l.user), p(l.clientIp), p(l.server), p(l.outcome === 'in-flight' ? `in flight: ${l.state}` : l.outcome === 'challenge' ? 'challenge: waiting' : l.outcome), p(l.reason), ms(l.ms), p(l.loginId)]);
  return `${t.toString()}\n`;
}

/** One line per finished login, for --follow. */
export function loginLine(l: LoginSummary): string {
  return `${printable(`${time(l.startedAt)}  ${l.user ?? '(no user)'}  ${l.clientIp}  ${l.server}  ${l.outcome}${l.reason ? ` (${l.reason})` : ''}  ${ms(l.ms)}  ${l.loginId}`)}\n`;
}

export function timeline(t: LoginTrace): string {
  const out: string[] = [];
  out.push(`Login ${t.loginId}: ${t.user ?? '(no user)'} from ${t.clientIp} on ${t.server}${t.mode ? ` (${t.mode})` : ''}`);
  out.push(`  ${t.reasonText ?? (t.outcome === 'in-flight' ? `in flight, now in ${t.state}` : `${t.outcome}${t.reason ? ` (${t.reason})` : ''}`)}`);
  out.push('');
  const t0 = Date.parse(t.startedAt);
  for (const s of t.transitions) {
    const via = s.via?.length ? `  via ${s.via.join(' > ')}` : '';
    out.push(`  ${time(s.at)}  +${String(Date.parse(s.at) - t0).padStart(5)} ms  ${s.state.padEnd(28)} ${s.event}${via}${s.ms !== undefined ? `  (${ms(s.ms)} here)` : ''}`);
  }
  if (t.primary) out.push('', `  primary${t.primary.client ? ` [${t.primary.client}]` : ''}: ${t.primary.dropped ? 'no answer asked' : t.primary.ok ? 'accepted' : t.primary.error ? 'could not be done' : 'rejected'}${t.primary.host ? ` by ${t.primary.host}` : ''}${t.primary.ms !== undefined ? ` in ${ms(t.primary.ms)}` : ''}${t.primary.message ? `: ${t.primary.message}` : ''}`);
  for (const d of t.duo)
    out.push(`  duo ${d.endpoint}${d.factor ? ` (${d.factor})` : ''}: ${[d.httpStatus !== undefined ? `HTTP ${d.httpStatus}` : '', d.result ?? '', d.status ? `"${d.status}"` : '', d.ms !== undefined ? ms(d.ms) : '', d.txid ? `txid ${d.txid}` : ''].filter(Boolean).join(', ')}`);
  for (const [i, r] of t.rounds.entries()) out.push(`  challenge ${i + 1} at ${time(r.at)}${r.answerKind ? `, answered with a ${r.answerKind}` : ', not answered'}:`, ...r.prompt.split('\n').map((l) => `    | ${l}`));
  out.push('', `  reply: ${t.reply ? `${t.reply.code}${t.reply.message ? ` "${t.reply.message}"` : ''}` : 'none yet'}`);
  // Each line made printable on its own: the prompt's own line breaks stay, any other control shows.
  return `${out.map(printable).join('\n')}\n`;
}
