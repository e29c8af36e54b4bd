// createDuoClient: the engine's DuoApi for one integration (ikey/skey/api_host), in the dialect the
// section asks for, over one keep-alive connection pool. Every call resolves to a DuoOutcome: it
// never throws and never rejects, an aborted signal included (that is a 'timeout' outcome, whose
// failOpen follows the call: fail-open on preauth, fail-closed on auth).
import { setTimeout as delay } from 'node:timers/promises';
import type { AuthRequest, AuthResult, DuoOutcome, PreauthRequest, PreauthResult } from '../../machines/contracts.ts';
import { createAuthV2 } from './auth-v2.ts';
import { check, ping } from './connectivity.ts';
import { type CallContext, DEFAULT_CONNECT_TIMEOUT_MS } from './duo-call.ts';
import { duoCallSyncingClock } from './clock-sync.ts';
import { createRestV1 } from './rest-v1.ts';
import { createTransport, type Transport } from './transport.ts';
import type { DuoClient, DuoClientOptions, DuoLogger } from './types.ts';

export const DEFAULT_DEVICE_CACHE_MS = 300_000;
export const DEFAULT_MIN_POLL_INTERVAL_MS = 1000;

/** Resolves after ms, or at once when the signal aborts; never rejects. */
async function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, signal ? { signal } : undefined);
  } catch {
    // aborted: the caller looks at signal.aborted
  }
}

function logOutcome<T>(logger: DuoLogger | undefined, call: string, out: DuoOutcome<T>): DuoOutcome<T> {
  if (!out.ok && logger) {
    const { kind, failOpen, httpStatus, code } = out.error;
    logger.warn({ call, kind, failOpen, httpStatus, code }, `Duo ${call} failed: ${out.error.message}`);
  }
  return out;
}

export function createDuoClient(opts: DuoClientOptions): DuoClient {
  const scheme = opts.scheme ?? 'https';
  const apiTimeoutMs = Math.max(0, (opts.apiTimeoutSec ?? 0) * 1000);
  const transport = createTransport({
    scheme,
    host: opts.apiHost,
    port: opts.apiPort ?? 443,
    ...(opts.caFile !== undefined ? { caFile: opts.caFile } : {}),
    ...(opts.httpProxy ? { httpProxy: opts.httpProxy } : {}),
    userAgent: opts.userAgent,
    connectTimeoutMs: apiTimeoutMs > 0 ? apiTimeoutMs : DEFAULT_CONNECT_TIMEOUT_MS,
  });
  return clientOver(transport, opts);
}

/** The client over any Transport (unit tests pass a scripted one). */
export function clientOver(transport: Transport, opts: DuoClientOptions): DuoClient {
  const scheme = opts.scheme ?? 'https';
  const port = opts.apiPort ?? 443;
  const apiTimeoutMs = Math.max(0, (opts.apiTimeoutSec ?? 0) * 1000);
  const ctx: CallContext = {
    transport,
    ikey: opts.ikey,
    skey: opts.skey,
    apiHost: opts.apiHost,
    origin: `${scheme}://${opts.apiHost}:${port}`,
    userAgent: opts.userAgent,
    apiTimeoutMs,
    // No hidden default (issue 15 §4): api_timeout = 0 means no per-request limit, as documented.
    requestTimeoutMs: opts.requestTimeoutMs ?? Number.POSITIVE_INFINITY,
    now: opts.now ?? Date.now,
    sleep: opts.sleep ?? defaultSleep,
    random: opts.random ?? Math.random,
    clockOffsetMs: 0,
    ...(opts.logger ? { logger: opts.logger } : {}),
  };
  const dialect = opts.dialect ?? 'rest_v1';
  const api =
    dialect === 'auth_v2'
      ? createAuthV2(ctx, {
          deviceCacheMs: opts.deviceCacheMs ?? DEFAULT_DEVICE_CACHE_MS,
          minPollIntervalMs: opts.minPollIntervalMs ?? DEFAULT_MIN_POLL_INTERVAL_MS,
        })
      : createRestV1(ctx);
  const log = opts.logger;
  const loggedPreauth = (out: DuoOutcome<PreauthResult>) => logOutcome(log, 'preauth', out);
  const loggedAuth = (out: DuoOutcome<AuthResult>) => logOutcome(log, 'auth', out);

  // preauth and auth return the dialect's promise, chained: no suspended frame of their own while a push
  // waits. The dialects never throw.
  return {
    preauth(req: PreauthRequest, signal?: AbortSignal) {
      return api.preauth(req, signal).then(loggedPreauth);
    },
    auth(req: AuthRequest, signal?: AbortSignal) {
      return api.auth(req, signal).then(loggedAuth);
    },
    async check(signal?: AbortSignal) {
      return logOutcome(log, 'check', await check(ctx, dialect === 'auth_v2' ? 5 : 2, duoCallSyncingClock, signal));
    },
    async ping(signal?: AbortSignal) {
      return logOutcome(log, 'ping', await ping(ctx, signal));
    },
    close() {
      transport.close();
    },
  };
}
