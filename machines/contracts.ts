// The shapes that cross between the pure login logic (machines/) and the adapters. Adapters import
// these types; machines/ never imports an adapter. Everything here is plain JSON so it can travel over
// the bus (in-process or NATS) and sit in a challenge snapshot.

/** One RADIUS attribute as it travels over the bus: the type number and the raw value, base64.
 *  Vendor-Specific attributes stay whole (type 26, value = vendor id + sub-attributes). */
export interface WireAttribute {
  type: number;
  value: string;
}

export const RadiusCode = {
  AccessRequest: 1,
  AccessAccept: 2,
  AccessReject: 3,
  AccountingRequest: 4,
  AccountingResponse: 5,
  AccessChallenge: 11,
  StatusServer: 12,
} as const;
export type ReplyCode = 2 | 3 | 11;

/** The names the login line and the dashboard give the answers a login sends. */
export const REPLY_CODE_NAMES: Readonly<Record<number, string>> = { [RadiusCode.AccessAccept]: 'Access-Accept', [RadiusCode.AccessReject]: 'Access-Reject', [RadiusCode.AccessChallenge]: 'Access-Challenge' };

/** What a login answers. `drop` means send nothing (the device retransmits or gives up), e.g. an
 *  upstream Access-Challenge to a PAP request (reference §18 fact 44). */
export type LoginReply =
  | { kind: 'drop'; reason: string }
  | {
      kind: 'reply';
      code: ReplyCode;
      replyMessage?: string;
      /** Sent before the Reply-Message (carried from primary auth, State): reference §5.2 steps 1-2. */
      attributes: WireAttribute[];
      /** Sent after the Reply-Message: duo_only's Class, where Duo's proxy adds it (issue 11 §6). */
      afterReplyMessage?: WireAttribute[];
    };

// ---- Duo ------------------------------------------------------------------------------------------

/** Why a Duo call failed, in the classes the failmode rules (reference §7) need. */
export type DuoErrorKind =
  | 'network' //        connection refused/reset, DNS, TLS verification, proxy CONNECT refused
  | 'timeout' //        api_timeout or the login's deadline ran out
  | 'http-5xx' //       5xx, JSON FAIL or not
  | 'malformed' //      stat OK with a bad/missing response, unknown stat, invalid result/factors/prompt
  | 'http-4xx' //       4xx (JSON FAIL or not): bad signature, invalid user...
  | 'invalid-200' //    200 whose body is not JSON or lacks stat
  | 'factor-too-long' // passcode or factor over 2000 characters (checked before sending)
  | 'rate-limited'; //  429 after the backoff gave up (counts as 4xx: fail closed)

export interface DuoError {
  kind: DuoErrorKind;
  /** Decided by the client per call as reference §6.3-6.4 say (network errors on /auth are fail-closed). */
  failOpen: boolean;
  /** For logs; never contains a secret or passcode. */
  message: string;
  httpStatus?: number;
  code?: number;
}

export type DuoOutcome<T> = { ok: true; value: T } | { ok: false; error: DuoError };

export type PreauthResult =
  | { result: 'allow' | 'deny' | 'enroll'; status: string; groups?: string[] }
  | {
      result: 'auth';
      /** Duo's ready-made numbered console prompt. */
      prompt: string;
      /** Option number (and "default") to device factor, e.g. {"default":"push1","1":"push1","2":"phone1"}. */
      factors: Record<string, string>;
      status?: string;
      groups?: string[];
    };

export interface AuthResult {
  result: 'allow' | 'deny';
  status: string;
  /** Duo's transaction id, when the dialect gets one (auth_v2 async); for the login's trace. */
  txid?: string;
}

export interface PreauthRequest {
  user: string;
  ipaddr: string;
  failmode: 'safe' | 'secure';
}
export interface AuthRequest {
  user: string;
  /** The `auto=` value: a factor name (push, push2, phone1, sms1...) or a passcode. */
  factor: string;
  ipaddr: string;
}

/** What the login engine needs from Duo; adapters/duo implements it for both dialects. Never throws
 *  and never rejects: an aborted signal (the login's deadline) is a `timeout` outcome.
 *  The signal of every call here and of PrimaryAuth is the login's one AbortSignal, shared by its calls
 *  in turn (machines/login-calls.ts): an implementation must remove whatever abort listener it added
 *  once its call settles, or a later call's abort would reach a finished one. */
export interface DuoApi {
  preauth(req: PreauthRequest, signal?: AbortSignal): Promise<DuoOutcome<PreauthResult>>;
  auth(req: AuthRequest, signal?: AbortSignal): Promise<DuoOutcome<AuthResult>>;
}

// ---- Primary authentication (ad_client, radius_client, duo_only_client) ----------------------------

export interface PrimaryAuthRequest {
  username: string;
  /** undefined when the request had no User-Password (MS-CHAP etc.). */
  password: string | undefined;
  /** The request's attributes, for pass_through_attr_names / pass_through_all towards an upstream RADIUS. */
  requestAttributes: WireAttribute[];
  /** Section name of the server, for logs and pass-through configuration. */
  server: string;
}

export type PrimaryAuthResult =
  | { ok: true; message: string; attributes: WireAttribute[]; host?: string }
  /** `error`: primary auth could not be done (no server answered, timeout...), as opposed to a refusal. */
  | { ok: false; message: string; attributes: WireAttribute[]; host?: string; error?: boolean }
  /** e.g. upstream Access-Challenge to a PAP request: answer nothing. */
  | { ok: false; drop: true; message: string; attributes: WireAttribute[]; host?: string };
// `host`: which server answered (or was tried last), for the login's trace; optional.

/** Implemented by adapters/ldap (ad_client), adapters/radius client (radius_client) and the
 *  always-succeeding duo_only_client. Never throws: a failure is a result with a message. */
export interface PrimaryAuth {
  authenticate(req: PrimaryAuthRequest, signal?: AbortSignal): Promise<PrimaryAuthResult>;
}

// ---- Events ---------------------------------------------------------------------------------------

/** Published on authproxy.events.<server>.<loginId>; redacted by construction. `kind` absent or
 *  `transition`: one per transition of the login actor. The other kinds (a login's summary, one per
 *  primary or Duo call) and their `detail` are typed in login-events.ts. */
export interface LoginEvent {
  kind?: 'transition' | 'summary' | 'primary' | 'duo';
  loginId: string;
  server: string;
  user: string | undefined;
  clientIp: string;
  state: string;
  event: string;
  at: string;
  detail?: Record<string, unknown>;
}
