// How one bus event (authproxy.events.<server>.<loginId>) adds to a login's trace. Whitelist only: each
// field read here is one the engine's redaction lets through, and each is copied by name.
import type { LoginEvent } from '../machines/contracts.ts';
import { eventLabel } from '../machines/diagram.ts';
import { type LoginTrace, type Outcome, TRACE_LIMITS } from './trace-types.ts';

const FINAL: Record<string, Outcome> = { accepted: 'accepted', rejected: 'rejected', dropped: 'dropped', expired: 'expired' };
const CODES: Record<number, string> = { 2: 'Access-Accept', 3: 'Access-Reject', 11: 'Access-Challenge' };

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v.slice(0, TRACE_LIMITS.text) : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

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

/** The diagram states a login passed through on the way to `ev.state` (the targets of the edges it took). */
export function statesVia(edges: readonly string[]): string[] {
  return edges.map((id) => id.split('>')[1]!.replace(/\/\d+$/, ''));
}

export function applyEvent(trace: LoginTrace, ev: LoginEvent): void {
  // The engine stops a login's actor once its challenge is stored: not a step of the login.
  if (ev.event === 'xstate.stop') return;
  const d = ev.detail ?? {};
  const at = Date.parse(ev.at);
  if (ev.user !== undefined) trace.user = ev.user;
  if (typeof d.mode === 'string') trace.mode = d.mode;
  trace.clientIp = ev.clientIp;
  const last = trace.transitions.at(-1);
  const edges = Array.isArray(d.edges) ? (d.edges as unknown[]).filter((e): e is string => typeof e === 'string') : [];
  if (!last || last.state !== ev.state || ev.event !== last.event) {
    if (last) last.ms = Math.max(0, at - Date.parse(last.at));
    // A login's first event also passed through the state it started in (screening).
    const start = !last && edges[0] ? [edges[0].split('>')[0]!] : [];
    const via = [...start, ...statesVia(edges).slice(0, -1)].filter((s) => s !== ev.state);
    const event = ev.event === 'xstate.init' ? 'request' : eventLabel(ev.event);
    pushCapped(trace, trace.transitions, { state: ev.state, at: ev.at, event, ...(via.length ? { via } : {}) }, TRACE_LIMITS.transitions);
    if (trace.state !== ev.state) trace.stateSince = ev.at;
    trace.state = ev.state;
  }
  trace.ms = Math.max(0, at - Date.parse(trace.startedAt));

  if (ev.event === 'xstate.done.actor.primaryAuth' || typeof d.primaryOk === 'boolean') {
    trace.primary = {
      ok: d.primaryOk === true,
      ...(text(d.primaryMessage) !== undefined ? { message: text(d.primaryMessage) } : {}),
      ...(d.primaryDrop === true ? { dropped: true } : {}),
      ...(text(d.primaryHost) !== undefined ? { host: text(d.primaryHost) } : {}),
      ...(num(d.primaryMs) !== undefined ? { ms: num(d.primaryMs) } : {}),
    };
  }
  const duoEndpoint = /^xstate\.(?:done|error)\.actor\.duo(Preauth|Auth)$/.exec(ev.event)?.[1] ?? (/^xstate\.after\.DUO_TIMEOUT\.login\.processing\.(preauth|auth)$/.exec(ev.event)?.[1]);
  if (duoEndpoint) {
    const endpoint = duoEndpoint.toLowerCase();
    const started = [...trace.transitions].reverse().find((t) => t.state === `processing.${endpoint}`);
    pushCapped(
      trace,
      trace.duo,
      {
        endpoint,
        at: ev.at,
        ...(started ? { ms: Math.max(0, at - Date.parse(started.at)) } : {}),
        ...(num(d.httpStatus) !== undefined ? { httpStatus: num(d.httpStatus) } : {}),
        result: text(d.result) ?? text(d.errorKind) ?? (ev.event.startsWith('xstate.error') ? 'error' : ev.event.startsWith('xstate.after') ? 'timeout' : undefined),
        ...(text(d.duoStatus) !== undefined ? { status: text(d.duoStatus) } : {}),
        ...(text(d.txid) !== undefined ? { txid: text(d.txid) } : {}),
        ...(typeof d.failOpen === 'boolean' ? { failOpen: d.failOpen } : {}),
      },
      TRACE_LIMITS.duo,
    );
  }
  if (ev.state === 'awaiting' && typeof d.replyMessage === 'string' && ev.event !== 'RESUME') {
    pushCapped(trace, trace.rounds, { at: ev.at, prompt: text(d.replyMessage)!, ...(text(d.challenge) ? { kind: text(d.challenge) } : {}) }, TRACE_LIMITS.rounds);
  }
  if (ev.event === 'ANSWER') {
    const round = trace.rounds.at(-1);
    if (round && text(d.answerKind)) round.answerKind = text(d.answerKind);
  }
  const outcome = FINAL[ev.state];
  if (outcome) {
    trace.outcome = outcome;
    const code = num(d.code);
    trace.reply = d.reply === 'drop' ? { code: 'no answer', ...(text(d.reason) ? { message: text(d.reason) } : {}) } : { code: code !== undefined ? (CODES[code] ?? String(code)) : 'unknown', ...(text(d.replyMessage) !== undefined ? { message: text(d.replyMessage) } : {}) };
  }
  if (ev.state === 'unknown-challenge') {
    trace.outcome = 'rejected';
    trace.reason = 'unknown_challenge';
  }
  if (text(d.loginReason)) trace.reason = text(d.loginReason);
  if (text(d.reasonText)) trace.reasonText = text(d.reasonText);
}
