// Dated signatures (v2/v5) fail with 401 40105 "Bad request timestamp" when our clock is off. Like
// duo_unix, learn Duo's time from the unsigned /auth/v2/ping and sign with that offset; here only
// after Duo has refused a date, then the call is sent once more. (rest_v1 signs no date at all.)
import { ping } from './connectivity.ts';
import { type CallContext, type CallResult, callDeadline, type DuoRequest, duoCall } from './duo-call.ts';

const BAD_TIMESTAMP = 40105;

function refusedDate(res: CallResult): boolean {
  return res.ok && !res.envelope.ok && res.envelope.error.code === BAD_TIMESTAMP;
}

export async function duoCallSyncingClock(
  ctx: CallContext,
  r: DuoRequest,
  signal?: AbortSignal,
  deadline = callDeadline(ctx),
): Promise<CallResult> {
  const res = await duoCall(ctx, r, signal, deadline);
  if (!refusedDate(res)) return res;
  const p = await ping(ctx, signal);
  if (!p.ok) return res;
  const offsetMs = Math.round(p.value.offsetSec * 1000);
  ctx.logger?.warn({ offsetSec: Math.round(p.value.offsetSec) }, 'Duo refused our request date; signing with the clock offset /ping reports');
  ctx.clockOffsetMs = offsetMs;
  return duoCall(ctx, r, signal, deadline);
}
