// The Auth API v2 dialect: envelopes, devices[], sync and async auth, auth_status long-polls,
// enrollment, and the strict signature checks (v2 SHA1/SHA512, v4, v5; three date formats; window).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatDate } from '../../adapters/duo/signature.ts';
import { baseFixture, HOST, harness, IKEY, type JsonBody, SKEY } from './helpers.ts';

const post = (h: ReturnType<typeof harness>, path: string, params: Record<string, string>, version: 2 | 4 | 5 = 5) =>
  h.json({ path: `/auth/v2/${path}`, params, version });
const get = (h: ReturnType<typeof harness>, path: string, params: Record<string, string> = {}, version: 2 | 4 | 5 = 5) =>
  h.json({ path: `/auth/v2/${path}`, method: 'GET', params, version });

describe('mock duo auth/v2 – endpoints', () => {
  test('mock duo auth/v2 – ping is unsigned, check is signed, both give the time', async () => {
    const h = harness();
    const ping = await h.json({ path: '/auth/v2/ping', method: 'GET', unsigned: true });
    assert.deepEqual(ping.body, { stat: 'OK', response: { time: Math.floor(h.clock.now() / 1000) } });
    assert.equal((await h.json({ path: '/auth/v2/check', method: 'GET', unsigned: true })).body.code, 40101);
    assert.equal((await get(h, 'check')).body.response.time, Math.floor(h.clock.now() / 1000));
  });

  test('mock duo auth/v2 – logo is a PNG, or 40002 when the fixture has none', async () => {
    const r = await harness().call({ path: '/auth/v2/logo', method: 'GET' });
    assert.equal(r.headers.get('content-type'), 'image/png');
    assert.deepEqual([...new Uint8Array(await r.arrayBuffer()).slice(1, 4)], [0x50, 0x4e, 0x47]);
    const none = await get(harness(baseFixture({ logo: false })), 'logo');
    assert.deepEqual([none.status, none.body.code], [400, 40002]);
  });

  test('mock duo auth/v2 – preauth devices[]: phones with capabilities, tokens with device, name, type only', async () => {
    const r = await post(harness(), 'preauth', { username: 'bob', ipaddr: '192.0.2.10' });
    assert.equal(r.body.response.result, 'auth');
    assert.equal(r.body.response.status_msg, 'Account is active');
    const [p1, token, p2] = r.body.response.devices;
    assert.deepEqual(Object.keys(token).sort(), ['device', 'name', 'type']);
    assert.deepEqual(token, { device: token.device, type: 'token', name: '20361492' });
    assert.match(token.device, /^DH[A-Z0-9]{18}$/);
    assert.match(p1.device, /^DP[A-Z0-9]{18}$/);
    assert.deepEqual({ ...p1, device: undefined }, { device: undefined, type: 'phone', number: 'XXX-XXX-1111', name: 'iOS', display_name: 'iOS (XXX-XXX-1111)', capabilities: ['push', 'phone', 'sms'] });
    assert.equal(p2.display_name, 'XXX-XXX-2222');
  });

  test('mock duo auth/v2 – preauth by user_id, and exactly one of username/user_id', async () => {
    const h = harness();
    const id = h.mock.control.user('alice')!.user_id;
    assert.equal((await post(h, 'preauth', { user_id: id })).body.response.result, 'auth');
    const both = await post(h, 'preauth', { user_id: id, username: 'alice' });
    assert.deepEqual([both.status, both.body.code, both.body.message], [400, 40002, 'Invalid request parameters']);
    assert.equal((await post(h, 'preauth', {})).status, 400);
  });

  test('mock duo auth/v2 – preauth results for every kind of user', async () => {
    const h = harness();
    const result = async (u: string) => (await post(h, 'preauth', { username: u })).body.response;
    assert.equal((await result('dave')).result, 'deny');
    assert.equal((await result('dis')).result, 'deny');
    assert.equal((await result('erin')).result, 'allow');
    const enroll = await result('newbie');
    assert.equal(enroll.status_msg, 'Enroll an authentication device to proceed');
    assert.match(enroll.enroll_portal_url, /^https:\/\/api-test\.duosecurity\.com\/portal\?code=/);
    assert.equal((await result('stranger')).result, 'enroll');
  });

  test('mock duo auth/v2 – sync auth: push, passcode, phone, sms and a missing sms device', async () => {
    const h = harness();
    assert.deepEqual((await post(h, 'auth', { username: 'alice', factor: 'push', device: 'auto' })).body.response, {
      result: 'allow',
      status: 'allow',
      status_msg: 'Success. Logging you in...',
    });
    assert.deepEqual((await post(h, 'auth', { username: 'alice', factor: 'passcode', passcode: '111111' })).body.response, {
      result: 'deny',
      status: 'deny',
      status_msg: 'Incorrect passcode. Please try again.',
    });
    const bobPhone2 = h.mock.control.user('bob')!.devices[2]!['id'] as string;
    assert.equal((await post(h, 'auth', { username: 'bob', factor: 'phone', device: bobPhone2 })).body.response.result, 'allow');
    assert.deepEqual((await post(h, 'auth', { username: 'alice', factor: 'sms', device: 'auto' })).body.response, {
      result: 'deny',
      status: 'sent',
      status_msg: 'New SMS passcodes sent.',
    });
    const nosms = await post(h, 'auth', { username: 'carol', factor: 'sms', device: 'auto' });
    assert.deepEqual([nosms.status, nosms.body.message_detail], [400, 'no capable device']);
    assert.deepEqual((await post(h, 'auth', { username: 'tim', factor: 'push', device: 'auto' })).body.response, {
      result: 'deny',
      status: 'timeout',
      status_msg: 'Login timed out.',
    });
    assert.equal((await post(h, 'auth', { username: 'alice', factor: 'bogus' })).body.code, 40002);
  });

  test('mock duo auth/v2 – preauth reports sms_nextcode from the current batch', async () => {
    const h = harness();
    await post(h, 'auth', { username: 'alice', factor: 'sms', device: 'auto' });
    const dev = (await post(h, 'preauth', { username: 'alice' })).body.response.devices[0];
    assert.equal(dev.sms_nextcode, '1');
    await post(h, 'auth', { username: 'alice', factor: 'passcode', passcode: h.mock.control.smsBatch('alice')![0]! });
    assert.equal((await post(h, 'preauth', { username: 'alice' })).body.response.devices[0].sms_nextcode, '2');
  });

  test('mock duo auth/v2 – async push: txid, then auth_status long-polls each change (manual time)', async () => {
    const h = harness(baseFixture(), { auto: false });
    const t0 = h.clock.now();
    const tx = await post(h, 'auth', { username: 'alice', factor: 'push', device: 'auto', async: '1' });
    const txid = tx.body.response.txid as string;
    assert.match(txid, /^[0-9a-f-]{36}$/);
    const first = await get(h, 'auth_status', { txid });
    assert.deepEqual(first.body.response, { auth_delayed: false, result: 'waiting', status: 'pushed', status_msg: 'Pushed a login request to your device...' });
    // No change yet: the poll waits until alice answers (2 s of mock time).
    const pending = get(h, 'auth_status', { txid });
    await h.clock.whenSleeping();
    await h.clock.advance(2000);
    const second = await pending;
    assert.deepEqual(second.body.response, { auth_delayed: false, result: 'allow', status: 'allow', status_msg: 'Success. Logging you in...' });
    assert.equal(h.clock.now() - t0, 2000);
  });

  test('mock duo auth/v2 – a long-poll with nothing new returns the same status after long_poll_ms', async () => {
    const h = harness(baseFixture({ long_poll_ms: 5000 }), { auto: false });
    const tx = await post(h, 'auth', { username: 'tim', factor: 'push', device: 'auto', async: '1' });
    const txid = tx.body.response.txid as string;
    assert.equal((await get(h, 'auth_status', { txid })).body.response.status, 'pushed');
    const pending = get(h, 'auth_status', { txid });
    await h.clock.whenSleeping();
    await h.clock.advance(5000);
    assert.equal((await pending).body.response.status, 'pushed');
    // Each later poll waits at most long_poll_ms: 11 more polls until the push times out at 60 s.
    let polls = 0;
    let last: JsonBody;
    do {
      const pendingPoll = get(h, 'auth_status', { txid });
      await h.clock.whenSleeping();
      await h.clock.advance(5000);
      last = (await pendingPoll).body.response;
      polls++;
    } while (last.result === 'waiting');
    assert.equal(polls, 11);
    assert.deepEqual(last, { auth_delayed: false, result: 'deny', status: 'timeout', status_msg: 'Login timed out.' });
  });

  test('mock duo auth/v2 – async phone call goes calling, answered, allow', async () => {
    const h = harness();
    const txid = (await post(h, 'auth', { username: 'bob', factor: 'phone', device: 'auto', async: '1' })).body.response.txid;
    const seen: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = (await get(h, 'auth_status', { txid })).body.response;
      seen.push(r.status);
      if (r.result !== 'waiting') break;
    }
    // bob's first phone has after_ms 500 and denies pushes but approves calls.
    assert.deepEqual(seen, ['calling', 'answered', 'allow']);
  });

  test('mock duo auth/v2 – async passcode is settled at once; unknown txid is 40002', async () => {
    const h = harness();
    const txid = (await post(h, 'auth', { username: 'alice', factor: 'passcode', passcode: '123456', async: '1' })).body.response.txid;
    assert.equal((await get(h, 'auth_status', { txid })).body.response.result, 'allow');
    const bad = await get(h, 'auth_status', { txid: 'f22b1678-252a-4070-b176-0ca2be7319fd' });
    assert.deepEqual([bad.status, bad.body.code], [400, 40002]);
  });

  test('mock duo auth/v2 – enroll, enroll_status waiting, activation, success', async () => {
    const h = harness();
    const e = (await post(h, 'enroll', { username: 'frank', valid_secs: '600' })).body.response;
    assert.equal(e.username, 'frank');
    assert.match(e.user_id, /^DU[A-Z0-9]{18}$/);
    assert.match(e.activation_code, /^duo:\/\//);
    assert.equal(e.expiration, Math.floor(h.clock.now() / 1000) + 600);
    const status = async () => (await post(h, 'enroll_status', { user_id: e.user_id, activation_code: e.activation_code })).body.response;
    assert.equal(await status(), 'waiting');
    assert.equal((await post(h, 'preauth', { username: 'frank' })).body.response.result, 'enroll');
    h.mock.control.activate('frank');
    assert.equal(await status(), 'success');
    assert.equal((await post(h, 'preauth', { username: 'frank' })).body.response.result, 'auth');
    assert.equal((await post(h, 'enroll_status', { user_id: e.user_id, activation_code: 'duo://nope' })).body.response, 'invalid');
    assert.equal((await post(h, 'enroll', { username: 'frank' })).body.message, 'Username already exists');
  });
});

describe('mock duo auth/v2 – signatures', () => {
  test('mock duo auth/v2 – v2 SHA1, v2 SHA512, v4 and v5 are all accepted; v1 is not', async () => {
    const h = harness();
    for (const [version, digest] of [[2, 'sha1'], [2, 'sha512'], [4, undefined], [5, undefined]] as const) {
      const r = await h.json({ path: '/auth/v2/preauth', params: { username: 'alice' }, version, ...(digest ? { digest } : {}) });
      assert.equal(r.body.response?.result, 'auth', `v${version} ${digest ?? ''}`);
    }
    assert.deepEqual(h.mock.journal.entries().map((e) => e.sigVersion), [2, 2, 4, 5]);
    const v1 = await h.json({ path: '/auth/v2/preauth', params: { username: 'alice' }, version: 1 });
    assert.equal(v1.body.code, 40105); // v1 sends no date, which /auth/v2 requires
  });

  test('mock duo auth/v2 – the three date forms clients send are accepted', async () => {
    const h = harness();
    for (const style of ['-0000', '+0000', 'GMT'] as const) {
      const r = await h.json({ path: '/auth/v2/check', method: 'GET', date: formatDate(h.clock.now(), style) });
      assert.equal(r.status, 200, style);
    }
    // X-Duo-Date wins over Date (duo_unix sends only X-Duo-Date).
    const stale = formatDate(h.clock.now() - 3_600_000);
    const fresh = formatDate(h.clock.now());
    const r = await h.call({ path: '/auth/v2/check', method: 'GET', date: fresh, headers: { Date: stale, 'X-Duo-Date': fresh }, version: 2 });
    assert.equal(r.status, 200);
  });

  test('mock duo auth/v2 – a date outside the window is 401 40105; the window is configurable', async () => {
    const h = harness();
    const old = await h.json({ path: '/auth/v2/check', method: 'GET', date: h.clock.now() - 301_000 });
    assert.deepEqual([old.status, old.body.code, old.body.message], [401, 40105, 'Bad request timestamp']);
    assert.equal((await h.json({ path: '/auth/v2/check', method: 'GET', date: h.clock.now() + 299_000 })).status, 200);
    const wide = harness(baseFixture({ signature_window_s: 3600 }));
    assert.equal((await wide.json({ path: '/auth/v2/check', method: 'GET', date: wide.clock.now() - 3000_000 })).status, 200);
  });

  test('mock duo auth/v2 – an integration limited to /rest/v1 gets 403 40301', async () => {
    const h = harness(baseFixture({ integrations: [{ ikey: IKEY, skey: SKEY, api_host: HOST, apis: ['rest_v1'] }] }));
    assert.equal((await get(h, 'check')).body.code, 40301);
    assert.equal((await h.json({ path: '/auth/v2/ping', method: 'GET', unsigned: true })).status, 200);
  });

  test('mock duo auth/v2 – a JSON body that is not an object is 400 40002 (after the signature)', async () => {
    const h = harness();
    const r = await h.json({ path: '/auth/v2/preauth', version: 5, jsonBody: '["alice"]' });
    assert.deepEqual([r.status, r.body.code], [400, 40002]);
    assert.equal(h.mock.journal.entries().at(-1)!.sigVersion, 5);
    const tampered = await h.json({ path: '/auth/v2/preauth', version: 5, jsonBody: '{"username":"alice"}', sendBody: '{"username": "alice"}' });
    assert.equal(tampered.body.code, 40103); // v5 hashes the exact bytes: re-serialised JSON is a different body
  });
});

describe('mock duo auth/v2 – housekeeping', () => {
  test('mock duo auth/v2 – finished transactions are forgotten ten minutes after they end', async () => {
    const h = harness();
    const txid = (await post(h, 'auth', { username: 'alice', factor: 'passcode', passcode: '123456', async: '1' })).body.response.txid;
    assert.equal((await get(h, 'auth_status', { txid })).body.response.result, 'allow');
    await h.clock.advance(10 * 60_000 + 1);
    assert.equal((await get(h, 'auth_status', { txid })).body.code, 40002);
    assert.equal(h.mock.state.transactions.size, 0);
  });
});
