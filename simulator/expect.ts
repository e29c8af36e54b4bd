// Expectations against what happened: each mismatch is one sentence saying what was expected and what
// came, so a failing CI run says which login broke and why.
import type { LoginResult } from './device.ts';
import type { LoadExpect, LoginExpect, Ratio } from './scenario/schema.ts';

/** `/re/flags` is a regular expression; anything else must match exactly. */
export function textMatches(want: string, got: string | undefined): boolean {
  const m = /^\/(.*)\/([a-z]*)$/s.exec(want);
  if (m) return got !== undefined && new RegExp(m[1]!, m[2]).test(got);
  return got === want;
}

const q = (s: string | undefined) => (s === undefined ? 'nothing' : JSON.stringify(s));

export function checkLogin(e: LoginExpect, r: LoginResult): string[] {
  const out: string[] = [];
  if (e.outcome !== undefined && e.outcome !== r.outcome) out.push(`outcome: expected ${e.outcome}, got ${r.outcome}${r.reply ? ` (${q(r.reply)})` : ''}`);
  if (e.reply !== undefined && !textMatches(e.reply, r.reply)) out.push(`reply: expected ${e.reply.startsWith('/') ? e.reply : q(e.reply)}, got ${q(r.reply)}`);
  if (e.rounds !== undefined && e.rounds !== r.rounds) out.push(`rounds: expected ${e.rounds}, got ${r.rounds}`);
  if (e.class !== undefined && !textMatches(e.class, r.class)) out.push(`class: expected ${e.class.startsWith('/') ? e.class : q(e.class)}, got ${q(r.class)}`);
  if (e.ms_max !== undefined && r.ms > e.ms_max) out.push(`ms_max: expected at most ${e.ms_max} ms, took ${Math.round(r.ms)} ms`);
  if (e.device_outcome !== undefined && !textMatches(e.device_outcome, r.deviceOutcome))
    out.push(`device_outcome: expected ${e.device_outcome.startsWith('/') ? e.device_outcome : q(e.device_outcome)}, the device showed ${q(r.deviceOutcome)}`);
  return out;
}

export interface LoadFigures {
  sent: number;
  outcomes: Record<'accept' | 'reject' | 'challenge_unanswered' | 'no_answer', number>;
  p99: number;
}

function ratioProblem(label: string, want: Ratio, got: number): string | undefined {
  const { min, max } = typeof want === 'number' ? { min: want, max: undefined } : want;
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  if (min !== undefined && got < min) return `${label}: expected at least ${pct(min)}, got ${pct(got)}`;
  if (max !== undefined && got > max) return `${label}: expected at most ${pct(max)}, got ${pct(got)}`;
  return undefined;
}

export function checkLoad(e: LoadExpect, f: LoadFigures): string[] {
  const out: (string | undefined)[] = [];
  const of = (n: number) => (f.sent === 0 ? 0 : n / f.sent);
  if (e.accept_ratio !== undefined) out.push(ratioProblem('accept_ratio', e.accept_ratio, of(f.outcomes.accept)));
  if (e.reject_ratio !== undefined) out.push(ratioProblem('reject_ratio', e.reject_ratio, of(f.outcomes.reject)));
  if (e.p99_ms !== undefined && !(f.p99 <= e.p99_ms)) out.push(`p99_ms: expected at most ${e.p99_ms} ms, got ${Number.isNaN(f.p99) ? 'no answers' : `${Math.round(f.p99)} ms`}`);
  if (e.no_answer_max !== undefined && f.outcomes.no_answer > e.no_answer_max) out.push(`no_answer_max: expected at most ${e.no_answer_max} device give-ups, got ${f.outcomes.no_answer}`);
  return out.filter((x): x is string => x !== undefined);
}
