// /auth/v2/ping and /auth/v2/check, which Duo's connectivity tool calls for every kind of
// integration (reference §16.4): ping is unsigned; check proves the ikey/skey. Duo's tool signs check
// with duo_client's default (v2, HMAC-SHA1); the auth_v2 dialect signs it v5 like its other calls.
import type { DuoOutcome } from '../../machines/contracts.ts';
import { type CallContext, type CallResult, type DuoRequest, duoCall, envelopeOf } from './duo-call.ts';
import { malformedError } from './errors.ts';
import type { DuoCheck, DuoPing } from './types.ts';

function readTime(r: Record<string, unknown>): number | undefined {
  const t = r['time'];
  return typeof t === 'number' && Number.isFinite(t) ? t : undefined;
}

export async function ping(ctx: CallContext, signal?: AbortSignal): Promise<DuoOutcome<DuoPing>> {
  const sent = ctx.now();
  const res = await duoCall(
    ctx,
    { call: 'ping', method: 'GET', path: '/auth/v2/ping', unsigned: true, version: 2, params: {}, logParams: {} },
    signal,
  );
  const latencyMs = ctx.now() - sent;
  const env = envelopeOf(res);
  if (!env.ok) return env;
  const time = readTime(env.response);
  if (time === undefined) return { ok: false, error: malformedError("Malformed API Response - invalid or missing 'time'") };
  // Duo's clock read halfway through the round trip.
  const offsetSec = time - (sent + latencyMs / 2) / 1000;
  return { ok: true, value: { time, offsetSec, latencyMs } };
}

/** `send` is duoCall, or a wrapper of it (clock-sync retries a refused date; passed in to avoid an import cycle). */
export async function check(
  ctx: CallContext,
  version: 2 | 5,
  send: (ctx: CallContext, r: DuoRequest, signal?: AbortSignal) => Promise<CallResult>,
  signal?: AbortSignal,
): Promise<DuoOutcome<DuoCheck>> {
  const res = await send(
    ctx,
    { call: 'check', method: 'GET', path: '/auth/v2/check', version, digest: 'sha1', params: {}, logParams: {} },
    signal,
  );
  const env = envelopeOf(res);
  if (!env.ok) return env;
  const time = readTime(env.response);
  if (time === undefined) return { ok: false, error: malformedError("Malformed API Response - invalid or missing 'time'") };
  return { ok: true, value: { time } };
}
