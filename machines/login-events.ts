// The event vocabulary of a login, beyond its transitions: what the engine publishes on
// authproxy.events.<server>.<loginId> (design.md "Contract: bus subjects"; the base shape is
// contracts.ts LoginEvent, `kind` tells them apart) and hands to this process's logs and metrics.
//
//   kind 'summary'  event 'login.summary'  one per answered request: the login's outcome and reason,
//                                           `final: false` for a challenge round (the login goes on
//                                           under the same loginId), true once it is over
//   kind 'primary'  event 'login.primary'  one per primary auth call (ad_client, radius_client...)
//   kind 'duo'      event 'login.duo'      one per Duo call (preauth, auth)
//
// Nothing secret: no password, passcode, State value, skey or shared secret; the factor is a name
// (push1, phone2...) or `passcode` (factor-label.ts). Plain JSON: the events cross worker threads and NATS.
import type { DuoErrorKind, LoginEvent } from './contracts.ts';
import type { LoginOutcome, LoginReason } from './login-reasons.ts';
import type { LoginMode } from './login-types.ts';

export const LoginEventName = {
  summary: 'login.summary',
  primary: 'login.primary',
  duo: 'login.duo',
} as const;

export interface LoginSummary {
  loginId: string;
  server: string;
  mode: LoginMode;
  clientIp: string;
  user: string | null;
  /** The factor of the last Duo /auth (push1, phone, passcode...); null when none was called. */
  factor: string | null;
  outcome: LoginOutcome;
  reason: LoginReason;
  reasonText: string;
  /** false: a challenge was sent and the login waits for the answer (outcome 'challenge'). */
  final: boolean;
  /** RADIUS code sent (2, 3, 11), absent for a drop; and the Reply-Message as sent. */
  code?: number;
  replyMessage?: string;
  /** Duo's transaction id, when the dialect got one. */
  txid?: string;
  /** Requests the login has had so far (1 + challenge answers). */
  rounds: number;
  /** The first request's arrival (ISO 8601), and ms from it to this answer (a user's think time included). */
  startedAt: string;
  ms: number;
  /** Time spent waiting on primary auth, Duo preauth and Duo /auth, over all rounds, ms. */
  primaryMs: number;
  preauthMs: number;
  authMs: number;
  /** Which engine ran this round: `<hostname>/<pid>[/<thread>]`. */
  engine: string;
}

export interface PrimaryCall {
  /** The client section ([ad_client], [radius_client], [duo_only_client]...). */
  client: string;
  /** The server that answered (or was tried last), when the client says. */
  host?: string;
  ms: number;
  ok: boolean;
  /** Primary auth could not be done (unreachable, timeout), as opposed to a refusal. */
  error?: boolean;
  /** The client asked for no answer (upstream challenge to PAP). */
  drop?: boolean;
  /** The call was still running when the login ended (deadline): its result never counted. */
  aborted?: boolean;
  /** The primary's reply text (`Active Directory authentication succeeded`, an upstream Reply-Message). */
  message: string;
  round: number;
}

export interface DuoCall {
  endpoint: 'preauth' | 'auth';
  /** 200 for an answer Duo gave with stat OK; the status of an HTTP error; absent for network errors and timeouts. */
  httpStatus?: number;
  ms: number;
  ok: boolean;
  /** allow, deny, enroll, auth (preauth) / allow, deny (auth). */
  result?: string;
  /** Duo's status text. */
  status?: string;
  txid?: string;
  /** The factor name sent to /auth (never a passcode: `passcode`). */
  factor?: string;
  errorKind?: DuoErrorKind;
  failOpen?: boolean;
  errorMessage?: string;
  aborted?: boolean;
  round: number;
}

type Typed<K extends string, D> = Omit<LoginEvent, 'kind' | 'detail'> & { kind: K; detail: D };
export type SummaryEvent = Typed<'summary', LoginSummary>;
export type PrimaryCallEvent = Typed<'primary', PrimaryCall>;
export type DuoCallEvent = Typed<'duo', DuoCall>;
export type TransitionEvent = LoginEvent & { kind?: 'transition' };
/** Every event a login publishes. */
export type AnyLoginEvent = TransitionEvent | SummaryEvent | PrimaryCallEvent | DuoCallEvent;

export const isSummaryEvent = (e: AnyLoginEvent): e is SummaryEvent => e.kind === 'summary';
export const isPrimaryCallEvent = (e: AnyLoginEvent): e is PrimaryCallEvent => e.kind === 'primary';
export const isDuoCallEvent = (e: AnyLoginEvent): e is DuoCallEvent => e.kind === 'duo';

/** The final state name a summary's outcome corresponds to (the base LoginEvent's `state`). */
export function summaryState(outcome: LoginOutcome): string {
  return outcome === 'accept' ? 'accepted' : outcome === 'reject' ? 'rejected' : outcome === 'challenge' ? 'awaiting' : 'dropped';
}
