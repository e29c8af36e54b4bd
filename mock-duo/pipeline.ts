// The path every Duo API request takes through the mock: read it, apply faults, check the signature
// strictly (Duo's codes on failure), run the endpoint, and write the journal.
import type { SigVersion } from '../adapters/duo/signature.ts';
import type { Clock } from './clock.ts';
import type { CoreRequest, CoreResponse } from './exchange.ts';
import { type FaultEffect, type FaultStore, NO_FAULT } from './faults.ts';
import type { Api, Integration } from './fixture.ts';
import type { Journal, JournalEntry } from './journal.ts';
import { type DuoRequest, readRequest } from './request.ts';
import { Fails, type Reply, toCoreResponse } from './respond.ts';
import type { MockState } from './state.ts';
import { settleDue } from './transactions.ts';
import { verifyRequest } from './verify.ts';

export interface MockContext {
  /** Replaced as a whole by reset(); always read it through the context. */
  state: MockState;
  clock: Clock;
  faults: FaultStore;
  journal: Journal;
  /** Duo API requests being answered right now (most of them waiting on a push, a call or a long-poll). */
  inFlight: number;
}

export interface Call {
  req: DuoRequest;
  /** The verified integration (signed routes only). */
  integration?: Integration;
  /** The mock's time for this request, clock skew included. */
  now: number;
}

export interface Route {
  methods: readonly string[];
  signed: boolean;
  /** Resolves with the reply, or undefined when the client went away first. */
  run(ctx: MockContext, call: Call): Promise<Reply | undefined>;
}

const VERSIONS: Record<Api, readonly SigVersion[]> = { rest_v1: [1], auth_v2: [2, 4, 5] };

const MALFORMED_JSON = '{"stat": "OK", "response": {"result": "al';

function waitForAbort(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    // Without a signal nobody can give up: a hung request then hangs for good, as it would on a socket.
    if (signal === undefined) return;
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

function terminalReply(terminal: NonNullable<FaultEffect['terminal']>): Reply | undefined {
  if (terminal.kind === 'malformed_json')
    return { status: 200, bytes: { data: Buffer.from(MALFORMED_JSON), contentType: 'application/json' } };
  if (terminal.kind !== 'http') return undefined;
  const headers: Record<string, string> = {};
  if (terminal.retryAfter !== undefined) headers['Retry-After'] = String(terminal.retryAfter);
  if (terminal.body === undefined && terminal.status === 429) return { ...Fails.tooMany(), headers };
  const body = terminal.body ?? defaultStatusText(terminal.status);
  return { status: terminal.status, bytes: { data: Buffer.from(body), contentType: terminal.contentType ?? 'text/plain' }, headers };
}

function defaultStatusText(status: number): string {
  const texts: Record<number, string> = { 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' };
  return texts[status] ?? `HTTP ${status}`;
}

/** Check the signature and the integration; a refusal reply, or the integration. */
function authenticate(ctx: MockContext, api: Api, req: DuoRequest, now: number): { reply: Reply; refused: string } | { integration: Integration; version: SigVersion } {
  const state = ctx.state;
  const r = verifyRequest(req, { versions: VERSIONS[api], keys: state.keys, now, windowMs: state.fixture.signature_window_s * 1000 });
  if (!r.ok) {
    const reply = {
      'missing-credentials': Fails.missingCredentials,
      'malformed-credentials': Fails.badSignature,
      'unknown-ikey': Fails.badIkey,
      'bad-date': Fails.badTimestamp,
      'bad-signature': Fails.badSignature,
    }[r.reason]();
    return { reply, refused: r.reason };
  }
  const integration = state.integrations.get(r.ikey)!;
  // The host a client signs is the API hostname it was configured with (reference §1.6).
  if (integration.api_host !== undefined && integration.api_host.toLowerCase() !== req.host) return { reply: Fails.badSignature(), refused: 'host-mismatch' };
  if (!integration.apis.includes(api)) return { reply: Fails.wrongType(), refused: 'wrong-integration-type' };
  return { integration, version: r.version };
}

const GONE: CoreResponse = Object.freeze({ kind: 'gone' });
const RESET: CoreResponse = Object.freeze({ kind: 'reset' });

/** Journal the answer and turn it into what goes on the wire (`reset`: a fault's connection reset).
 *  A module function, not a closure per request. */
function finish(ctx: MockContext, entry: JournalEntry, reply: Reply | undefined, reset = false): CoreResponse {
  if (reply !== undefined) {
    entry.status = reply.status;
    if (reply.result !== undefined) entry.result = reply.result;
    if (reply.statusText !== undefined) entry.statusText = reply.statusText;
    if (reply.code !== undefined) entry.code = reply.code;
  }
  entry.durationMs = ctx.clock.now() - entry.at;
  ctx.journal.record(entry);
  return reply ? toCoreResponse(reply) : reset ? RESET : GONE;
}

/** Handle one request to `/rest/v1/*` or `/auth/v2/*`. */
export async function dispatch(ctx: MockContext, api: Api, routes: Readonly<Record<string, Route>>, core: CoreRequest): Promise<CoreResponse> {
  ctx.inFlight++;
  try {
    const started = ctx.clock.now();
    const req = readRequest(core);
    const user = req.params['user'] ?? req.params['username'];
    const entry: JournalEntry = {
      seq: 0,
      at: started,
      method: req.method,
      path: req.path,
      api,
      ...(req.claimedIkey !== undefined ? { ikey: req.claimedIkey } : {}),
      ...(user !== undefined ? { user } : {}),
      params: req.params,
      status: 0,
      durationMs: 0,
    };

    const effect = ctx.faults.isEmpty ? NO_FAULT : ctx.faults.apply({ path: req.path, method: req.method, user, ikey: req.claimedIkey });
    if (effect.ids.length > 0) entry.faults = effect.ids;
    if (effect.latencyMs > 0) {
      await ctx.clock.sleep(effect.latencyMs, req.signal);
      // Only a wait gives the client time to leave (reading the signal before would cost every request one).
      if (!effect.terminal && req.signal?.aborted) return finish(ctx, entry, undefined);
    }
    if (effect.terminal) {
      if (effect.terminal.kind === 'hang') {
        await waitForAbort(req.signal);
        return finish(ctx, entry, undefined);
      }
      return finish(ctx, entry, terminalReply(effect.terminal), effect.terminal.kind === 'reset');
    }

    const name = req.path.slice(req.path.lastIndexOf('/') + 1);
    const route = Object.hasOwn(routes, name) ? routes[name] : undefined;
    if (!route) return finish(ctx, entry, Fails.notFound());
    if (!route.methods.includes(req.method)) return finish(ctx, entry, Fails.badMethod());
    const now = ctx.clock.now() + effect.skewMs;
    let integration: Integration | undefined;
    if (route.signed) {
      const auth = authenticate(ctx, api, req, now);
      if ('reply' in auth) {
        entry.refused = auth.refused;
        return finish(ctx, entry, auth.reply);
      }
      integration = auth.integration;
      entry.sigVersion = auth.version;
    }
    if (req.badJson) return finish(ctx, entry, Fails.invalidParams('body is not a JSON object'));
    settleDue(ctx.state, ctx.clock.now());
    return finish(ctx, entry, await route.run(ctx, integration !== undefined ? { req, now, integration } : { req, now }));
  } finally {
    ctx.inFlight--;
  }
}
