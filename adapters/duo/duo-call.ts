// One Duo call: sign, send, back off on 429, read the envelope. Shared by both dialects, which only
// decide the path, the parameters and the signature version.
import type { DuoError } from '../../machines/contracts.ts';
import { backoffDelayMs, parseRetryAfter } from './backoff.ts';
import { type Envelope, numericCode, readEnvelope } from './envelope.ts';
import { type DuoCall, networkError, rateLimitedError, timeoutError } from './errors.ts';
import { encodeParams, type SignOptions, type SigVersion, sign } from './signature.ts';
import type { HttpRequest, HttpResult, Transport } from './transport.ts';
import type { DuoLogger } from './types.ts';

/** Twisted's default connect timeout, which Duo's proxy keeps when api_timeout is 0. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

export interface CallContext {
  transport: Transport;
  ikey: string;
  skey: string;
  apiHost: string;
  /** For log lines only: `https://host:port`. */
  origin: string;
  userAgent: string;
  apiTimeoutMs: number;
  /** Bound on one call when apiTimeoutMs is 0; Infinity (the default) for none. */
  requestTimeoutMs: number;
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
  logger?: DuoLogger;
  /** Added to now() when dating a v2/v5 request; learnt from /auth/v2/ping after a 40105. */
  clockOffsetMs: number;
}

export interface DuoRequest {
  call: DuoCall;
  method: 'GET' | 'POST';
  path: string;
  /** Unsigned (only /auth/v2/ping). */
  unsigned?: boolean;
  version: SigVersion;
  digest?: 'sha1' | 'sha512';
  /** v1/v2: form body (POST) or query (GET). v5: query of a GET; a POST sends them as a JSON body. */
  params: Record<string, string>;
  /** The parameters as they may be logged (passcodes masked). */
  logParams: Record<string, string>;
}

export type CallResult = { ok: true; envelope: Envelope; status: number } | { ok: false; error: DuoError };

/** Absolute time (ctx.now() based) after which the call is over: api_timeout, or none. */
export function callDeadline(ctx: CallContext): number | undefined {
  return ctx.apiTimeoutMs > 0 ? ctx.now() + ctx.apiTimeoutMs : undefined;
}

function buildHeaders(ctx: CallContext, r: DuoRequest): { path: string; headers: Record<string, string>; body?: string } {
  if (r.unsigned) return { path: withQuery(r.path, r.params), headers: { 'User-Agent': ctx.userAgent } };
  const json = r.version >= 4 && r.method === 'POST';
  // Keys sorted, compact: the bytes Duo's Python client would send (any JSON works; v5 hashes what is sent).
  const body = json ? JSON.stringify(Object.fromEntries(Object.entries(r.params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))) : undefined;
  const opts: SignOptions = {
    version: r.version,
    method: r.method,
    host: ctx.apiHost,
    path: r.path,
    // A JSON POST signs its body; its (empty) query is the parameter line.
    params: body !== undefined ? {} : r.params,
    ikey: ctx.ikey,
    skey: ctx.skey,
    date: ctx.now() + ctx.clockOffsetMs,
  };
  if (body !== undefined) opts.body = body;
  if (r.digest) opts.digest = r.digest;
  const signed = sign(opts);
  // User-Agent first, then the signed headers, in the order sign() made them.
  const headers: Record<string, string> = { 'User-Agent': ctx.userAgent };
  Object.assign(headers, signed.headers);
  if (r.method === 'GET') return { path: withQuery(r.path, r.params), headers };
  const sent = typeof signed.body === 'string' ? signed.body : signed.body ? Buffer.from(signed.body).toString('utf8') : '';
  return { path: r.path, headers, body: sent };
}

function withQuery(path: string, params: Record<string, string>): string {
  const q = encodeParams(params);
  return q ? `${path}?${q}` : path;
}

function header(res: Extract<HttpResult, { ok: true }>, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Runs one call to completion. `deadline` (ctx.now() based) bounds it, 429 waits included; the
 * caller's signal bounds it too. Never throws.
 *
 * A chain of promises rather than an async loop: an /auth waits here while the user looks at the push,
 * and a suspended async function would hold its frame (the signed headers and body among it), ~0.5 KiB
 * per waiting login.
 */
export function duoCall(ctx: CallContext, r: DuoRequest, signal?: AbortSignal, deadline = callDeadline(ctx)): Promise<CallResult> {
  ctx.logger?.debug({ call: r.call, params: r.logParams }, `http ${r.method} to ${ctx.origin}${r.path}`);
  return attempt(ctx, r, signal, deadline, 0);
}

function attempt(ctx: CallContext, r: DuoRequest, signal: AbortSignal | undefined, deadline: number | undefined, retry: number): Promise<CallResult> {
  let sent: Promise<HttpResult>;
  try {
    const left = deadline === undefined ? undefined : deadline - ctx.now();
    if (left !== undefined && left <= 0) return Promise.resolve(fail(timeoutError(r.call, 'the time allowed for this Duo call ran out')));
    const { path, headers, body } = buildHeaders(ctx, r);
    // Optional fields set one by one rather than spread in: this runs twice per login.
    const req: HttpRequest = {
      method: r.method,
      path,
      headers,
      connectTimeoutMs: ctx.apiTimeoutMs > 0 && left !== undefined ? left : Math.min(left ?? Number.POSITIVE_INFINITY, DEFAULT_CONNECT_TIMEOUT_MS),
      budgetMs: left ?? ctx.requestTimeoutMs,
      retryOnStaleSocket: r.method === 'GET' || r.path.endsWith('/preauth'),
    };
    if (body !== undefined) req.body = body;
    if (signal) req.signal = signal;
    sent = ctx.transport.request(req);
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
  return sent.then((res) => answered(ctx, r, signal, deadline, retry, res));
}

async function answered(
  ctx: CallContext,
  r: DuoRequest,
  signal: AbortSignal | undefined,
  deadline: number | undefined,
  retry: number,
  res: HttpResult,
): Promise<CallResult> {
  if (!res.ok) {
    const err = res.kind === 'timeout' ? timeoutError(r.call, res.message) : networkError(r.call, res.message);
    return fail(err);
  }
  if (res.status !== 429) return { ok: true, envelope: readEnvelope(res.status, res.body), status: res.status };

  const code = bodyCode(res.body);
  const retryAfter = parseRetryAfter(header(res, 'retry-after') ?? header(res, 'x-retry-after'), ctx.now() + ctx.clockOffsetMs);
  const wait = backoffDelayMs(retry, ctx.random, retryAfter);
  const attempts = retry + 1;
  if (wait === undefined) return fail(rateLimitedError(attempts, code));
  if (deadline !== undefined && ctx.now() + wait > deadline) return fail(rateLimitedError(attempts, code));
  ctx.logger?.debug({ call: r.call, waitMs: wait, attempt: attempts }, 'Duo answered 429; backing off');
  await ctx.sleep(wait, signal);
  if (signal?.aborted) return fail(rateLimitedError(attempts, code));
  return attempt(ctx, r, signal, deadline, retry + 1);
}

function bodyCode(body: string): number | undefined {
  try {
    const data: unknown = JSON.parse(body);
    return typeof data === 'object' && data !== null ? numericCode((data as Record<string, unknown>)['code']) : undefined;
  } catch {
    return undefined;
  }
}

// Failures are logged once, by the client, when the call's outcome is known.
function fail(error: DuoError): CallResult {
  return { ok: false, error };
}

/** The envelope of a call, or its transport error in the same shape. */
export function envelopeOf(res: CallResult): Envelope {
  return res.ok ? res.envelope : res;
}
