// The dashboard's memory: traces built from bus events, bounded by count and age; the sliding window
// counts; the query parser of /api/logins; the SSE frame; the token check.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { cookieOf, isAuthorized, sessionValue } from '../../dashboard/auth.ts';
import { parseLoginQuery } from '../../dashboard/query.ts';
import { frame, SseHub } from '../../dashboard/sse.ts';
import { TraceStore } from '../../dashboard/trace-store.ts';
import { OUTCOMES, TRACE_LIMITS } from '../../dashboard/trace-types.ts';
import { WindowCounts } from '../../dashboard/window-counts.ts';
import type { LoginEvent } from '../../dashboard/trace-events.ts';
import { errorsOf, parse, parseOk, validLines } from '../config/helpers.ts';

const T0 = Date.UTC(2026, 0, 1);
const at = (ms: number) => new Date(T0 + ms).toISOString();
const ev = (loginId: string, ms: number, state: string, event: string, detail: Record<string, unknown> = {}): LoginEvent => ({
  loginId,
  server: 'radius_server_duo_only',
  user: 'alice',
  clientIp: '10.0.0.5',
  state,
  event,
  at: at(ms),
  detail,
});

/** A duo_only push login as the engine publishes it: transitions, one event per Duo call, the summary. */
function pushLogin(id: string, start: number, result: 'allow' | 'deny'): LoginEvent[] {
  const status = result === 'allow' ? 'Success. Logging you in...' : 'Login request denied.';
  return [
    ev(id, start, 'processing.preauth', 'xstate.init', { mode: 'radius_server_duo_only', edges: ['processing.screening>processing.duo', 'processing.duo>processing.preauth/1'] }),
    { ...ev(id, start + 50, 'processing.preauth', 'login.duo', { endpoint: 'preauth', httpStatus: 200, ms: 50, ok: true, result: 'auth', round: 1 }), kind: 'duo' },
    ev(id, start + 50, 'processing.auth', 'xstate.done.actor.duoPreauth', { edges: ['processing.preauth>processing.preauthResult/1'] }),
    { ...ev(id, start + 1550, 'processing.auth', 'login.duo', { endpoint: 'auth', httpStatus: 200, ms: 1500, ok: true, result, status, factor: 'push1', txid: 'tx-1', round: 1 }), kind: 'duo' },
    ev(id, start + 1550, result === 'allow' ? 'accepted' : 'rejected', 'xstate.done.actor.duoAuth', { actorStatus: 'done', code: result === 'allow' ? 2 : 3, replyMessage: status }),
    {
      ...ev(id, start + 1550, result === 'allow' ? 'accepted' : 'rejected', 'login.summary', {
        outcome: result === 'allow' ? 'accept' : 'reject',
        reason: result === 'allow' ? 'duo_allow' : 'duo_deny',
        reasonText: `${result === 'allow' ? 'Accepted: Duo allowed the second factor' : 'Rejected: Duo denied the second factor'}: ${status}`,
        final: true,
        code: result === 'allow' ? 2 : 3,
        replyMessage: status,
        startedAt: at(start),
        ms: 1550,
        rounds: 1,
      }),
      kind: 'summary',
    },
  ];
}

describe('dashboard store – traces from bus events', () => {
  test('dashboard store – a push login: transitions with durations, each Duo call, reply and reason in words', () => {
    let now = T0;
    const store = new TraceStore({ maxFinished: 10, maxAgeMs: 60_000, now: () => now });
    for (const e of pushLogin('a', 0, 'deny')) store.apply(e);
    now = T0 + 2000;
    const t = store.get('a')!;
    assert.equal(t.outcome, 'reject');
    assert.equal(t.reason, 'duo_deny');
    assert.equal(t.reasonText, 'Rejected: Duo denied the second factor: Login request denied.');
    assert.deepEqual(
      t.transitions.map((x) => [x.state, x.event, x.ms]),
      [
        ['processing.preauth', 'request', 50],
        ['processing.auth', 'done duoPreauth', 1500],
        ['rejected', 'done duoAuth', undefined],
      ],
    );
    assert.deepEqual(t.transitions[0]!.via, ['processing.screening', 'processing.duo']);
    assert.deepEqual(
      t.duo.map((d) => [d.endpoint, d.httpStatus, d.result, d.ms, d.factor, d.txid]),
      [
        ['preauth', 200, 'auth', 50, undefined, undefined],
        ['auth', 200, 'deny', 1500, 'push1', 'tx-1'],
      ],
    );
    assert.deepEqual(t.reply, { code: 'Access-Reject', message: 'Login request denied.' });
    assert.equal(t.ms, 1550);
    assert.deepEqual(store.list().map((l) => [l.loginId, l.outcome, l.reason]), [['a', 'reject', 'duo_deny']]);
  });

  test('dashboard store – a challenge login keeps one trace over its rounds: prompt, answer kind, outcome on the way', () => {
    const store = new TraceStore({ maxFinished: 10, maxAgeMs: 60_000, now: () => T0 });
    const prompt = 'Duo two-factor login for alice\n\n 1. Duo Push to XXX-XXX-1234\n\nPasscode or option (1-1): ';
    const summary = (ms: number, d: Record<string, unknown>): LoginEvent => ({ ...ev('c', ms, d.final ? 'accepted' : 'awaiting', 'login.summary', { startedAt: at(0), ms, ...d }), kind: 'summary' });
    store.apply(ev('c', 0, 'processing.primary', 'xstate.init', { edges: ['processing.screening>processing.primary'] }));
    store.apply({ ...ev('c', 30, 'processing.primary', 'login.primary', { client: 'ad_client', host: 'dc1', ms: 30, ok: true, message: 'Active Directory authentication succeeded', round: 1 }), kind: 'primary' });
    store.apply(ev('c', 90, 'awaiting', 'xstate.done.actor.duoPreauth', { challenge: 'factors', replyMessage: prompt, edges: ['processing.preauthResult>processing.secondFactor', 'processing.secondFactor>awaiting'] }));
    store.apply(summary(90, { outcome: 'challenge', reason: 'factor_prompt', reasonText: 'Challenged: Duo factor menu sent', final: false, code: 11, replyMessage: prompt }));
    assert.equal(store.get('c')!.outcome, 'challenge');
    assert.deepEqual(store.list({ outcome: 'challenge' }).map((l) => l.loginId), ['c']);
    // Round 2, maybe on another engine: the restored actor starts in awaiting (no step), then the answer.
    store.apply(ev('c', 5000, 'awaiting', 'xstate.init', {}));
    store.apply(ev('c', 5000, 'processing.auth', 'ANSWER', { edges: ['awaiting>processing.answer', 'processing.answer>processing.auth'] }));
    assert.equal(store.get('c')!.outcome, 'in-flight');
    store.apply({ ...ev('c', 6000, 'processing.auth', 'login.duo', { endpoint: 'auth', httpStatus: 200, ms: 1000, ok: true, result: 'allow', status: 'Success. Logging you in...', factor: 'push1', round: 2 }), kind: 'duo' });
    store.apply(ev('c', 6000, 'accepted', 'xstate.done.actor.duoAuth', { code: 2 }));
    store.apply(summary(6000, { outcome: 'accept', reason: 'duo_allow', reasonText: 'Accepted: Duo allowed the second factor: Success. Logging you in...', final: true, code: 2, replyMessage: 'Success. Logging you in...', rounds: 2 }));
    const t = store.get('c')!;
    assert.equal(t.outcome, 'accept');
    assert.deepEqual(t.primary, { ok: true, client: 'ad_client', host: 'dc1', ms: 30, message: 'Active Directory authentication succeeded' });
    assert.deepEqual(t.rounds, [{ at: at(90), prompt, kind: 'factors', answerKind: 'factor push1' }]);
    assert.deepEqual(t.transitions.map((x) => x.state), ['processing.primary', 'awaiting', 'processing.auth', 'accepted']);
    assert.equal(t.transitions[1]!.ms, 4910, 'the user took 4.9 s to answer');
    assert.equal(t.ms, 6000);
  });

  test('dashboard store – bounded by count and by age, oldest first; in-flight logins capped', () => {
    let now = T0;
    const store = new TraceStore({ maxFinished: 3, maxAgeMs: 10_000, maxInFlight: 2, now: () => now });
    for (let i = 0; i < 5; i++) for (const e of pushLogin(`l${i}`, i * 10, 'allow')) store.apply(e);
    assert.deepEqual(store.list().map((l) => l.loginId), ['l4', 'l3', 'l2']);
    now = T0 + 20_000;
    assert.deepEqual(store.list(), []);
    store.apply(ev('x1', 0, 'processing.preauth', 'xstate.init'));
    store.apply(ev('x2', 0, 'processing.preauth', 'xstate.init'));
    assert.equal(store.apply(ev('x3', 0, 'processing.preauth', 'xstate.init')), undefined);
    assert.equal(store.untracked, 1);
  });

  test('dashboard store – a trace never grows past its caps', () => {
    const store = new TraceStore({ maxFinished: 3, maxAgeMs: 10_000 });
    for (let i = 0; i < 200; i++) store.apply(ev('long', i, i % 2 ? 'awaiting' : 'processing.auth', i % 2 ? 'xstate.done.actor.duoAuth' : 'ANSWER', { replyMessage: 'x'.repeat(2000) }));
    const t = store.get('long')!;
    assert.ok(t.transitions.length <= TRACE_LIMITS.transitions && t.duo.length <= TRACE_LIMITS.duo && t.rounds.length <= TRACE_LIMITS.rounds);
    assert.ok(t.rounds.every((r) => r.prompt.length <= TRACE_LIMITS.text));
    assert.equal(t.truncated, true);
  });

  test('dashboard store – filters: user (any case), client IP, section, outcome', () => {
    const store = new TraceStore({ maxFinished: 10, maxAgeMs: 60_000, now: () => T0 });
    for (const e of pushLogin('a', 0, 'allow')) store.apply(e);
    for (const e of pushLogin('b', 10, 'deny')) store.apply({ ...e, user: 'bob', clientIp: '10.0.0.6' } as LoginEvent);
    assert.deepEqual(store.list({ user: 'ALICE' }).map((l) => l.loginId), ['a']);
    assert.deepEqual(store.list({ clientIp: '10.0.0.6' }).map((l) => l.loginId), ['b']);
    assert.deepEqual(store.list({ outcome: 'reject' }).map((l) => l.loginId), ['b']);
    assert.deepEqual(store.list({ server: 'other' }), []);
    assert.deepEqual(store.list({ limit: 1 }).map((l) => l.loginId), ['b']);
  });
});

describe('dashboard counts – sliding window', () => {
  test('dashboard counts – counts leave the window second by second', () => {
    let now = T0;
    const c = new WindowCounts(10, () => now);
    c.add('s', ['processing.preauth'], ['processing.duo>processing.preauth/1']);
    now += 5000;
    c.add('s', ['processing.preauth', 'accepted'], []);
    assert.deepEqual(c.read().s, { states: { 'processing.preauth': 2, accepted: 1 }, edges: { 'processing.duo>processing.preauth/1': 1 } });
    now += 6000;
    assert.deepEqual(c.read().s, { states: { 'processing.preauth': 1, accepted: 1 }, edges: {} });
    now += 10_000;
    assert.deepEqual(c.read(), {});
  });

  test('dashboard counts – property: the totals are the adds of the last window seconds', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ dt: fc.integer({ min: 0, max: 3000 }), state: fc.constantFrom('a', 'b', 'c') }), { maxLength: 60 }), fc.integer({ min: 1, max: 8 }), (adds, windowS) => {
        let now = T0;
        const c = new WindowCounts(windowS, () => now);
        const log: { t: number; state: string }[] = [];
        for (const a of adds) {
          now += a.dt;
          c.add('s', [a.state], []);
          log.push({ t: now, state: a.state });
        }
        const first = Math.floor(now / 1000) - windowS + 1;
        const expected: Record<string, number> = {};
        for (const l of log) if (Math.floor(l.t / 1000) >= first) expected[l.state] = (expected[l.state] ?? 0) + 1;
        assert.deepEqual(c.read().s?.states ?? {}, expected);
      }),
    );
  });
});

describe('dashboard API input', () => {
  test('dashboard query – accepted values pass, anything else is a 400 that says what is accepted', () => {
    assert.deepEqual(parseLoginQuery(new URLSearchParams('user=alice&outcome=reject&limit=5')), { ok: true, query: { user: 'alice', outcome: 'reject', limit: 5 } });
    assert.deepEqual(parseLoginQuery(new URLSearchParams('user=&outcome=')), { ok: true, query: {} });
    assert.match((parseLoginQuery(new URLSearchParams('limit=0')) as { error: string }).error, /limit must be a whole number from 1 to 1000/);
    assert.match((parseLoginQuery(new URLSearchParams('outcome=ok')) as { error: string }).error, /outcome must be one of/);
    assert.match((parseLoginQuery(new URLSearchParams('usr=alice')) as { error: string }).error, /unknown parameter "usr"/);
  });

  test('dashboard query – property: never throws; ok results hold only known values', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('user', 'clientIp', 'server', 'outcome', 'limit', 'x'), fc.oneof(fc.string(), fc.constantFrom(...OUTCOMES), fc.nat().map(String)))), (pairs) => {
        const r = parseLoginQuery(new URLSearchParams(pairs));
        if (!r.ok) return assert.ok(r.error.length > 0);
        if (r.query.limit !== undefined) assert.ok(r.query.limit >= 1 && r.query.limit <= 1000);
        if (r.query.outcome !== undefined) assert.ok(OUTCOMES.includes(r.query.outcome));
      }),
    );
  });

  test('dashboard sse – property: a frame is one event line and one data line that parses back', () => {
    fc.assert(
      fc.property(fc.constantFrom('update', 'hello', 'resync'), fc.jsonValue(), (event, data) => {
        const lines = frame(event, data).split('\n');
        assert.equal(lines.length, 4);
        assert.equal(lines[0], `event: ${event}`);
        assert.deepEqual(JSON.parse(lines[1]!.slice('data: '.length)), JSON.parse(JSON.stringify(data)));
        assert.deepEqual(lines.slice(2), ['', '']);
      }),
    );
  });

  test('dashboard auth – bearer token or the session cookie; the cookie is not the token', () => {
    const token = 'a-long-dashboard-token-123';
    const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
    assert.equal(isAuthorized(req({}), undefined), true);
    assert.equal(isAuthorized(req({}), token), false);
    assert.equal(isAuthorized(req({ authorization: `Bearer ${token}` }), token), true);
    assert.equal(isAuthorized(req({ authorization: 'Bearer wrong' }), token), false);
    assert.equal(isAuthorized(req({ cookie: `x=1; authproxy_dashboard=${sessionValue(token)}` }), token), true);
    assert.equal(isAuthorized(req({ cookie: `authproxy_dashboard=${token}` }), token), false);
    assert.ok(!sessionValue(token).includes(token));
    fc.assert(fc.property(fc.string(), (header) => void cookieOf(header, 'authproxy_dashboard')));
  });
});

describe('dashboard options', () => {
  const withMain = (...lines: string[]) => ['[main]', ...lines, '', ...validLines()].join('\n');
  test('dashboard options – off loopback a token is required, and a short one is refused; defaults apply', () => {
    assert.ok(errorsOf(withMain('dashboard_port = 8812', 'dashboard_interface = 0.0.0.0')).some((p) => /needs dashboard_token/.test(p.message)));
    assert.ok(errorsOf(withMain('dashboard_port = 8812', 'dashboard_interface = 10.1.2.3', 'dashboard_token = short')).some((p) => /at least 16/.test(p.message)));
    const ok = parseOk(withMain('dashboard_port = 8812', 'dashboard_interface = 10.1.2.3', 'dashboard_token = 0123456789abcdef0123'));
    assert.equal(ok.main.dashboardToken, '0123456789abcdef0123');
    const d = parseOk(withMain('dashboard_port = 8812')).main;
    assert.deepEqual([d.dashboardInterface, d.dashboardLogins, d.dashboardMaxAgeS, d.dashboardWindowS], ['127.0.0.1', 1000, 3600, 300]);
  });
  test('dashboard options – a dashboard option without dashboard_port says it does nothing', () => {
    const r = parse(withMain('dashboard_window = 60'));
    assert.ok(r.warnings.some((w) => /dashboard_window/.test(w.message) && /dashboard_port is not set/.test(w.message)));
  });
});

describe('dashboard sse hub – a page that cannot keep up', () => {
  /** A response whose socket buffer is full after `room` writes, until drain(). */
  function fakePage(room: number) {
    const written: string[] = [];
    const listeners = new Map<string, (() => void)[]>();
    let left = room;
    const res = {
      writeHead: () => res,
      write: (chunk: string) => {
        written.push(chunk);
        return --left > 0;
      },
      end: () => {},
      on: (ev: string, fn: () => void) => listeners.set(ev, [...(listeners.get(ev) ?? []), fn]),
    };
    return {
      res: res as unknown as import('node:http').ServerResponse,
      written,
      drain() {
        left = room;
        for (const fn of listeners.get('drain') ?? []) fn();
      },
    };
  }

  test('dashboard sse – a full page is skipped (counted), gets one resync when it drains; a page that keeps up gets everything', () => {
    const hub = new SseHub(60_000);
    const slow = fakePage(2);
    const fast = fakePage(1_000_000);
    hub.attach(slow.res, []);
    hub.attach(fast.res, []);
    for (let i = 0; i < 10; i++) hub.broadcast('update', { i });
    assert.equal(fast.written.length, 10);
    assert.equal(slow.written.length, 2, 'nothing more is written once the socket is full');
    assert.equal(hub.dropped, 8);
    slow.drain();
    assert.equal(slow.written.at(-1), frame('resync', {}));
    hub.broadcast('update', { i: 10 });
    assert.equal(slow.written.at(-1), frame('update', { i: 10 }), 'back in step after the resync');
    hub.close();
  });
});
