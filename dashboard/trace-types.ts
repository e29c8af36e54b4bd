// The shapes the dashboard API answers (design.md "Contract: dashboard"): a login's summary in lists,
// and its whole trace. Built only from bus events, which are redacted at the source (machines/redact.ts):
// nothing here can hold a password, passcode, secret, skey or State value.

/** The login vocabulary's outcomes (machines/login-reasons.ts: accept, reject, drop, and challenge while
 *  the login waits for the user's answer), and in-flight while it runs before any answer. */
export type Outcome = 'in-flight' | 'challenge' | 'accept' | 'reject' | 'drop';
export const OUTCOMES: readonly Outcome[] = ['in-flight', 'challenge', 'accept', 'reject', 'drop'];
/** Not over yet: running, or waiting for the answer to a challenge. */
export const isOpen = (o: Outcome): boolean => o === 'in-flight' || o === 'challenge';

export interface LoginSummary {
  loginId: string;
  user: string | undefined;
  server: string;
  clientIp: string;
  /** The state the login rests in now (its final state once finished). */
  state: string;
  outcome: Outcome;
  /** The reason of the closed list (machines/login-reasons.ts, e.g. `duo_deny`) once a request was
   *  answered; undefined before. */
  reason: string | undefined;
  /** ISO time of the first request. */
  startedAt: string;
  /** Whole login so far (in flight) or in total (finished), milliseconds. */
  ms: number;
  /** ISO time the login entered `state`. */
  stateSince: string;
}

export interface TraceTransition {
  state: string;
  at: string;
  /** What moved it: `done duoPreauth`, `ANSWER`, `after DUO_TIMEOUT`... */
  event: string;
  /** Time spent in this state, ms (undefined for the state it rests in). */
  ms?: number;
  /** The states passed through on the way (decisions such as preauthFailmode). */
  via?: string[];
}

export interface TracePrimary {
  ok: boolean;
  /** The client section that did it ([ad_client], [radius_client]...). */
  client?: string;
  /** It could not be done (no server answered), as opposed to a refusal. */
  error?: boolean;
  /** Still running when the login ended: its result never counted. */
  aborted?: boolean;
  /** The reply text of the primary server (`Invalid credentials`, ...). */
  message?: string;
  host?: string;
  ms?: number;
  dropped?: boolean;
}

export interface TraceDuoCall {
  endpoint: string;
  at: string;
  ms?: number;
  httpStatus?: number;
  /** Duo's result (allow, deny, auth, enroll) or the error class (timeout, http-5xx...). */
  result?: string;
  /** Duo's status text. */
  status?: string;
  txid?: string;
  /** The factor sent to /auth: a name (push1, phone2...) or `passcode`; never the passcode. */
  factor?: string;
  failOpen?: boolean;
  aborted?: boolean;
}

export interface TraceRound {
  at: string;
  /** The challenge prompt the user saw. */
  prompt: string;
  kind?: string;
  /** What the answer became, as Duo got it: `factor push1`, `passcode`; never what was typed. */
  answerKind?: string;
}

export interface TraceReply {
  code: string;
  message?: string;
}

export interface LoginTrace extends LoginSummary {
  mode?: string;
  transitions: TraceTransition[];
  primary?: TracePrimary;
  duo: TraceDuoCall[];
  rounds: TraceRound[];
  reply?: TraceReply;
  /** The reason in words: "Rejected: Duo push denied by the user". */
  reasonText?: string;
  /** Set when a cap on the trace's size dropped some of its entries. */
  truncated?: boolean;
}

/** Per-trace caps: with them and dashboard_logins, the dashboard's memory has a bound (docs/dashboard.md). */
export const TRACE_LIMITS = { transitions: 64, duo: 16, rounds: 8, text: 512 } as const;
