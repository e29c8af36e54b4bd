// The auth_v2 dialect's mapping to the engine's results: prompt and factors from devices[],
// `push2` back to (factor, device), async auth with auth_status polling, deadlines, clock skew.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { HttpRequest } from '../../adapters/duo/transport.ts';
import { harness, json, ok } from './support.ts';

const phone1 = {
  device: 'DPFZRS9FB0D46QFTM891',
  type: 'phone',
  number: 'XXX-XXX-1234',
  name: '',
  capabilities: ['auto', 'push', 'sms', 'phone', 'mobile_otp'],
};
const token = { device: 'DHEKH0JJIYC1LX3AZWO4', type: 'token', name: '20361492' };
const phone2 = { device: 'DPFZRS9FB0D46QFTM892', type: 'phone', number: 'XXX-XXX-5678', name: '', capabilities: ['phone', 'sms'] };
const preauthAuth = (devices: unknown[]) => ok({ result: 'auth', status_msg: 'Account is active', devices });
const allow = ok({ result: 'allow', status: 'allow', status_msg: 'Success. Logging you in...' });
const waiting = ok({ result: 'waiting', status: 'pushed', status_msg: 'Pushed a login request to your device...' });
const TXID = '13eb97f2-9008-42f4-b59b-afc7a5edf6a6';
const v2 = { dialect: 'auth_v2' } as const;

const bodyOf = (r: HttpRequest | undefined) => JSON.parse(r?.body ?? 'null') as Record<string, string>;

describe('duo auth_v2', () => {
  test('duo auth_v2 – one phone gives Duo prompt and factors of reference §18 fact 5', async () => {
    const { client } = harness(v2, preauthAuth([phone1]));
    const out = await client.preauth({ user: 'alice', ipaddr: '0.0.0.0', failmode: 'safe' });
    assert.deepEqual(out, {
      ok: true,
      value: {
        result: 'auth',
        status: 'Account is active',
        prompt:
          'Duo two-factor login for alice\n\nEnter a passcode or select one of the following options:\n\n 1. Duo Push to XXX-XXX-1234\n 2. Phone call to XXX-XXX-1234\n 3. SMS passcodes to XXX-XXX-1234\n\nPasscode or option (1-3): ',
        factors: { default: 'push1', '1': 'push1', '2': 'phone1', '3': 'sms1' },
      },
    });
    if (out.ok && out.value.result === 'auth') assert.equal(out.value.prompt.length, 211);
  });

  test('duo auth_v2 – two phones and a token: options per phone, numbered among the phones', async () => {
    const { client } = harness(v2, preauthAuth([phone1, token, phone2]));
    const out = await client.preauth({ user: 'alice', ipaddr: '0.0.0.0', failmode: 'safe' });
    assert.ok(out.ok && out.value.result === 'auth');
    assert.deepEqual(out.value.factors, { default: 'push1', '1': 'push1', '2': 'phone1', '3': 'sms1', '4': 'phone2', '5': 'sms2' });
    assert.match(out.value.prompt, / 4\. Phone call to XXX-XXX-5678\n 5\. SMS passcodes to XXX-XXX-5678\n\nPasscode or option \(1-5\): $/);
  });

  test('duo auth_v2 – allow, deny and enroll map status_msg to status', async () => {
    for (const result of ['allow', 'deny', 'enroll'] as const) {
      const { client } = harness(v2, ok({ result, status_msg: `it is ${result}`, enroll_portal_url: 'https://x' }));
      assert.deepEqual(await client.preauth({ user: 'u', ipaddr: '0.0.0.0', failmode: 'safe' }), {
        ok: true,
        value: { result, status: `it is ${result}` },
      });
    }
  });

  test('duo auth_v2 – push2 after preauth pushes to the second phone, async, and polls auth_status', async () => {
    const { client, transport } = harness(v2, preauthAuth([phone1, token, phone2]), ok({ txid: TXID }), waiting, allow);
    await client.preauth({ user: 'alice', ipaddr: '0.0.0.0', failmode: 'safe' });
    const out = await client.auth({ user: 'alice', factor: 'phone2', ipaddr: '10.0.0.5' });
    assert.deepEqual(out, { ok: true, value: { result: 'allow', status: 'Success. Logging you in...' } });
    assert.deepEqual(bodyOf(transport.sent[1]), { async: '1', device: phone2.device, factor: 'phone', ipaddr: '10.0.0.5', username: 'alice' });
    assert.deepEqual(
      transport.sent.slice(2).map((r) => r.path),
      [`/auth/v2/auth_status?txid=${TXID}`, `/auth/v2/auth_status?txid=${TXID}`],
    );
  });

  test('duo auth_v2 – push2 with no cached devices runs preauth first', async () => {
    const sent = ok({ result: 'deny', status: 'sent', status_msg: 'New SMS passcodes sent.' });
    const { client, transport } = harness(v2, preauthAuth([phone1, phone2]), sent);
    const out = await client.auth({ user: 'bob', factor: 'sms2', ipaddr: '0.0.0.0' });
    assert.deepEqual(out, { ok: true, value: { result: 'deny', status: 'New SMS passcodes sent.' } });
    assert.equal(transport.sent[0]?.path, '/auth/v2/preauth');
    assert.equal(transport.sent.length, 2);
    assert.equal(bodyOf(transport.sent[1]).factor, 'sms');
    assert.equal(bodyOf(transport.sent[1]).device, phone2.device);
    assert.equal(bodyOf(transport.sent[1]).async, undefined);
  });

  test('duo auth_v2 – the device list is forgotten after deviceCacheMs', async () => {
    let clock = 0;
    const { client, transport } = harness(
      { ...v2, deviceCacheMs: 1000, now: () => clock },
      preauthAuth([phone1]),
      preauthAuth([phone1]),
      ok({ txid: TXID }),
      allow,
    );
    await client.preauth({ user: 'alice', ipaddr: '0.0.0.0', failmode: 'safe' });
    clock += 1001;
    await client.auth({ user: 'alice', factor: 'push1', ipaddr: '0.0.0.0' });
    assert.deepEqual(
      transport.sent.slice(0, 3).map((r) => r.path),
      ['/auth/v2/preauth', '/auth/v2/preauth', '/auth/v2/auth'],
    );
  });

  test('duo auth_v2 – bare push/phone use device auto; auto is factor auto; sms is synchronous', async () => {
    const cases: [string, Record<string, string>][] = [
      ['push', { factor: 'push', device: 'auto', async: '1' }],
      ['phone', { factor: 'phone', device: 'auto', async: '1' }],
      ['auto', { factor: 'auto', device: 'auto', async: '1' }],
    ];
    for (const [factor, expected] of cases) {
      const { client, transport } = harness(v2, ok({ txid: TXID }), allow);
      assert.equal((await client.auth({ user: 'alice', factor, ipaddr: '0.0.0.0' })).ok, true);
      assert.deepEqual(bodyOf(transport.sent[0]), { ...expected, ipaddr: '0.0.0.0', username: 'alice' });
    }
    const sms = harness(v2, ok({ result: 'deny', status: 'sent', status_msg: 'New SMS passcodes sent.' }));
    assert.deepEqual(await sms.client.auth({ user: 'alice', factor: 'sms', ipaddr: '0.0.0.0' }), {
      ok: true,
      value: { result: 'deny', status: 'New SMS passcodes sent.' },
    });
    assert.equal(sms.transport.sent.length, 1);
  });

  test('duo auth_v2 – a passcode is one synchronous call; an unknown device number is sent as a passcode', async () => {
    const a = harness(v2, ok({ result: 'deny', status: 'deny', status_msg: 'Incorrect passcode. Please try again.' }));
    const out = await a.client.auth({ user: 'alice', factor: '123456', ipaddr: '0.0.0.0' });
    assert.deepEqual(out, { ok: true, value: { result: 'deny', status: 'Incorrect passcode. Please try again.' } });
    assert.deepEqual(bodyOf(a.transport.sent[0]), { factor: 'passcode', ipaddr: '0.0.0.0', passcode: '123456', username: 'alice' });
    const b = harness(v2, preauthAuth([phone1]), allow);
    await b.client.auth({ user: 'alice', factor: 'push9', ipaddr: '0.0.0.0' });
    assert.deepEqual(bodyOf(b.transport.sent[1]), { factor: 'passcode', ipaddr: '0.0.0.0', passcode: 'push9', username: 'alice' });
  });

  test('duo auth_v2 – polls are paced only after two fast waiting answers in a row (a server that does not long-poll)', async () => {
    const { client, sleeps, transport } = harness({ ...v2, minPollIntervalMs: 700 }, ok({ txid: TXID }), waiting, waiting, waiting, allow);
    assert.equal((await client.auth({ user: 'alice', factor: 'push', ipaddr: '0.0.0.0' })).ok, true);
    assert.deepEqual(sleeps, [700, 700]);
    assert.equal(transport.sent.length, 5);
  });

  test('duo auth_v2 – a long-polling server costs no pause: a slow waiting answer is polled again at once', async () => {
    let clock = 0;
    const slowWaiting = () => {
      clock += 5000;
      return waiting;
    };
    const { client, sleeps } = harness({ ...v2, now: () => clock }, ok({ txid: TXID }), waiting, slowWaiting, slowWaiting, allow);
    assert.equal((await client.auth({ user: 'alice', factor: 'push', ipaddr: '0.0.0.0' })).ok, true);
    assert.deepEqual(sleeps, []);
  });

  test('duo auth_v2 – a push still waiting when the auth time runs out is a fail-closed timeout', async () => {
    const { client, transport } = harness({ ...v2, requestTimeoutMs: 3000 }, ok({ txid: TXID }), waiting);
    const out = await client.auth({ user: 'alice', factor: 'push', ipaddr: '0.0.0.0' });
    assert.equal(out.ok, false);
    if (!out.ok) {
      assert.equal(out.error.kind, 'timeout');
      assert.equal(out.error.failOpen, false);
    }
    // polls at 0 s (fast, no pause), 0 s, 1 s, 2 s (each after a 1 s pause); the auth time ends at 3 s.
    assert.equal(transport.sent.length, 1 + 4);
  });

  test('duo auth_v2 – a poll that fails carries the auth classification (network: fail-closed, 5xx: fail-open)', async () => {
    const net = harness(v2, ok({ txid: TXID }), { ok: false, kind: 'network', message: 'ECONNRESET' });
    const a = await net.client.auth({ user: 'alice', factor: 'push', ipaddr: '0.0.0.0' });
    assert.ok(!a.ok && a.error.kind === 'network' && a.error.failOpen === false);
    const five = harness(v2, ok({ txid: TXID }), json(503, { stat: 'FAIL', code: 50301, message: 'Unavailable' }));
    const b = await five.client.auth({ user: 'alice', factor: 'push', ipaddr: '0.0.0.0' });
    assert.ok(!b.ok && b.error.kind === 'http-5xx' && b.error.failOpen === true);
  });

  test('duo auth_v2 – the re-run preauth of push2 fails like an auth would (network: fail-closed)', async () => {
    const { client } = harness(v2, { ok: false, kind: 'network', message: 'ECONNREFUSED' });
    const out = await client.auth({ user: 'alice', factor: 'push2', ipaddr: '0.0.0.0' });
    assert.ok(!out.ok && out.error.kind === 'network' && out.error.failOpen === false);
  });

  test('duo auth_v2 – a 40105 "Bad request timestamp" makes the client read /ping and sign with the offset once', async () => {
    const skewSec = 3600;
    const base = Date.UTC(2012, 7, 21, 17, 29, 18);
    const { client, transport } = harness(
      v2,
      json(401, { stat: 'FAIL', code: 40105, message: 'Bad request timestamp' }),
      ok({ time: base / 1000 + skewSec }),
      ok({ result: 'allow', status_msg: 'Allowing unknown user' }),
    );
    const out = await client.preauth({ user: 'alice', ipaddr: '0.0.0.0', failmode: 'safe' });
    assert.equal(out.ok, true);
    assert.deepEqual(
      transport.sent.map((r) => r.path),
      ['/auth/v2/preauth', '/auth/v2/ping', '/auth/v2/preauth'],
    );
    assert.equal(transport.sent[0]?.headers['Date'], 'Tue, 21 Aug 2012 17:29:18 -0000');
    assert.equal(transport.sent[2]?.headers['Date'], 'Tue, 21 Aug 2012 18:29:18 -0000');
  });

  test('duo auth_v2 – a 40105 that persists after the resync is a fail-closed 4xx', async () => {
    const skew = json(401, { stat: 'FAIL', code: 40105, message: 'Bad request timestamp' });
    const { client, transport } = harness(v2, skew, ok({ time: 1 }), skew);
    const out = await client.preauth({ user: 'alice', ipaddr: '0.0.0.0', failmode: 'safe' });
    assert.ok(!out.ok && out.error.kind === 'http-4xx' && out.error.code === 40105 && !out.error.failOpen);
    assert.equal(transport.sent.length, 3);
  });

  test('duo auth_v2 – a synchronous answer to async=1 is accepted', async () => {
    const { client } = harness(v2, allow);
    assert.deepEqual(await client.auth({ user: 'alice', factor: 'push', ipaddr: '0.0.0.0' }), {
      ok: true,
      value: { result: 'allow', status: 'Success. Logging you in...' },
    });
  });
});
