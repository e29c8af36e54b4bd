// The login machine's public shapes: what the engine gives it (input, events) and what it keeps while
// a challenge is open. Plain JSON throughout, because the context of a waiting login is persisted.
import type { LoginReason } from './login-reasons.ts';
import type { LoginTimerEvent } from './login-timers.ts';
import type { AuthResult, DuoOutcome, LoginReply, PreauthResult, PrimaryAuthResult, WireAttribute } from './contracts.ts';

/** The four server sections this machine implements (reference §3). */
export const LoginMode = {
  auto: 'radius_server_auto',
  challenge: 'radius_server_challenge',
  duoOnly: 'radius_server_duo_only',
  concat: 'radius_server_concat',
} as const;
export type LoginMode = (typeof LoginMode)[keyof typeof LoginMode];

/** Values of `factors=` (reference §4.2). */
export type ConfiguredFactor = 'auto' | 'push' | 'phone' | 'passcode';
export type PromptFormat = 'console' | 'html' | 'short';
export type Failmode = 'safe' | 'secure';

/** The section options the machine needs; the engine maps the parsed config onto this. */
export interface LoginOptions {
  failmode: Failmode;
  /** auto mode; in configured order (deliberate deviation from 4.0.2's set order). */
  factors: ConfiguredFactor[];
  /** auto and concat. */
  delimiter: string;
  /** auto and concat; 0 = off. */
  delimitedPasswordLength: number;
  /** auto only (concat always splits). */
  allowConcat: boolean;
  /** challenge only. */
  promptFormat: PromptFormat;
  /** challenge only. */
  enrollChallenge: boolean;
  /** Exact, case-sensitive User-Name matches skip Duo (reference §4.1). */
  exemptUsernames: string[];
  /** Bound on handling ONE RADIUS request (the first one, or one challenge answer); our `login_timeout`. */
  loginTimeoutMs: number;
  /** Lifetime of an Access-Challenge (reference §9.4: 300 s). */
  challengeLifetimeMs: number;
  /** `api_timeout` in ms; 0 or absent = only the login deadline bounds a Duo call. */
  duoRequestTimeoutMs?: number;
  /** [main] primary-only mode (reference §6.4, §7): Duo is not called, every Duo step is a fail-open error. */
  primaryOnly?: boolean;
}

export const DEFAULT_LOGIN_TIMEOUT_MS = 120_000;
export const CHALLENGE_LIFETIME_MS = 300_000;

/** Options with the reference defaults (§4.1-4.3); `overrides` wins. */
export function loginOptions(overrides: Partial<LoginOptions> = {}): LoginOptions {
  return {
    failmode: 'safe',
    factors: ['auto'],
    delimiter: ',',
    delimitedPasswordLength: 0,
    allowConcat: true,
    promptFormat: 'console',
    enrollChallenge: true,
    exemptUsernames: [],
    loginTimeoutMs: DEFAULT_LOGIN_TIMEOUT_MS,
    challengeLifetimeMs: CHALLENGE_LIFETIME_MS,
    ...overrides,
  };
}

/** One decoded Access-Request as the machine sees it. */
export interface LoginRequest {
  /** User-Name; undefined when the attribute is absent. */
  username?: string;
  /** User-Password in clear; undefined when the attribute is absent. */
  password?: string;
  /** User-Password present but not valid UTF-8 with this secret → `Cannot decode password`. */
  passwordUndecodable?: boolean;
  /** Raw value of the `client_ip_attr` attribute (Calling-Station-Id by default), if present. */
  clientIpAttrValue?: string;
  /** Source address of the packet. */
  clientIp: string;
  /** All request attributes (User-Password still hidden): for the primary client and EAP/MS-CHAP detection. */
  attributes: WireAttribute[];
}

export interface LoginInput {
  loginId: string;
  /** Server section name, e.g. `radius_server_auto2`; passed to the primary client. */
  server: string;
  mode: LoginMode;
  options: LoginOptions;
  request: LoginRequest;
  /** Epoch ms when the request arrived: the only clock reading the machine gets. */
  now: number;
}

/** The answer to an Access-Challenge (a request carrying a State the store gave back). */
export interface AnswerEvent {
  type: 'ANSWER';
  now: number;
  clientIp: string;
  clientIpAttrValue?: string;
  username?: string;
  password?: string;
  passwordUndecodable?: boolean;
}
/** Re-arms the challenge-lifetime timer after a restore (timers are not persisted). */
export interface ResumeEvent {
  type: 'RESUME';
  now: number;
}
/** Raised internally when the login deadline passes (never sent by the engine). */
export interface LoginDeadlineEvent {
  type: 'LOGIN_DEADLINE';
}
export type LoginEventIn = AnswerEvent | ResumeEvent;
export type LoginMachineEvent = AnswerEvent | ResumeEvent | LoginDeadlineEvent | LoginCallEvent | LoginTimerEvent;
export type { LoginTimerEvent, LoginTimerName } from './login-timers.ts';

/** The calls the machine makes (login-calls.ts), by the name their result events carry. */
export type LoginCallName = 'primaryAuth' | 'duoPreauth' | 'duoAuth';
/** A call's result, sent to the login actor: the events an invoked promise actor would send. */
export type LoginCallEvent =
  | { type: 'xstate.done.actor.primaryAuth'; output: PrimaryAuthOutput }
  | { type: 'xstate.done.actor.duoPreauth'; output: DuoPreauthOutput }
  | { type: 'xstate.done.actor.duoAuth'; output: DuoAuthOutput }
  | { type: `xstate.error.actor.${LoginCallName}`; error: unknown };

export type ChallengeKind = 'passcode' | 'factors' | 'enroll';

/** What an open challenge remembers (reference §9.1, §8.3 step 3). No secret in it. */
export interface ChallengeSession {
  kind: ChallengeKind;
  /** The challenge's Reply-Message, re-sent unchanged on an SMS refresh. */
  prompt: string;
  /** Preauth `factors` (option number → device factor), for kind `factors`. */
  factors: Record<string, string>;
  /** Attributes from primary auth, carried to the final accept (and some rejects). */
  primaryAttributes: WireAttribute[];
  username: string;
  /** Source address of the request that got this challenge. */
  clientIp: string;
  /** Absolute expiry, epoch ms (request time + lifetime). */
  deadline: number;
}

// Inputs and outputs of the injected actors.
export interface PrimaryAuthInput {
  username: string;
  password: string | undefined;
  requestAttributes: WireAttribute[];
  server: string;
}
export interface DuoPreauthInput {
  user: string;
  ipaddr: string;
  failmode: Failmode;
}
export interface DuoAuthInput {
  user: string;
  factor: string;
  ipaddr: string;
}
export type PrimaryAuthOutput = PrimaryAuthResult;
export type DuoPreauthOutput = DuoOutcome<PreauthResult>;
export type DuoAuthOutput = DuoOutcome<AuthResult>;
export type { LoginReply };

/** Secrets live here only between receipt and the call that needs them; never persisted (see login.ts). */
export interface LoginSecrets {
  /** The whole User-Password (auto, challenge) or concat's password part. */
  password?: string;
  /** auto: the part before the factor, for the first primary attempt. */
  passwordPart?: string;
  /** The `auto=` value for /auth: a factor name or a passcode. */
  factor?: string;
  /** The User-Password of a challenge answer, until screened. */
  answer?: string;
}

/** The machine's context. Persisted while `awaiting`, when `secret` is empty. */
export interface LoginContext {
  loginId: string;
  server: string;
  mode: LoginMode;
  options: LoginOptions;
  /** Clock reading of the request being handled (input.now, then ANSWER/RESUME `now`). */
  now: number;
  username: string | undefined;
  /** Source address of the request being handled. */
  clientIp: string;
  clientIpAttrValue: string | undefined;
  passwordUndecodable: boolean;
  shape: { eap: boolean; mschapCpw: boolean; mschap2: boolean };
  /** For the primary client only; emptied once primary auth is over. */
  requestAttributes: WireAttribute[];
  secret: LoginSecrets;
  primaryResult?: PrimaryAuthResult;
  /** Attributes of the successful primary auth, carried to accepts (§5.2). */
  primaryAttributes: WireAttribute[];
  preauth?: DuoPreauthOutput;
  auth?: DuoAuthOutput;
  challenge?: ChallengeSession;
  /** The reply to send: the challenge while `awaiting`, the final answer when done. */
  reply?: LoginReply;
  /** Why `reply` is what it is (login-reasons.ts), and that in words; set with every reply. */
  reason?: LoginReason;
  reasonText?: string;
  /** The factor of the last /auth, as factorLabel() names it (never a passcode). */
  factor?: string;
  /** Epoch ms of the login's first request, and how many requests it has had (1 + challenge answers). */
  startedAt: number;
  rounds: number;
}
