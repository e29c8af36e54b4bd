// Our client over real sockets against the standalone mock Duo (HTTPS, its generated CA): keep-alive
// reuse, CA trust and hostname checks, the CONNECT proxy, connect and exchange timeouts, faults on
// real TCP (an RST, a request never answered), and the bytes on the wire.
import assert from 'node:assert/strict';
import diagnostics from 'node:diagnostics_channel';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createDuoClient } from '../../adapters/duo/client.ts';
import type { DuoClient, DuoClientOptions } from '../../adapters/duo/types.ts';
import type { DuoErrorKind, DuoOutcome } from '../../machines/contracts.ts';
import { type MockDuoServer, startMockDuoServer } from '../../mock-duo/server.ts';
import { ALICE_PROMPT, duoFixture, IKEY, SKEY } from './fixture.ts';
import { startCaptureServer, startConnectProxy, startSilentServer } from './proxy-scaffold.ts';

let duo: MockDuoServer;
const clients: DuoClient[] = [];

// Every response our client reads, and whether it came over a pooled connection: undici's diagnostics
// channels tell which socket each request was written on (a socket seen before is a reused one) and
// when its response was read to the end.
const responses: { host: string; reused: boolean }[] = [];
const usedSockets = new WeakSet<object>();
const sent = new WeakMap<object, boolean>();
type UndiciRequest = { host: string | null };
const onSendHeaders = (msg: unknown) => {
  const { request, socket } = msg as { request: UndiciRequest; socket: object };
  sent.set(request, usedSockets.has(socket));
  usedSockets.add(socket);
};
const onResponse = (msg: unknown) => {
  const { request } = msg as { request: UndiciRequest };
  const reused = sent.get(request);
  if (reused !== undefined) responses.push({ host: String(request.host), reused });
};

before(async () => {
  duo = await startMockDuoServer({ fixture: duoFixture('localhost') });
  diagnostics.subscribe('undici:client:sendHeaders', onSendHeaders);
  diagnostics.subscribe('undici:request:trailers', onResponse);
});
after(async () => {
  diagnostics.unsubscribe('undici:client:sendHeaders', onSendHeaders);
  diagnostics.unsubscribe('undici:request:trailers', onResponse);
  for (const c of clients) c.close();
  await duo.close();
});
beforeEach(() => {
  duo.mock.reset();
  duo.mock.faults.clear();
  duo.mock.journal.clear();
  responses.length = 0;
});

function client(opts: Partial<DuoClientOptions> = {}): DuoClient {
  const c = createDuoClient({
    ikey: IKEY,
    skey: SKEY,
    apiHost: 'localhost',
    apiPort: duo.port,
    caFile: duo.caFile!,
    userAgent: 'authproxy-test/0',
    minPollIntervalMs: 5,
    ...opts,
  });
  clients.push(c);
  return c;
}

const pre = (user: string) => ({ user, ipaddr: '192.0.2.10', failmode: 'safe' as const });
const auth = (user: string, factor: string) => ({ user, factor, ipaddr: '192.0.2.10' });

function assertError(out: DuoOutcome<unknown>, kind: DuoErrorKind, failOpen: boolean, pattern?: RegExp): void {
  assert.equal(out.ok, false, `expected an error, got ${JSON.stringify(out)}`);
  if (out.ok) return;
  assert.equal(out.error.kind, kind, out.error.message);
  assert.equal(out.error.failOpen, failOpen);
  if (pattern) assert.match(out.error.message, pattern);
}

for (const dialect of ['rest_v1', 'auth_v2'] as const) {
  describe(`duo client over HTTPS (${dialect})`, () => {
    test('duo https – preauth and push over one kept-alive TLS connection', async () => {
      const c = client({ dialect });
      for (let i = 0; i < 3; i++) {
        const p = await c.preauth(pre('alice'));
        assert.ok(p.ok && p.value.result === 'auth' && p.value.prompt === ALICE_PROMPT);
        assert.deepEqual(await c.auth(auth('alice', 'push1')), { ok: true, value: { result: 'allow', status: 'Success. Logging you in...' } });
      }
      assert.ok(responses.length >= 6);
      assert.equal(responses.filter((r) => !r.reused).length, 1, 'one connection opened');
    });

    test('duo https – concurrent calls open connections once, later calls reuse them', async () => {
      const c = client({ dialect });
      const batch = () => Promise.all(Array.from({ length: 8 }, () => c.preauth(pre('alice'))));
      assert.ok((await batch()).every((o) => o.ok));
      const opened = responses.filter((r) => !r.reused).length;
      assert.ok(opened >= 1 && opened <= 8);
      responses.length = 0;
      assert.ok((await batch()).every((o) => o.ok));
      assert.equal(responses.filter((r) => !r.reused).length, 0, 'the second batch opened nothing');
    });

    test('duo https – without the mock CA (Node default roots) the certificate is refused: network', async () => {
      const c = createDuoClient({ dialect, ikey: IKEY, skey: SKEY, apiHost: 'localhost', apiPort: duo.port, userAgent: 'x' });
      clients.push(c);
      assertError(await c.preauth(pre('alice')), 'network', true, /certificate|self.signed|verify/i);
      assertError(await c.auth(auth('alice', '123456')), 'network', false, /certificate|self.signed|verify/i);
    });

    test('duo https – a real connection reset: network, fail-open on preauth, fail-closed on auth; the pool recovers', async () => {
      const c = client({ dialect });
      duo.mock.faults.add({ match: { path: '*/preauth' }, reset: true, times: 1 });
      assertError(await c.preauth(pre('alice')), 'network', true);
      duo.mock.faults.add({ match: { path: '*/auth' }, reset: true, times: 1 });
      assertError(await c.auth(auth('alice', '123456')), 'network', false);
      assert.ok((await c.preauth(pre('alice'))).ok, 'next call works');
    });

    test('duo https – close() drops the pooled connections; a later call opens a new one', async () => {
      const c = client({ dialect });
      assert.ok((await c.preauth(pre('alice'))).ok);
      c.close();
      responses.length = 0;
      assert.ok((await c.preauth(pre('alice'))).ok);
      assert.deepEqual(responses.map((r) => r.reused), [false]);
    });

    test('duo https – never answered with api_timeout: timeout, by call', async () => {
      const c = client({ dialect, apiTimeoutSec: 0.3 });
      duo.mock.faults.add({ match: { path: '*/preauth' }, hang: true });
      duo.mock.faults.add({ match: { path: '*/auth' }, hang: true });
      assertError(await c.preauth(pre('alice')), 'timeout', true);
      assertError(await c.auth(auth('alice', 'push')), 'timeout', false);
    });

    test('duo https – the login deadline ends a push the user has not answered: fail-closed timeout', async () => {
      const c = client({ dialect });
      assertError(await c.auth(auth('slow', 'push'), AbortSignal.timeout(200)), 'timeout', false);
    });
  });
}

describe('duo client through an HTTP CONNECT proxy', () => {
  test('duo proxy – requests are tunnelled (CONNECT host:port with a User-Agent), and the tunnel is kept alive', async () => {
    const proxy = await startConnectProxy({ tunnelTo: () => duo.port });
    try {
      const c = client({ httpProxy: { host: '127.0.0.1', port: proxy.port } });
      assert.ok((await c.preauth(pre('alice'))).ok);
      assert.ok((await c.auth(auth('alice', '123456'))).ok);
      assert.ok((await c.preauth(pre('bob'))).ok);
      assert.deepEqual(proxy.connects, [{ target: `localhost:${duo.port}`, userAgent: 'authproxy-test/0' }]);
      // (an earlier test's abandoned long-poll may still be journalled, unanswered: status 0)
      assert.equal(duo.mock.journal.entries({ api: 'rest_v1' }).length, 3, 'the mock saw the three calls');
    } finally {
      await proxy.close();
    }
  });

  test('duo proxy – a refused CONNECT is a network error "Proxy Error: <status line>"', async () => {
    const proxy = await startConnectProxy({ refuse: '403 Forbidden' });
    try {
      const c = client({ httpProxy: { host: '127.0.0.1', port: proxy.port } });
      assertError(await c.preauth(pre('alice')), 'network', true, /^Proxy Error: HTTP\/1\.1 403 Forbidden$/);
      assertError(await c.auth(auth('alice', 'push')), 'network', false, /^Proxy Error: HTTP\/1\.1 403 Forbidden$/);
      assert.equal(duo.mock.journal.entries().length, 0);
    } finally {
      await proxy.close();
    }
  });

  test('duo proxy – the certificate must name the api host: a tunnel to the wrong name is refused', async () => {
    const proxy = await startConnectProxy({ tunnelTo: () => duo.port });
    try {
      const c = client({ apiHost: 'api-wrong.example.com', httpProxy: { host: '127.0.0.1', port: proxy.port } });
      assertError(await c.preauth(pre('alice')), 'network', true, /altname|does not match|hostname/i);
      assert.equal(duo.mock.journal.entries().length, 0);
    } finally {
      await proxy.close();
    }
  });
});

describe('duo client transport edges', () => {
  test('duo transport – a TLS handshake that never completes is bounded by api_timeout (connect phase)', async () => {
    const silent = await startSilentServer();
    try {
      const c = client({ apiPort: silent.port, apiTimeoutSec: 0.3 });
      assertError(await c.preauth(pre('alice')), 'timeout', true, /no connection/);
      assertError(await c.auth(auth('alice', 'push')), 'timeout', false, /no connection/);
    } finally {
      await silent.close();
    }
  });

  test('duo transport – connection refused is a network error', async () => {
    const silent = await startSilentServer();
    const port = silent.port;
    await silent.close();
    const c = client({ apiPort: port });
    assertError(await c.preauth(pre('alice')), 'network', true, /ECONNREFUSED/);
  });

  test('duo transport – the wire: Host carries :port unless it is 443; v1 form body, no Date; keep-alive', async () => {
    const capture = await startCaptureServer({ stat: 'OK', response: { result: 'allow', status: 'ok' } });
    try {
      const c = client({ scheme: 'http', apiHost: 'localhost', apiPort: capture.port });
      const out = await c.preauth(pre('alice'));
      assert.ok(out.ok, JSON.stringify(out));
      const r = capture.requests[0]!;
      assert.equal(r.method, 'POST');
      assert.equal(r.url, '/rest/v1/preauth');
      assert.equal(r.headers.host, `localhost:${capture.port}`);
      assert.equal(r.headers['content-type'], 'application/x-www-form-urlencoded');
      assert.equal(r.headers['content-length'], String(Buffer.byteLength(r.body)));
      assert.equal(r.headers['user-agent'], 'authproxy-test/0');
      assert.equal(r.headers.connection, 'keep-alive');
      assert.equal(r.headers.date, undefined);
      assert.equal(r.body, 'failmode=safe&ipaddr=192.0.2.10&user=alice');
      // Port 443, reached through a CONNECT tunnel to the capture server: no port in Host.
      const proxy = await startConnectProxy({ tunnelTo: () => capture.port });
      try {
        const c443 = client({ scheme: 'http', apiHost: 'api-test.duosecurity.com', apiPort: 443, httpProxy: { host: '127.0.0.1', port: proxy.port } });
        const out443 = await c443.preauth(pre('alice'));
        assert.ok(out443.ok, JSON.stringify(out443));
        assert.equal(proxy.connects[0]?.target, 'api-test.duosecurity.com:443');
        assert.equal(capture.requests[1]?.headers.host, 'api-test.duosecurity.com');
      } finally {
        await proxy.close();
      }
    } finally {
      await capture.close();
    }
  });
});
