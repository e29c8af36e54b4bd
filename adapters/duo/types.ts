// Options and the public face of the Duo API client. The client implements the engine's DuoApi
// (machines/contracts.ts) in two dialects, plus the connectivity calls (check, ping).
import type { DuoApi, DuoOutcome } from '../../machines/contracts.ts';

export const DuoDialect = { RestV1: 'rest_v1', AuthV2: 'auth_v2' } as const;
export type DuoDialect = (typeof DuoDialect)[keyof typeof DuoDialect];

/** pino-compatible: a pino Logger (or a child) fits as is. */
export interface DuoLogger {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface DuoClientOptions {
  /** `rest_v1` (default): Duo's proxy API as Duo's own proxy calls it. `auth_v2`: the documented Auth API. */
  dialect?: DuoDialect;
  ikey: string;
  skey: string;
  apiHost: string;
  /** Default 443. */
  apiPort?: number;
  /** Absolute path of a PEM bundle ([main] http_ca_certs_file). Absent: Node's default roots. */
  caFile?: string;
  /** [main] http_proxy_host / http_proxy_port: HTTPS is tunnelled through CONNECT. */
  httpProxy?: { host: string; port: number };
  /** The section's api_timeout in seconds; 0 means no per-request limit (the connect phase keeps Duo's
   *  30 s; the caller's signal, i.e. login_timeout, ends the call). */
  apiTimeoutSec?: number;
  /** Bound on one Duo call when apiTimeoutSec is 0, for tests; default none (api_timeout = 0 means none). */
  requestTimeoutMs?: number;
  userAgent: string;
  logger?: DuoLogger;
  /** 'http' only for tests against a plain mock. Default 'https'. */
  scheme?: 'https' | 'http';
  /** Injectable clock and sleep (backoff, auth_status pacing, v2 dates). */
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Random source in [0,1) for the 429 jitter. */
  random?: () => number;
  /** auth_v2: how long a preauth device list is reused to resolve `push2`-style factors. Default 300 000 (a challenge's life). */
  deviceCacheMs?: number;
  /** auth_v2: least time between the starts of auth_status polls once two in a row answered `waiting` at once
   *  (a server that does not long-poll). Default 1000. */
  minPollIntervalMs?: number;
}

export interface DuoPing {
  /** Duo's clock, unix seconds. */
  time: number;
  /** Duo's clock minus ours, in seconds (the connectivity tool's drift check). */
  offsetSec: number;
  latencyMs: number;
}

export interface DuoCheck {
  time: number;
}

export interface DuoClient extends DuoApi {
  /** Signed GET /auth/v2/check: are the ikey/skey valid? */
  check(signal?: AbortSignal): Promise<DuoOutcome<DuoCheck>>;
  /** Unsigned GET /auth/v2/ping. */
  ping(signal?: AbortSignal): Promise<DuoOutcome<DuoPing>>;
  /** Closes the keep-alive connections. Calls made afterwards open new ones. */
  close(): void;
}
