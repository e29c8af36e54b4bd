// How one bus event (authproxy.events.<server>.<loginId>) adds to a login's trace. The events are the
// login vocabulary that logs, metrics and authevents.log read too (machines/login-events.ts):
//   transitions (kind absent or 'transition'): the states, with the diagram edges taken on the way
//   kind 'primary' / 'duo': one per primary auth call / Duo call, timed, with its result
//   kind 'summary': one per answered request, with the outcome, the reason and its text
// A challenge login keeps one loginId over its rounds, so its trace spans them. Whitelist only: each
// field is copied by name from events that are redacted at the source.
import { type LoginEvent, REPLY_CODE_NAMES } from '../machines/contracts.ts';

/** A bus event of a login: `kind` says which part of the vocabulary it is (absent: a transition). */
export type { LoginEvent };
import { eventLabel } from '../machines/diagram.ts';
import { type LoginTrace, type Outcome, TRACE_LIMITS } from './trace-types.ts';

/** Final states of the machine, as outcomes (for a login whose summary never came). */
const FINAL: Record<string, Outcome> = { accepted: 'accept', rejected: 'reject', dropped: 'drop', expired: 'drop' };
const SUMMARY_OUTCOMES: Record<string, Outcome> = { accept: 'accept', reject: 'reject', drop: 'drop', challenge: 'challenge' };

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v.slice(0, TRACE_LIMITS.text) : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
/** `{ key: value }` when value is defined, else `{}`: optional fields stay absent in the JSON. */
const opt = <K extends string, V>(key: K, value: V | undefined): { [k in K]?: V } => (value === undefined ? {} : ({ [key]: value } as { [k in K]: V }));

export function newTrace(ev: LoginEvent): LoginTrace {
  return {
    loginId: ev.loginId,
    user: ev.user,
    server: ev.server,
    clientIp: ev.clientIp,
    state: ev.state,
    outcome: 'in-flight',
    reason: undefined,
    startedAt: ev.at,
    ms: 0,
    stateSince: ev.at,
    transitions: [],
    duo: [],
    rounds: [],
  };
}

/** Keeps at most `max` entries; says so on the trace when it drops some. */
function pushCapped<T>(trace: LoginTrace, list: T[], item: T, max: number): void {
  if (list.length < max) list.push(item);
  else trace.truncated = true;
}

/** The diagram states a login passed through (the targets of the edges it took). */
export function statesVia(edges: readonly string[]): string[] {
  return edges.map((id) => id.split('>')[1]!.replace(/\/\d+$/, ''));
}

export function edgesOf(ev: LoginEvent): string[] {
  const raw = ev.detail?.edges;
  return Array.isArray(raw) ? raw.filter((e): e is string => typeof e === 'string') : [];
}

export function applyEvent(trace: LoginTrace, ev: LoginEvent): void {
  const d = ev.detail ?? {};
  if (ev.user !== undefined && ev.user !== null) trace.user = ev.user;
  trace.clientIp = ev.clientIp;
  switch (ev.kind) {
    case 'summary':
      return applySummary(trace, ev, d);
    case 'primary':
      trace.primary = {
        ok: d.ok === true,
        ...opt('message', text(d.message)),
        ...opt('host', text(d.host)),
        ...opt('client', text(d.client)),
        ...opt('ms', num(d.ms)),
        ...(d.drop === true ? { dropped: true } : {}),
        ...(d.error === true ? { error: true } : {}),
        ...(d.aborted === true ? { aborted: true } : {}),
      };
      return;
    case 'duo':
      return applyDuoCall(trace, ev, d);
    default:
      return applyTransition(trace, ev, d);
  }
}

function applyTransition(trace: LoginTrace, ev: LoginEvent, d: Record<string, unknown>): void {
  // The engine stops a login's actor once its challenge is stored: not a step of the login.
  if (ev.event === 'xstate.stop') return;
  const at = Date.parse(ev.at);
  const last = trace.transitions.at(-1);
  const edges = edgesOf(ev);
  if (typeof d.mode === 'string') trace.mode = d.mode;
  // A resumed challenge login restarts its actor in `awaiting`: no movement, no step.
  if (last && last.state === ev.state && edges.length === 0) return;
  if (last) last.ms = Math.max(0, at - Date.parse(last.at));
  // A login's first event also passed through the state it started in (screening).
  const start = !last && edges[0] ? [edges[0].split('>')[0]!] : [];
  const via = [...start, ...statesVia(edges).slice(0, -1)].filter((s) => s !== ev.state);
  const event = ev.event === 'xstate.init' ? 'request' : eventLabel(ev.event);
  pushCapped(trace, trace.transitions, { state: ev.state, at: ev.at, event, ...(via.length ? { via } : {}) }, TRACE_LIMITS.transitions);
  if (trace.state !== ev.state) trace.stateSince = ev.at;
  trace.state = ev.state;
  trace.ms = Math.max(0, at - Date.parse(trace.startedAt));
  // An answer to the challenge: the login is running again.
  if (trace.outcome === 'challenge' && ev.state !== 'awaiting') trace.outcome = 'in-flight';
  // The prompt of a challenge is the reply the login rests on in `awaiting`.
  if (ev.state === 'awaiting' && typeof d.replyMessage === 'string') {
    pushCapped(trace, trace.rounds, { at: ev.at, prompt: text(d.replyMessage)!, ...opt('kind', text(d.challenge)) }, TRACE_LIMITS.rounds);
  }
  // A login whose summary never comes (an engine of an older version) still ends, with its reply.
  const outcome = FINAL[ev.state];
  if (outcome && trace.outcome === 'in-flight') {
    trace.outcome = outcome;
    const code = num(d.code);
    trace.reply ??= code === undefined ? { code: 'no answer' } : { code: REPLY_CODE_NAMES[code] ?? String(code), ...opt('message', text(d.replyMessage)) };
  }
}

function applyDuoCall(trace: LoginTrace, ev: LoginEvent, d: Record<string, unknown>): void {
  const endpoint = text(d.endpoint) ?? 'call';
  const factor = text(d.factor);
  pushCapped(
    trace,
    trace.duo,
    {
      endpoint,
      at: ev.at,
      ...opt('ms', num(d.ms)),
      ...opt('httpStatus', num(d.httpStatus)),
      ...opt('result', text(d.result) ?? text(d.errorKind)),
      ...opt('status', text(d.status) ?? text(d.errorMessage)),
      ...opt('txid', text(d.txid)),
      ...opt('factor', factor),
      ...(typeof d.failOpen === 'boolean' ? { failOpen: d.failOpen } : {}),
      ...(d.aborted === true ? { aborted: true } : {}),
    },
    TRACE_LIMITS.duo,
  );
  // The answer to a challenge round goes to Duo's /auth in the next round: its kind (a factor name such
  // as push1, or "passcode"), never what the user typed.
  const round = num(d.round);
  if (endpoint === 'auth' && factor && round !== undefined && round >= 2) {
    const asked = trace.rounds[round - 2];
    if (asked && !asked.answerKind) asked.answerKind = factor === 'passcode' ? 'passcode' : `factor ${factor}`;
  }
}

function applySummary(trace: LoginTrace, ev: LoginEvent, d: Record<string, unknown>): void {
  trace.reason = text(d.reason);
  trace.reasonText = text(d.reasonText);
  if (typeof d.startedAt === 'string' && !Number.isNaN(Date.parse(d.startedAt))) trace.startedAt = d.startedAt;
  const ms = num(d.ms);
  if (ms !== undefined) trace.ms = ms;
  if (typeof d.mode === 'string') trace.mode = d.mode;
  const code = num(d.code);
  trace.reply = code === undefined ? { code: 'no answer' } : { code: REPLY_CODE_NAMES[code] ?? String(code), ...opt('message', text(d.replyMessage)) };
  const outcome = SUMMARY_OUTCOMES[String(d.outcome)];
  if (outcome) trace.outcome = d.final === false ? 'challenge' : outcome;
  if (d.final !== false && trace.state !== ev.state && FINAL[ev.state]) {
    // A login answered without its machine (an unknown challenge): its end is a step too.
    applyTransition(trace, { ...ev, kind: 'transition', event: 'summary' }, {});
  }
}
