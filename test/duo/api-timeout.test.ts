// issue 15 §4: api_timeout = 0 means no per-request limit (docs/configuration.md); only the whole-login
// deadline (login_timeout, the caller's signal) ends a Duo call then. A hidden 75 s default used to cut
// each call: with a hung preauth and login_timeout 120 s, logins got "Failmode Safe" at 75.0 s.
import assert from 'node:assert/strict';
import http from 'node:http';
import type net from 'node:net';
import { test } from 'node:test';
import { createTransport } from '../../adapters/duo/transport.ts';
import { harness, ok } from './support.ts';

const waiting = ok({ result: 'waiting', status: 'pushed', status_msg: 'Pushed a login request to your device...' });
const allow = ok({ result: 'allow', status: 'allow', status_msg: 'Success. Logging you in...' });

test('duo api_timeout – 0: the requests carry no time budget of their own; a positive value bounds them', async () => {
  const none = harness({ apiTimeoutSec: 0 }, ok({ result: 'auth', factors: { default: 'push1' }, devices: [] }));
  await none.client.preauth({ user: 'alice', ipaddr: '192.0.2.10', failmode: 'safe' });
  assert.equal(Number.isFinite(none.transport.sent[0]!.budgetMs), false, `no per-request budget, got ${none.transport.sent[0]!.budgetMs} ms`);
  const five = harness({ apiTimeoutSec: 5 }, ok({ result: 'auth', factors: { default: 'push1' }, devices: [] }));
  await five.client.preauth({ user: 'alice', ipaddr: '192.0.2.10', failmode: 'safe' });
  assert.ok(five.transport.sent[0]!.budgetMs <= 5000);
});

test('duo api_timeout – 0 with auth_v2: a push answered after 120 s (virtual clock) is still polled and allowed', async () => {
  let clock = Date.UTC(2026, 0, 1);
  const slowWaiting = () => {
    clock += 30_000;
    return waiting;
  };
  const { client } = harness({ dialect: 'auth_v2', apiTimeoutSec: 0, now: () => clock }, ok({ txid: 'T1' }), slowWaiting, slowWaiting, slowWaiting, slowWaiting, allow);
  const out = await client.auth({ user: 'alice', factor: 'push', ipaddr: '0.0.0.0' });
  assert.equal(out.ok, true, JSON.stringify(out));
});

test('duo api_timeout – a request without a budget waits for a slow answer instead of failing at once', async (t) => {
  const server = http.createServer((req, res) => {
    req.resume();
    setTimeout(() => res.end(JSON.stringify({ stat: 'OK', response: {} })), 300);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise((r) => server.close(r)));
  const transport = createTransport({ scheme: 'http', host: '127.0.0.1', port: (server.address() as net.AddressInfo).port, userAgent: 'authproxy-test/0', connectTimeoutMs: 2000 });
  t.after(() => transport.close());
  const res = await transport.request({ method: 'POST', path: '/rest/v1/preauth', headers: {}, body: 'user=alice', connectTimeoutMs: 2000, budgetMs: Number.POSITIVE_INFINITY });
  assert.equal(res.ok, true, JSON.stringify(res));
});
