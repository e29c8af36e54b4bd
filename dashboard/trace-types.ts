// The shapes the dashboard API answers (design.md "Contract: dashboard"): a login's summary in lists,
// and its whole trace. Built only from bus events, which are redacted at the source (machines/redact.ts):
// nothing here can hold a password, passcode, secret, skey or State value.

export type Outcome = 'in-flight' | 'accepted' | 'rejected' | 'dropped' | 'expired';
export const OUTCOMES: readonly Outcome[] = ['in-flight', 'accepted', 'rejected', 'dropped', 'expired'];

export interface LoginSummary {
  loginId: string;
  user: string | undefined;
  server: string;
  clientIp: string;
  /** The state the login rests in now (its final state once finished). */
  state: string;
  outcome: Outcome;
  /** One word of the closed reason list once decided (e.g. `duo_denied`); undefined while in flight. */
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
  failOpen?: boolean;
}

export interface TraceRound {
  at: string;
  /** The challenge prompt the user saw. */
  prompt: string;
  kind?: string;
  /** What the user answered, as a kind (`menu option`, `passcode`, `factor name`, `empty`); never the value. */
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
