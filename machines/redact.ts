// Turning the login actor's inspection stream into bus events that carry no secret. Whitelist only:
// state, event type, result codes, Duo statuses and reply texts. Never the context as a whole (it holds
// the password while primary auth runs), never an event's payload (ANSWER carries the passcode), never
// a factor (it may be a passcode).
import type { EventObject, InspectionEvent } from 'xstate';
import type { LoginEvent, LoginReply } from './contracts.ts';
import type { LoginContext } from './login-types.ts';

interface MachineSnapshotLike {
  status: string;
  value: unknown;
  context: LoginContext;
}

function isLoginSnapshot(s: unknown): s is MachineSnapshotLike {
  if (typeof s !== 'object' || s === null) return false;
  const o = s as { value?: unknown; context?: { loginId?: unknown } };
  return 'value' in o && typeof o.context?.loginId === 'string';
}

/** `{processing: 'preauth'}` → `processing.preauth`. */
export function stateName(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value)
      .map(([k, v]) => {
        const rest = stateName(v);
        return rest ? `${k}.${rest}` : k;
      })
      .join(',');
  }
  return '';
}

/** A Duo enrollment link ("Please enroll at https://…/portal?code=…") lets whoever holds it enrol their own
 *  phone as that user: the device shows it to its user, but logs, events and the dashboard keep only
 *  where it points, with the code's value masked. */
export function maskEnrollmentCodes(text: string): string {
  // Most texts (every login's status and reason words) have no '=' at all: no regex run for them.
  return text.includes('=') ? text.replace(/([?&](?:code|token|akey)=)[^&\s"']+/gi, '$1…') : text;
}

function replyDetail(reply: LoginReply | undefined): Record<string, unknown> {
  if (!reply) return {};
  if (reply.kind === 'drop') return { reply: 'drop', reason: reply.reason };
  return { code: reply.code, ...(reply.replyMessage !== undefined ? { replyMessage: maskEnrollmentCodes(reply.replyMessage) } : {}) };
}

/** What an event may tell: its type, and for actor results their outcome without any input. */
export function redactEvent(event: EventObject): Record<string, unknown> {
  const detail: Record<string, unknown> = {};
  const output = (event as { output?: unknown }).output;
  if (event.type === 'xstate.done.actor.primaryAuth' && output && typeof output === 'object') {
    const o = output as { ok?: unknown; message?: unknown; drop?: unknown };
    detail.primaryOk = o.ok === true;
    if (o.drop === true) detail.primaryDrop = true;
    if (typeof o.message === 'string') detail.primaryMessage = maskEnrollmentCodes(o.message);
  } else if ((event.type === 'xstate.done.actor.duoPreauth' || event.type === 'xstate.done.actor.duoAuth') && output) {
    const o = output as { ok?: boolean; value?: { result?: unknown; status?: unknown }; error?: { kind?: unknown; failOpen?: unknown; httpStatus?: unknown; code?: unknown } };
    detail.duoOk = o.ok === true;
    if (o.ok && o.value) {
      detail.result = o.value.result;
      if (typeof o.value.status === 'string') detail.duoStatus = maskEnrollmentCodes(o.value.status);
    } else if (o.error) {
      detail.errorKind = o.error.kind;
      detail.failOpen = o.error.failOpen;
      if (typeof o.error.httpStatus === 'number') detail.httpStatus = o.error.httpStatus;
      if (typeof o.error.code === 'number') detail.duoCode = o.error.code;
    }
  } else if (event.type.startsWith('xstate.error.actor.')) {
    detail.actorFailed = true; // the error object may carry anything: not forwarded
  }
  return detail;
}

/** The safe detail of a login snapshot: status, and the reply/challenge once decided. */
export function redactSnapshot(snapshot: MachineSnapshotLike): Record<string, unknown> {
  const c = snapshot.context;
  const detail: Record<string, unknown> = { actorStatus: snapshot.status, mode: c.mode };
  if (snapshot.status === 'done' || stateName(snapshot.value) === 'awaiting') Object.assign(detail, replyDetail(c.reply));
  if (stateName(snapshot.value) === 'awaiting' && c.challenge) {
    detail.challenge = c.challenge.kind;
    detail.challengeDeadline = c.challenge.deadline;
  }
  if (c.preauth && !c.preauth.ok) detail.preauthError = c.preauth.error.kind;
  if (c.auth && !c.auth.ok) detail.authError = c.auth.error.kind;
  return detail;
}

/**
 * One LoginEvent per snapshot of the login actor itself (what the bus subject
 * `authproxy.events.<server>.<loginId>` carries); undefined for every other inspection event
 * (raw events; actions, whose params may be a call's input, password included: login-calls.ts).
 */
export function loginEventFromInspection(ev: InspectionEvent, at: string): LoginEvent | undefined {
  if (ev.type !== '@xstate.snapshot' || !isLoginSnapshot(ev.snapshot)) return undefined;
  const snap = ev.snapshot;
  const c = snap.context;
  return {
    loginId: c.loginId,
    server: c.server,
    user: c.username,
    clientIp: c.clientIp,
    state: stateName(snap.value),
    event: ev.event.type,
    at,
    detail: { ...redactSnapshot(snap), ...redactEvent(ev.event) },
  };
}
