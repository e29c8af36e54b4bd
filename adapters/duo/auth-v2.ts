// The auth_v2 dialect (`duo_api = auth_v2`): the documented Auth API v2, signature v5, JSON bodies,
// mapped to the same typed results as rest_v1 (duo-auth-api.md §2.7-2.9).
//   preauth: POST /auth/v2/preauth {username, ipaddr}; `prompt`/`factors` built from devices[].
//   auth:    a passcode (or sms) is one synchronous POST /auth/v2/auth; push, phone and auto use
//            async=1 and long-poll GET /auth/v2/auth_status, so a push wait is never one long request.
// The whole auth (its polls included) is bounded like one rest_v1 /auth: by api_timeout, else by
// requestTimeoutMs (none by default), and always by the caller's signal (login_timeout).
import type { AuthRequest, AuthResult, DuoApi, DuoError, DuoOutcome, PreauthRequest, PreauthResult } from '../../machines/contracts.ts';
import { duoCallSyncingClock } from './clock-sync.ts';
import { createDeviceCache, nthPhone } from './device-cache.ts';
import type { DuoDevice } from './device-prompt.ts';
import { type CallContext, type DuoRequest, envelopeOf } from './duo-call.ts';
import type { Envelope } from './envelope.ts';
import { type DuoCall, factorTooLongError, malformedError, timeoutError } from './errors.ts';
import { factorTooLong, loggableFactor, parseFactorName } from './factor-name.ts';
import { type PreauthV2, readAuthStep, readTxid, validatePreauthV2 } from './validate-v2.ts';

export interface AuthV2Options {
  deviceCacheMs: number;
  minPollIntervalMs: number;
}

/** What one engine factor string becomes in the Auth API. */
type Plan =
  | { factor: 'passcode'; passcode: string }
  | { factor: 'auto' | 'push' | 'phone' | 'sms'; device: string };

const MASK = 'xxxxxxxx';

export function createAuthV2(ctx: CallContext, o: AuthV2Options): DuoApi {
  const devices = createDeviceCache(o.deviceCacheMs, ctx.now);

  // Chained, not async: each auth_status long-poll waits here while the user looks at the push.
  function call(
    r: Omit<DuoRequest, 'version' | 'logParams'> & { logParams?: Record<string, string> },
    signal: AbortSignal | undefined,
    deadline: number | undefined,
  ): Promise<Envelope> {
    const req: DuoRequest = { ...r, version: 5, logParams: r.logParams ?? r.params };
    return duoCallSyncingClock(ctx, req, signal, deadline).then(envelopeOf);
  }

  async function preauthFor(user: string, ipaddr: string, as: DuoCall, signal?: AbortSignal, deadline?: number): Promise<PreauthV2> {
    const env = await call(
      { call: as, method: 'POST', path: '/auth/v2/preauth', params: { username: user, ipaddr } },
      signal,
      deadline,
    );
    if (!env.ok) return { outcome: env };
    const pre = validatePreauthV2(user, env.response);
    if (pre.devices) devices.put(user, pre.devices);
    return pre;
  }

  /** Resolve `push2` to the second phone's id, from the cache or a fresh preauth. */
  async function plan(req: AuthRequest, signal: AbortSignal | undefined, deadline: number): Promise<Plan | { error: DuoError }> {
    const name = parseFactorName(req.factor);
    if (!name) return { factor: 'passcode', passcode: req.factor };
    if (name.kind === 'auto' || name.device === undefined) return { factor: name.kind, device: 'auto' };
    let list: DuoDevice[] | undefined = devices.get(req.user);
    if (!list) {
      const pre = await preauthFor(req.user, req.ipaddr, 'auth', signal, deadline);
      if (!pre.outcome.ok) return { error: pre.outcome.error };
      // Not an `auth` user any more (allow/deny/enroll): let Duo decide on its own devices.
      if (!pre.devices) return { factor: name.kind, device: 'auto' };
      list = pre.devices;
    }
    const phone = nthPhone(list, name.device);
    // A device number the user does not have reaches Duo as typed, the way the proxy API treats an
    // option it does not know: as a passcode (reference §19 item 8).
    return phone ? { factor: name.kind, device: phone.device } : { factor: 'passcode', passcode: req.factor };
  }

  // auth_status long-polls: Duo answers at once when the status changed since the last poll (the
  // first poll gets `pushed`), else when it changes. So a fast `waiting` is polled again at once; only
  // a second fast one in a row (a server that does not long-poll) is paced to minPollIntervalMs.
  async function poll(txid: string, signal: AbortSignal | undefined, deadline: number): Promise<DuoOutcome<AuthResult>> {
    let previousFast = false;
    for (;;) {
      const started = ctx.now();
      const env = await call({ call: 'auth', method: 'GET', path: '/auth/v2/auth_status', params: { txid } }, signal, deadline);
      if (!env.ok) return env;
      const step = readAuthStep(env.response, true);
      if (step.done) return step.outcome;
      const wait = o.minPollIntervalMs - (ctx.now() - started);
      const fast = wait > 0;
      if (fast && previousFast) await ctx.sleep(Math.min(wait, Math.max(deadline - ctx.now(), 0)), signal);
      previousFast = fast;
      if (signal?.aborted) return { ok: false, error: timeoutError('auth', 'the login deadline passed while Duo was waiting for the user') };
      if (ctx.now() >= deadline) return { ok: false, error: timeoutError('auth', 'Duo was still waiting for the user when the auth time ran out') };
    }
  }

  return {
    async preauth(req: PreauthRequest, signal?: AbortSignal): Promise<DuoOutcome<PreauthResult>> {
      return (await preauthFor(req.user, req.ipaddr, 'preauth', signal)).outcome;
    },

    async auth(req: AuthRequest, signal?: AbortSignal): Promise<DuoOutcome<AuthResult>> {
      if (factorTooLong(req.factor)) return { ok: false, error: factorTooLongError() };
      const deadline = ctx.now() + (ctx.apiTimeoutMs > 0 ? ctx.apiTimeoutMs : ctx.requestTimeoutMs);
      const p = await plan(req, signal, deadline);
      if ('error' in p) return { ok: false, error: p.error };
      const asynchronous = p.factor === 'push' || p.factor === 'phone' || p.factor === 'auto';
      const params: Record<string, string> = { username: req.user, ipaddr: req.ipaddr, factor: p.factor };
      if (p.factor === 'passcode') params['passcode'] = p.passcode;
      else params['device'] = p.device;
      if (asynchronous) params['async'] = '1';
      const logParams = p.factor === 'passcode' ? { ...params, passcode: MASK } : { ...params, requested: loggableFactor(req.factor) };
      const env = await call({ call: 'auth', method: 'POST', path: '/auth/v2/auth', params, logParams }, signal, deadline);
      if (!env.ok) return env;
      if (!asynchronous) {
        const step = readAuthStep(env.response, false);
        return step.done ? step.outcome : { ok: false, error: malformedError("Malformed API Response - invalid or missing 'result'") };
      }
      const txid = readTxid(env.response);
      if (txid !== undefined) return poll(txid, signal, deadline);
      // A Duo that answered synchronously despite async=1 is still an answer.
      const step = readAuthStep(env.response, false);
      return step.done && step.outcome.ok ? step.outcome : { ok: false, error: malformedError("Malformed API Response - invalid or missing 'txid'") };
    },
  };
}
