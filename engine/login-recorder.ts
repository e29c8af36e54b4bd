// What the engine records of one login besides its transitions: every primary and Duo call (with its
// time), and the summary of each answered request (machines/login-events.ts). The calls are timed
// around the injected actors' promises, so this costs no XState inspection; the times add up over the
// rounds of a challenge login through the trail kept with the challenge (ChallengeRecord.trail).
import { hostname } from 'node:os';
import { isMainThread, threadId } from 'node:worker_threads';
import type { AuthResult, DuoOutcome, LoginReply, PreauthResult, PrimaryAuthResult } from '../machines/contracts.ts';
import type { AnyLoginEvent, DuoCall, LoginSummary, PrimaryCall } from '../machines/login-events.ts';
import { LoginEventName, summaryState } from '../machines/login-events.ts';
import { type LoginReason, outcomeOf, reasonText } from '../machines/login-reasons.ts';
import type { LoginContext, LoginMode } from '../machines/login-types.ts';
import { maskEnrollmentCodes } from '../machines/redact.ts';

/** What a challenge login carries from one round to the next (plain JSON, stored with the challenge). */
export interface LoginTrail {
  primaryMs: number;
  preauthMs: number;
  authMs: number;
  txid?: string;
}

export const newTrail = (): LoginTrail => ({ primaryMs: 0, preauthMs: 0, authMs: 0 });

/** `<hostname>/<pid>` and `/<thread>` in an engine worker thread: which engine ran a round. */
export const ENGINE_ID = `${hostname()}/${process.pid}${isMainThread ? '' : `/${threadId}`}`;

export interface LoginIdentity {
  loginId: string;
  server: string;
  mode: LoginMode;
  user: string | undefined;
  clientIp: string;
}

interface Pending {
  kind: 'primary' | 'preauth' | 'auth';
  started: number;
  factor?: string;
}

/** `new Date(ms).toISOString()`, remembered for the last millisecond asked: the events of the logins
 *  answered in the same millisecond carry the same time (~0.3 µs per event saved). */
function isoMemo(): (ms: number) => string {
  let lastMs = Number.NaN;
  let lastIso = '';
  return (ms) => {
    if (ms !== lastMs) {
      lastIso = new Date(ms).toISOString();
      lastMs = ms;
    }
    return lastIso;
  };
}
/** The time of an event (now); a summary's startedAt (an earlier millisecond) has its own, so that it
 *  does not push the current one out. */
export const isoTime = isoMemo();
const isoStartedAt = isoMemo();

export class LoginRecorder {
  /** Calls running now (at most one at a time in practice): a list, not a Set per login. */
  private readonly pending: Pending[] = [];

  constructor(
    private readonly who: LoginIdentity,
    readonly trail: LoginTrail,
    /** The round this request is (1 for a new login); the machine's context counts the same. */
    private readonly round: number,
    private readonly clientName: string,
    private readonly emit: (ev: AnyLoginEvent) => void,
    private readonly now: () => number,
  ) {}

  /** Times a primary call; the promise's value is passed through. */
  primary(p: Promise<PrimaryAuthResult>): Promise<PrimaryAuthResult> {
    const call: Pending = { kind: 'primary', started: this.now() };
    this.pending.push(call);
    return p.then((r) => {
      if (this.forget(call)) this.primaryDone(call, r);
      return r;
    });
  }

  duo<T extends PreauthResult | AuthResult>(endpoint: 'preauth' | 'auth', p: Promise<DuoOutcome<T>>, factor?: string): Promise<DuoOutcome<T>> {
    const call: Pending = { kind: endpoint, started: this.now() };
    if (factor !== undefined) call.factor = factor;
    this.pending.push(call);
    return p.then((out) => {
      if (this.forget(call)) this.duoDone(call, out);
      return out;
    });
  }

  /** Whether the call was still running (not closed by the login's end); it is not any more. */
  private forget(call: Pending): boolean {
    const i = this.pending.indexOf(call);
    if (i < 0) return false;
    this.pending.splice(i, 1);
    return true;
  }

  private elapsed(call: Pending): number {
    const ms = Math.max(0, this.now() - call.started);
    if (call.kind === 'primary') this.trail.primaryMs += ms;
    else if (call.kind === 'preauth') this.trail.preauthMs += ms;
    else this.trail.authMs += ms;
    return ms;
  }

  private primaryDone(call: Pending, r: PrimaryAuthResult): void {
    const detail: PrimaryCall = { client: this.clientName, ms: this.elapsed(call), ok: r.ok, message: maskEnrollmentCodes(r.message), round: this.round };
    if (r.host !== undefined) detail.host = r.host;
    if (!r.ok && 'drop' in r) detail.drop = true;
    if (!r.ok && 'error' in r && r.error) detail.error = true;
    this.emit(this.event('primary', LoginEventName.primary, 'processing.primary', detail));
  }

  private duoDone(call: Pending, out: DuoOutcome<PreauthResult | AuthResult>): void {
    const endpoint = call.kind === 'preauth' ? 'preauth' : 'auth';
    const detail: DuoCall = { endpoint, ms: this.elapsed(call), ok: out.ok, round: this.round };
    if (call.factor !== undefined) detail.factor = call.factor;
    if (out.ok) {
      detail.httpStatus = 200;
      detail.result = out.value.result;
      if (out.value.status !== undefined) detail.status = maskEnrollmentCodes(out.value.status);
      const txid = (out.value as AuthResult).txid;
      if (txid !== undefined) detail.txid = this.trail.txid = txid;
    } else {
      detail.errorKind = out.error.kind;
      detail.failOpen = out.error.failOpen;
      detail.errorMessage = maskEnrollmentCodes(out.error.message);
      if (out.error.httpStatus !== undefined) detail.httpStatus = out.error.httpStatus;
    }
    this.emit(this.event('duo', LoginEventName.duo, `processing.${endpoint}`, detail));
  }

  /** Calls still running when the login ended (a deadline stopped them): their time counts, their
   *  late result does not. */
  private closePending(): void {
    for (const call of this.pending) {
      const ms = this.elapsed(call);
      if (call.kind === 'primary') {
        this.emit(this.event('primary', LoginEventName.primary, 'processing.primary', { client: this.clientName, ms, ok: false, aborted: true, message: 'stopped: the login ended first', round: this.round }));
      } else {
        const d: DuoCall = { endpoint: call.kind, ms, ok: false, aborted: true, errorKind: 'timeout', round: this.round };
        if (call.factor !== undefined) d.factor = call.factor;
        this.emit(this.event('duo', LoginEventName.duo, `processing.${call.kind}`, d));
      }
    }
    this.pending.length = 0;
  }

  /** The summary of this round, from the login's context once it settled (or without one: a login that
   *  never ran, e.g. an unknown challenge). */
  summary(reply: LoginReply, final: boolean, ctx?: Pick<LoginContext, 'reason' | 'reasonText' | 'factor' | 'rounds' | 'startedAt'>, fallback?: LoginReason): LoginSummary {
    this.closePending();
    const reason: LoginReason = ctx?.reason ?? fallback ?? 'internal_error';
    const at = this.now();
    const startedAt = ctx?.startedAt ?? at;
    const s: LoginSummary = {
      loginId: this.who.loginId,
      server: this.who.server,
      mode: this.who.mode,
      clientIp: this.who.clientIp,
      user: this.who.user ?? null,
      factor: ctx?.factor ?? null,
      outcome: outcomeOf(reason),
      reason,
      reasonText: maskEnrollmentCodes(ctx?.reasonText ?? reasonText(reason)),
      final,
      rounds: ctx?.rounds ?? this.round,
      startedAt: isoStartedAt(startedAt),
      ms: Math.max(0, at - startedAt),
      primaryMs: this.trail.primaryMs,
      preauthMs: this.trail.preauthMs,
      authMs: this.trail.authMs,
      engine: ENGINE_ID,
    };
    if (reply.kind === 'reply') {
      s.code = reply.code;
      if (reply.replyMessage !== undefined) s.replyMessage = maskEnrollmentCodes(reply.replyMessage);
    }
    if (this.trail.txid !== undefined) s.txid = this.trail.txid;
    this.emit(this.event('summary', LoginEventName.summary, summaryState(s.outcome), s));
    return s;
  }

  private event<K extends 'primary' | 'duo' | 'summary', D>(kind: K, name: string, state: string, detail: D) {
    return {
      kind,
      loginId: this.who.loginId,
      server: this.who.server,
      user: this.who.user,
      clientIp: this.who.clientIp,
      state,
      event: name,
      at: isoTime(this.now()),
      detail,
    } as AnyLoginEvent;
  }
}

/** The summary of a login dropped before any engine ran it (bus down, no engine answered). */
export function dropSummary(who: LoginIdentity, reason: LoginReason, detail: string, emit: (ev: AnyLoginEvent) => void, now: () => number = Date.now): LoginReply {
  const reply: LoginReply = { kind: 'drop', reason: detail };
  const at = now();
  new LoginRecorder(who, newTrail(), 1, '', emit, now).summary(reply, true, { reason, reasonText: reasonText(reason, { detail }), rounds: 1, startedAt: at });
  return reply;
}

/** Words for a State the store would not give (the State itself is never logged). */
export const UNKNOWN_STATE: Record<'unknown' | 'wrong-server' | 'wrong-ip' | 'wrong-user', string> = {
  unknown: 'no such State (never issued, expired or already used)',
  'wrong-server': 'the State was issued by another server section or Duo integration',
  'wrong-ip': 'the State was issued to another client IP',
  'wrong-user': 'the State was issued for another User-Name',
};

/** A stored trail, or a fresh one for a challenge stored by an engine that kept none. */
export function trailOf(t: unknown): LoginTrail {
  const o = (typeof t === 'object' && t !== null ? t : {}) as Partial<LoginTrail>;
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);
  const trail: LoginTrail = { primaryMs: n(o.primaryMs), preauthMs: n(o.preauthMs), authMs: n(o.authMs) };
  if (typeof o.txid === 'string') trail.txid = o.txid;
  return trail;
}
