// The core (`mock.handle`): plain data in and out, the one source of behaviour under both the msw
// handlers and the standalone server. These check that msw and the core answer alike, the core's
// own routing (Duo paths, /_mock/, anything else), its reset/gone outcomes, and that waiting
// requests and synchronous transactions leave nothing behind.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { CoreResponse } from '../../mock-duo/exchange.ts';
import { parseForm } from '../../mock-duo/request.ts';
import { type CallOptions, HOST, harness, type JsonBody } from './helpers.ts';

type Reply = Extract<CoreResponse, { kind: 'reply' }>;

function reply(r: CoreResponse): Reply {
  assert.equal(r.kind, 'reply');
  return r as Reply;
}

function headerOf(r: Reply, name: string): string | undefined {
  for (let i = 0; i < r.headers.length; i += 2) if (r.headers[i] === name) return r.headers[i + 1];
  return undefined;
}

const text = (r: Reply) => (typeof r.body === 'string' ? r.body : Buffer.from(r.body).toString('utf8'));
const json = (r: Reply): JsonBody => JSON.parse(text(r));

/** Control requests, unsigned, straight to the core. */
function control(h: ReturnType<typeof harness>, method: string, path: string, body = ''): Promise<CoreResponse> {
  return h.mock.handle({ method, path, query: '', headers: { host: HOST, 'content-type': 'application/json' }, body });
}

describe('mock duo core', () => {
  test('mock duo core – a signed /rest/v1 preauth from plain data: status, Duo headers, body', async () => {
    const h = harness();
    const r = reply(await h.core({ path: '/rest/v1/preauth', params: { user: 'alice', ipaddr: '10.0.0.5' } }));
    assert.equal(r.status, 200);
    assert.equal(headerOf(r, 'server'), 'Duo/1.0');
    assert.equal(headerOf(r, 'content-type'), 'application/json');
    assert.equal(headerOf(r, 'cache-control'), 'no-store');
    assert.equal(headerOf(r, 'content-length'), undefined, 'the server adds Content-Length');
    assert.equal(json(r).response.factors.default, 'push1');
    assert.equal(h.mock.journal.entries().at(-1)!.sigVersion, 1);
  });

  test('mock duo core – msw handlers and the core answer every kind of request alike', async () => {
    const cases: CallOptions[] = [
      { path: '/rest/v1/preauth', params: { user: 'alice' } },
      { path: '/rest/v1/preauth', params: { user: 'nobody' } },
      { path: '/rest/v1/auth', params: { user: 'alice', factor: 'auto', auto: '123456' } },
      { path: '/rest/v1/auth', params: { user: 'bob', factor: 'auto', auto: 'push1' } },
      { path: '/rest/v1/check', params: {} },
      { path: '/rest/v1/preauth', params: { user: 'alice' }, skey: 'x'.repeat(40) },
      { path: '/rest/v1/preauth', params: { user: 'alice' }, unsigned: true },
      { path: '/rest/v1/nothing', params: {} },
      { path: '/auth/v2/preauth', params: { username: 'erin' }, version: 5 },
      { path: '/auth/v2/auth', params: { username: 'carol', factor: 'push', device: 'auto' }, version: 4 },
      { path: '/auth/v2/ping', method: 'GET', unsigned: true },
      { path: '/auth/v2/preauth', params: { username: 'alice' }, version: 2, date: 0 },
      { path: '/auth/v2/preauth', params: {}, version: 5, jsonBody: '[1]' },
      { path: '/_mock/users/alice', method: 'GET', unsigned: true },
      { path: '/_MOCK/users/bob/', method: 'GET', unsigned: true },
      { path: '/_mock/nothing', method: 'GET', unsigned: true },
    ];
    // Two mocks with the same fixture and clock, one driven through msw, the other through the core.
    const viaMsw = harness();
    const viaCore = harness();
    for (const c of cases) {
      const m = await viaMsw.call(c);
      const r = reply(await viaCore.core(c));
      const label = `${c.path} ${JSON.stringify(c.params ?? {})}`;
      assert.equal(r.status, m.status, label);
      assert.equal(text(r), await m.text(), label);
      const mswHeaders = [...m.headers].filter(([k]) => k !== 'content-length').flat();
      assert.deepEqual([...r.headers], mswHeaders, label);
    }
    const strip = (e: object) => ({ ...e, at: 0, durationMs: 0 });
    assert.deepEqual(viaCore.mock.journal.entries().map(strip), viaMsw.mock.journal.entries().map(strip));
  });

  test("mock duo core – paths Duo doesn't serve answer Duo's 404 and are not journaled", async () => {
    const h = harness();
    for (const path of ['/', '/rest/v1', '/rest/v1/a/b', '/auth/v3/ping', '/_mockery']) {
      const r = reply(await h.mock.handle({ method: 'GET', path, query: '', headers: { host: HOST }, body: '' }));
      assert.equal(r.status, 404, path);
      assert.deepEqual(json(r), { stat: 'FAIL', code: 40401, message: 'Resource not found' });
    }
    assert.equal(h.mock.journal.entries().length, 0);
  });

  test('mock duo core – control paths match as msw matched them: trailing slash, case, decoded names', async () => {
    const h = harness();
    assert.equal(reply(await control(h, 'GET', '/_mock/state/')).status, 200);
    assert.equal(json(reply(await control(h, 'GET', '/_MOCK/Users/alice'))).username, 'alice');
    assert.equal(reply(await control(h, 'PUT', '/_mock/users/CORP%5Czed%20x', '{"status":"bypass"}')).status, 200);
    assert.equal(json(reply(await control(h, 'GET', '/_mock/users/CORP%5Czed%20x/'))).username, 'CORP\\zed x');
    assert.equal(reply(await control(h, 'GET', '/_mock/users/%E0%A4%A')).status, 404);
    const unknown = reply(await control(h, 'PATCH', '/_mock/state'));
    assert.equal(unknown.status, 404);
    assert.deepEqual(json(unknown), { error: ['control endpoint not found'] });
    assert.deepEqual(json(reply(await control(h, 'GET', '/_mock/constructor'))), { error: ['control endpoint not found'] });
  });

  test('mock duo core – a reset fault is {kind: reset}; a hang ends as {kind: gone} when the client gives up', async () => {
    const h = harness();
    h.mock.faults.add({ match: { path: '/rest/v1/auth' }, reset: true });
    h.mock.faults.add({ match: { path: '/rest/v1/preauth' }, hang: true });
    assert.equal((await h.core({ path: '/rest/v1/auth', params: { user: 'alice', factor: 'auto', auto: 'push1' } })).kind, 'reset');
    const ac = new AbortController();
    const hung = h.core({ path: '/rest/v1/preauth', params: { user: 'alice' }, signal: ac.signal });
    let settled = false;
    void hung.then(() => (settled = true));
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    assert.equal(settled, false);
    ac.abort();
    assert.equal((await hung).kind, 'gone');
    assert.deepEqual(
      h.mock.journal.entries().map((e) => [e.path, e.status]),
      [
        ['/rest/v1/auth', 0],
        ['/rest/v1/preauth', 0],
      ],
    );
  });

  test('mock duo core – in_flight counts requests waiting on a push; a client that leaves cancels its wait', async () => {
    const h = harness(undefined, { auto: false });
    const auth = { path: '/rest/v1/auth', params: { user: 'alice', factor: 'auto', auto: 'push1' } };
    const first = h.core(auth);
    const ac = new AbortController();
    const second = h.core({ ...auth, signal: ac.signal });
    await h.clock.whenSleeping(2);
    assert.equal(json(reply(await control(h, 'GET', '/_mock/state'))).in_flight, 2);
    ac.abort();
    assert.equal((await second).kind, 'gone');
    assert.equal(h.clock.pending(), 1);
    await h.clock.advance(2000);
    assert.equal(json(reply(await first)).response.result, 'allow');
    assert.equal(json(reply(await control(h, 'GET', '/_mock/state'))).in_flight, 0);
  });

  test('mock duo core – a synchronous auth keeps no transaction, yet its outcome still counts toward lockout', async () => {
    const h = harness(undefined, { auto: true });
    // bob denies his pushes; carol reports fraud. Nobody can poll a synchronous auth's txid.
    const r = json(reply(await h.core({ path: '/rest/v1/auth', params: { user: 'bob', factor: 'auto', auto: 'push1' } })));
    assert.equal(r.response.result, 'deny');
    assert.equal(json(reply(await h.core({ path: '/auth/v2/auth', params: { username: 'carol', factor: 'push', device: 'auto' }, version: 5 }))).response.status, 'fraud');
    assert.equal(h.mock.state.transactions.size, 0);
    assert.equal(h.mock.state.users.get('bob')!.failures, 1);
    assert.equal(h.mock.state.users.get('carol')!.failures, 1);
    // A push abandoned by its client still settles when its time comes.
    const manual = harness(undefined, { auto: false });
    const ac = new AbortController();
    const gone = manual.core({ path: '/rest/v1/auth', params: { user: 'bob', factor: 'auto', auto: 'push1' }, signal: ac.signal });
    await manual.clock.whenSleeping(1);
    ac.abort();
    await gone;
    await manual.clock.advance(600);
    await manual.core({ path: '/rest/v1/preauth', params: { user: 'bob' } });
    assert.equal(manual.mock.state.users.get('bob')!.failures, 1);
  });
});

describe('mock duo form parsing', () => {
  test('mock duo form – parseForm reads exactly what URLSearchParams reads', () => {
    const piece = fc.oneof(
      fc.constantFrom('&', '=', '+', '%', '%2', '%20', '%2B', '%41', '%e2%82%ac', '%E2%82', '%ff', '%zz', '%25', '~', ' ', 'a', 'Z', '9', 'é', '€'),
      fc.string({ maxLength: 3 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 16 }), (parts) => {
        const s = parts.join('');
        // Bodies were read with `new URLSearchParams(body)`, which drops one leading '?': prefixing one reads `s` as it is.
        assert.deepEqual(parseForm(s), [...new URLSearchParams(`?${s}`).entries()]);
        // Queries were a URL's searchParams; they reach the core printable ASCII only (the server and msw encode
        // the rest), and there both parsers agree.
        if (/^[\x21-\x7e]*$/.test(s)) assert.deepEqual(parseForm(s), [...new URL(`http://h/p?${s.replaceAll('#', '%23')}`).searchParams.entries()]);
      }),
      { numRuns: 2000 },
    );
  });
});
