// The path every Duo API request takes through the mock: read it, apply faults, check the signature
// strictly (Duo's codes on failure), run the endpoint, and write the journal.
import { HttpResponse } from 'msw';
import { type SigVersion, verify } from '../adapters/duo/signature.ts';
import type { Clock } from './clock.ts';
import type { FaultEffect, FaultStore } from './faults.ts';
import type { Api, Integration } from './fixture.ts';
import type { Journal, JournalEntry } from './journal.ts';
import { type DuoRequest, readRequest } from './request.ts';
import { Fails, type Reply, toResponse } from './respond.ts';
import type { MockState } from './state.ts';
import { settleDue } from './transactions.ts';

export interface MockContext {
  /** Replaced as a whole by reset(); always read it through the context. */
  state: MockState;
  clock: Clock;
  faults: FaultStore;
  journal: Journal;
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

function waitForAbort(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
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
  const r = verify(
    { method: req.method, host: req.host, path: req.path, query: req.query, form: req.form, body: req.raw, headers: req.headers },
    { versions: VERSIONS[api], skeyFor: (k) => state.integrations.get(k)?.skey, now, windowMs: state.fixture.signature_window_s * 1000 },
  );
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

/** Handle one request to `/rest/v1/*` or `/auth/v2/*`. */
export async function dispatch(ctx: MockContext, api: Api, routes: Readonly<Record<string, Route>>, request: Request): Promise<Response> {
  const started = ctx.clock.now();
  const req = await readRequest(request);
  const user = req.params['user'] ?? req.params['username'];
  const entry: Omit<JournalEntry, 'seq'> = {
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
  const finish = (reply: Reply | undefined, extra: Partial<JournalEntry> = {}): Response => {
    ctx.journal.add({
      ...entry,
      ...extra,
      status: reply?.status ?? 0,
      ...(reply?.result !== undefined ? { result: reply.result } : {}),
      ...(reply?.statusText !== undefined ? { statusText: reply.statusText } : {}),
      ...(reply?.code !== undefined ? { code: reply.code } : {}),
      durationMs: ctx.clock.now() - started,
    });
    return reply ? toResponse(reply) : HttpResponse.error();
  };

  const effect = ctx.faults.apply({ path: req.path, method: req.method, ...(user !== undefined ? { user } : {}), ...(req.claimedIkey !== undefined ? { ikey: req.claimedIkey } : {}) });
  const faultInfo = effect.ids.length > 0 ? { faults: effect.ids } : {};
  if (effect.latencyMs > 0) await ctx.clock.sleep(effect.latencyMs, req.signal);
  if (effect.terminal) {
    if (effect.terminal.kind === 'hang') await waitForAbort(req.signal);
    return finish(terminalReply(effect.terminal), faultInfo);
  }
  if (req.signal.aborted) return finish(undefined, faultInfo);

  const name = req.path.slice(req.path.lastIndexOf('/') + 1);
  const route = Object.hasOwn(routes, name) ? routes[name] : undefined;
  if (!route) return finish(Fails.notFound(), faultInfo);
  if (!route.methods.includes(req.method)) return finish(Fails.badMethod(), faultInfo);
  const now = ctx.clock.now() + effect.skewMs;
  let call: Call = { req, now };
  let sigVersion: SigVersion | undefined;
  if (route.signed) {
    const auth = authenticate(ctx, api, req, now);
    if ('reply' in auth) return finish(auth.reply, { ...faultInfo, refused: auth.refused });
    call = { req, now, integration: auth.integration };
    sigVersion = auth.version;
  }
  const verified = { ...faultInfo, ...(sigVersion !== undefined ? { sigVersion } : {}) };
  if (req.badJson) return finish(Fails.invalidParams('body is not a JSON object'), verified);
  settleDue(ctx.state, ctx.clock.now());
  return finish(await route.run(ctx, call), verified);
}
