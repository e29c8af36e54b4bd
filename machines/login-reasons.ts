// Why a login ended the way it did: ONE closed list of machine-readable reasons, each with its outcome
// and its text for people. The login machine records the reason when it decides the reply; the engine
// puts it in the login's summary event, and the info log line, the metrics, authevents.log and the
// dashboard all read it from there. docs/login-reasons.md is generated from this table.
import type { DuoError } from './contracts.ts';
import { Messages } from './messages.ts';

export type LoginOutcome = 'accept' | 'reject' | 'challenge' | 'drop';

interface ReasonSpec {
  readonly outcome: LoginOutcome;
  /** What happened, for people; the summary's reasonText adds the particulars (Duo status, error...). */
  readonly text: string;
}

/** Every reason, in the order the docs list them. Extend only: SIEM rules and alerts match on the keys. */
export const LOGIN_REASONS = {
  // accepted
  duo_allow: { outcome: 'accept', text: 'Accepted: Duo allowed the second factor' },
  bypass: { outcome: 'accept', text: 'Accepted: Duo preauth allowed the user without a second factor' },
  exempt: { outcome: 'accept', text: 'Accepted: user exempted from 2FA (exempt_username)' },
  failmode_safe_allow: { outcome: 'accept', text: 'Accepted by failmode safe' },
  primary_only: { outcome: 'accept', text: 'Accepted: primary-only mode, Duo not called' },
  // rejected before any call
  missing_username: { outcome: 'reject', text: 'Rejected: the request has no User-Name' },
  missing_password: { outcome: 'reject', text: 'Rejected: the request has no usable User-Password' },
  invalid_password: { outcome: 'reject', text: 'Rejected: the password has no factor part (concat mode)' },
  cannot_decode_password: { outcome: 'reject', text: 'Rejected: the User-Password does not decode (wrong shared secret or pw_codec?)' },
  eap_unsupported: { outcome: 'reject', text: 'Rejected: EAP is not supported' },
  mschap_unsupported: { outcome: 'reject', text: 'Rejected: MS-CHAPv2 is not supported' },
  // rejected by primary auth
  primary_reject: { outcome: 'reject', text: 'Rejected: primary authentication refused the credentials' },
  primary_error: { outcome: 'reject', text: 'Rejected: primary authentication failed' },
  primary_timeout: { outcome: 'reject', text: 'Rejected: primary authentication did not finish within login_timeout' },
  // rejected by Duo
  duo_deny: { outcome: 'reject', text: 'Rejected: Duo denied the login' },
  preauth_deny: { outcome: 'reject', text: 'Rejected: Duo preauth denied the user' },
  locked_out: { outcome: 'reject', text: 'Rejected: the Duo user is locked out' },
  enroll: { outcome: 'reject', text: 'Rejected: the user is not enrolled in Duo (enrollment link sent)' },
  enroll_incomplete: { outcome: 'reject', text: 'Rejected: answer to the enrollment challenge; enrollment must be completed first' },
  no_usable_factor: { outcome: 'reject', text: 'Rejected: the user has no Duo factor usable with this configuration' },
  failmode_secure_reject: { outcome: 'reject', text: 'Rejected by failmode secure' },
  duo_timeout: { outcome: 'reject', text: 'Rejected: Duo did not answer in time (a timed-out /auth fails closed)' },
  duo_error: { outcome: 'reject', text: 'Rejected: Duo call failed (fails closed)' },
  unknown_challenge: { outcome: 'reject', text: 'Rejected: answer to an unknown, expired, used or mismatched Access-Challenge' },
  challenge_expired: { outcome: 'reject', text: 'Rejected: the challenge expired unanswered (Unknown Challenge)' },
  internal_error: { outcome: 'reject', text: 'Rejected: internal error' },
  // challenged (the login goes on under the same loginId)
  factor_prompt: { outcome: 'challenge', text: 'Challenged: Duo factor menu sent' },
  passcode_prompt: { outcome: 'challenge', text: 'Challenged: passcode prompt sent' },
  enroll_challenge: { outcome: 'challenge', text: 'Challenged: enrollment message sent' },
  sms_refresh: { outcome: 'challenge', text: 'Challenged again: new SMS passcodes sent' },
  // no answer at all (the device retransmits or tries another server)
  primary_drop: { outcome: 'drop', text: 'No answer: the primary server answered a PAP request with a challenge' },
  unknown_client: { outcome: 'drop', text: 'No answer: no radius_ip_N of the section covers the client' },
  no_engine_answer: { outcome: 'drop', text: 'No answer: no login engine answered in time' },
  bus_down: { outcome: 'drop', text: 'No answer: the shared bus (NATS) is down' },
  shutting_down: { outcome: 'drop', text: 'No answer: the proxy is shutting down' },
} as const satisfies Record<string, ReasonSpec>;

export type LoginReason = keyof typeof LOGIN_REASONS;
export const LOGIN_REASON_NAMES = Object.keys(LOGIN_REASONS) as LoginReason[];

export function isLoginReason(s: unknown): s is LoginReason {
  return typeof s === 'string' && Object.hasOwn(LOGIN_REASONS, s);
}

export function outcomeOf(reason: LoginReason): LoginOutcome {
  return LOGIN_REASONS[reason].outcome;
}

/** The particulars that complete a reason's text; never a secret (statuses and messages are what the
 *  user is shown anyway). */
export interface ReasonFacts {
  /** Duo's status text, or the primary server's message. */
  detail?: string;
  /** The Duo call a failmode decision was about, and how it failed. */
  stage?: 'preauth' | 'auth';
  error?: Pick<DuoError, 'kind' | 'httpStatus' | 'message'>;
}

/** "Accepted by failmode safe: Duo preauth returned 503", "Rejected: Duo denied the login: push denied by the user (Login request denied.)" */
export function reasonText(reason: LoginReason, facts: ReasonFacts = {}): string {
  const base = LOGIN_REASONS[reason].text;
  if (facts.error) return `${base}: Duo ${facts.stage ?? 'call'} ${describeDuoError(facts.error)}`;
  return facts.detail ? `${base}: ${facts.detail}` : base;
}

/** A denied /auth in words a person at 3 a.m. reads at once: which factor, and Duo's own status.
 *  Starts with the reason's text like every reasonText, so a search for it finds them all. */
export function duoDenyText(factor: string | undefined, status: string | undefined): string {
  const kind = factor?.replace(/\d+$/, '');
  const what = kind === 'push' ? 'push' : kind === 'phone' ? 'phone call' : kind === 'sms' ? 'SMS' : kind === 'passcode' ? 'passcode' : undefined;
  if (what === undefined) return reasonText('duo_deny', status ? { detail: status } : {});
  const how = kind === 'push' && status !== undefined && /denied/i.test(status) ? 'push denied by the user' : what;
  return reasonText('duo_deny', { detail: status ? `${how} (${status})` : how });
}

/** A primary reject in words, naming the server that said no when the client tells it:
 *  "Rejected: primary authentication refused the credentials (dc1.example.com: Invalid credentials)". */
export function primaryRejectText(reason: 'primary_reject' | 'primary_error', host: string | undefined, message: string | undefined): string {
  if (host === undefined) return reasonText(reason, message ? { detail: message } : {});
  return `${reasonText(reason)} (${host}: ${message ?? 'no reply text'})`;
}

/** A Duo error in words: "returned 503", "timed out", "could not be reached (ECONNREFUSED)". */
export function describeDuoError(e: Pick<DuoError, 'kind' | 'httpStatus' | 'message'>): string {
  switch (e.kind) {
    case 'timeout':
      return 'timed out';
    case 'network':
      return `could not be reached (${e.message})`;
    case 'http-5xx':
    case 'http-4xx':
      return e.httpStatus !== undefined ? `returned ${e.httpStatus}` : `returned an HTTP error (${e.message})`;
    case 'rate-limited':
      return 'returned 429 (rate limited)';
    case 'invalid-200':
      return 'returned 200 without a valid JSON answer';
    case 'malformed':
      return `returned a malformed answer (${e.message})`;
    case 'factor-too-long':
      return 'was not called: the factor or passcode is over 2000 characters';
  }
}

/** The reason of a reject decided while screening a request or an answer (screen.ts), by its message. */
export function screenRejectReason(message: string): LoginReason {
  switch (message) {
    case Messages.noUsername:
      return 'missing_username';
    case Messages.missingPassword:
    case Messages.noPasswordOrChap2:
    case Messages.concatNoPassword:
      return 'missing_password';
    case Messages.concatInvalidPassword:
      return 'invalid_password';
    case Messages.cannotDecodePassword:
      return 'cannot_decode_password';
    case Messages.eapNotSupported:
      return 'eap_unsupported';
    case Messages.mschapNotSupported:
      return 'mschap_unsupported';
    case Messages.completeEnrollment:
      return 'enroll_incomplete';
    default:
      return 'unknown_challenge';
  }
}

// Duo's texts for a locked-out user say so; preauth gives no other sign (rest_v1 has no status code).
const LOCKED_OUT = /locked out/i;
export function preauthDenyReason(status: string | undefined): LoginReason {
  return status !== undefined && LOCKED_OUT.test(status) ? 'locked_out' : 'preauth_deny';
}
