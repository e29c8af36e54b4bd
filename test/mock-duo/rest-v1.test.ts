// Duo's proxy API (/rest/v1) as Duo's Authentication Proxy calls it: v1 signatures, form bodies,
// preauth prompt/factors, synchronous auth with factor=auto.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { baseFixture, HOST, harness, IKEY, SKEY } from './helpers.ts';

const preauth = (h: ReturnType<typeof harness>, user: string) => h.json({ path: '/rest/v1/preauth', params: { user, ipaddr: '10.0.0.5', failmode: 'safe' } });
const auth = (h: ReturnType<typeof harness>, user: string, auto: string) => h.json({ path: '/rest/v1/auth', params: { user, factor: 'auto', auto, ipaddr: '10.0.0.5' } });

describe('mock duo rest/v1 – preauth', () => {
  test('mock duo rest/v1 – one phone gives exactly the console prompt of reference §18 fact 5', async () => {
    const h = harness();
    const r = await preauth(h, 'alice');
    assert.equal(r.status, 200);
    assert.equal(r.body.stat, 'OK');
    assert.deepEqual(r.body.response, {
      result: 'auth',
      prompt:
        'Duo two-factor login for alice\n\nEnter a passcode or select one of the following options:\n\n 1. Duo Push to XXX-XXX-1234\n 2. Phone call to XXX-XXX-1234\n 3. SMS passcodes to XXX-XXX-1234\n\nPasscode or option (1-3): ',
      factors: { default: 'push1', '1': 'push1', '2': 'phone1', '3': 'sms1' },
      groups: ['VPN'],
    });
  });

  test('mock duo rest/v1 – two phones and a token: numbered by device, the token adds no option', async () => {
    const r = await preauth(harness(), 'bob');
    assert.equal(r.body.response.result, 'auth');
    assert.deepEqual(r.body.response.factors, { default: 'push1', '1': 'push1', '2': 'phone1', '3': 'sms1', '4': 'phone2', '5': 'sms2' });
    assert.match(r.body.response.prompt, / 1\. Duo Push to iOS \(XXX-XXX-1111\)\n/);
    assert.match(r.body.response.prompt, / 4\. Phone call to XXX-XXX-2222\n 5\. SMS passcodes to XXX-XXX-2222\n\nPasscode or option \(1-5\): $/);
    assert.equal(r.body.response.groups, undefined);
  });

  test('mock duo rest/v1 – locked out, disabled, bypass and unenrolled users', async () => {
    const h = harness();
    const dave = await preauth(h, 'dave');
    assert.equal(dave.body.response.result, 'deny');
    assert.equal(dave.body.response.status, h.mock.state.texts.lockedOut);
    assert.equal((await preauth(h, 'dis')).body.response.result, 'deny');
    const erin = await preauth(h, 'erin');
    assert.deepEqual(erin.body.response, { result: 'allow', status: h.mock.state.texts.bypass, groups: ['Admins'] });
    const newbie = await preauth(h, 'newbie');
    assert.equal(newbie.body.response.result, 'enroll');
    assert.match(newbie.body.response.status, /^Please enroll at https:\/\/api-test\.duosecurity\.com\/portal\?code=[a-z0-9]+$/);
  });

  test('mock duo rest/v1 – unknown users follow new_user_policy', async () => {
    const enroll = await preauth(harness(), 'stranger');
    assert.equal(enroll.body.response.result, 'enroll');
    assert.match(enroll.body.response.status, /https:\/\/.*\/portal\?code=/);
    const allow = await preauth(harness(baseFixture({ new_user_policy: 'allow' })), 'stranger');
    assert.deepEqual(allow.body.response, { result: 'allow', status: 'Allowing unknown user' });
    const deny = await preauth(harness(baseFixture({ new_user_policy: 'deny' })), 'stranger');
    assert.equal(deny.body.response.result, 'deny');
    assert.equal(typeof deny.body.response.status, 'string');
  });

  test('mock duo rest/v1 – group policy: a member of a disabled group is denied', async () => {
    const h = harness(baseFixture({ groups: { VPN: { status: 'disabled' } } }));
    assert.equal((await preauth(h, 'alice')).body.response.result, 'deny');
  });

  test('mock duo rest/v1 – a fixture can override a text', async () => {
    const h = harness(baseFixture({ texts: { lockedOut: 'Locked. Call the helpdesk.' } }));
    assert.equal((await preauth(h, 'dave')).body.response.status, 'Locked. Call the helpdesk.');
  });
});

describe('mock duo rest/v1 – auth', () => {
  test('mock duo rest/v1 – push approve answers when the user does (virtual time)', async () => {
    const h = harness();
    const t0 = h.clock.now();
    const r = await auth(h, 'alice', 'push1');
    assert.deepEqual(r.body, { stat: 'OK', response: { result: 'allow', status: 'Success. Logging you in...' } });
    assert.equal(h.clock.now() - t0, 2000); // alice's after_ms
  });

  test('mock duo rest/v1 – push deny, fraud and timeout', async () => {
    const h = harness();
    assert.deepEqual((await auth(h, 'bob', 'push')).body.response, { result: 'deny', status: 'Login request denied.' });
    assert.deepEqual((await auth(h, 'carol', 'push1')).body.response, { result: 'deny', status: h.mock.state.texts.fraud });
    const t0 = h.clock.now();
    assert.deepEqual((await auth(h, 'tim', 'push1')).body.response, { result: 'deny', status: 'Login timed out.' });
    assert.equal(h.clock.now() - t0, 60_000);
  });

  test('mock duo rest/v1 – phone call to the second phone, and a phone timeout', async () => {
    const h = harness();
    const t0 = h.clock.now();
    assert.deepEqual((await auth(h, 'bob', 'phone2')).body.response, { result: 'allow', status: 'Success. Logging you in...' });
    assert.equal(h.clock.now() - t0, 8000);
    assert.deepEqual((await auth(h, 'tim', 'phone')).body.response, { result: 'deny', status: 'No keypress detected. Please try again.' });
  });

  test('mock duo rest/v1 – a factor the device cannot do is 400 40002', async () => {
    const h = harness();
    const r = await auth(h, 'bob', 'push2'); // bob's second phone has no push
    assert.equal(r.status, 400);
    assert.deepEqual(r.body, { stat: 'FAIL', code: 40002, message: 'Invalid request parameters', message_detail: 'no capable device' });
  });

  test('mock duo rest/v1 – sms sends a new batch that replaces the old one; each code works once', async () => {
    const h = harness();
    const first = await auth(h, 'alice', 'sms1');
    assert.deepEqual(first.body.response, { result: 'deny', status: 'New SMS passcodes sent' });
    const batch1 = h.mock.control.smsBatch('alice')!;
    assert.equal(batch1.length, 10);
    assert.ok(batch1.every((c, i) => /^\d{7}$/.test(c) && c[0] === String((i + 1) % 10)));
    await auth(h, 'alice', 'sms');
    const batch2 = h.mock.control.smsBatch('alice')!;
    assert.notDeepEqual(batch2, batch1);
    const stale = batch1.find((c) => !batch2.includes(c))!;
    assert.equal((await auth(h, 'alice', stale)).body.response.result, 'deny');
    assert.equal((await auth(h, 'alice', batch2[0]!)).body.response.result, 'allow');
    assert.equal((await auth(h, 'alice', batch2[0]!)).body.response.result, 'deny');
    assert.equal(h.mock.control.smsBatch('alice')!.length, 9);
  });

  test('mock duo rest/v1 – passcodes: reusable, once, wrong', async () => {
    const h = harness();
    for (let i = 0; i < 2; i++) assert.equal((await auth(h, 'alice', '123456')).body.response.result, 'allow');
    assert.equal((await auth(h, 'alice', '654321')).body.response.result, 'allow');
    assert.deepEqual((await auth(h, 'alice', '654321')).body.response, { result: 'deny', status: 'Incorrect passcode. Please try again.' });
    // An option number not offered is sent as is by Duo's proxy and is just a wrong passcode (§19.8).
    assert.equal((await auth(h, 'alice', '6')).body.response.result, 'deny');
  });

  test('mock duo rest/v1 – bypass codes count their uses', async () => {
    const h = harness();
    assert.equal((await auth(h, 'alice', '987654321')).body.response.result, 'allow');
    assert.equal(h.mock.control.user('alice')!.bypass_codes[0]!.uses_left, 1);
    assert.equal((await auth(h, 'alice', '987654321')).body.response.result, 'allow');
    assert.equal((await auth(h, 'alice', '987654321')).body.response.result, 'deny');
  });

  test('mock duo rest/v1 – repeated wrong passcodes lock the user out at lockout_after', async () => {
    const h = harness(baseFixture({ lockout_after: 3 }));
    assert.equal((await auth(h, 'alice', '000001')).body.response.result, 'deny');
    assert.equal((await auth(h, 'alice', '123456')).body.response.result, 'allow'); // a success resets the count
    for (let i = 0; i < 3; i++) assert.equal((await auth(h, 'alice', `00000${i}`)).body.response.status, 'Incorrect passcode. Please try again.');
    assert.equal(h.mock.control.user('alice')!.status, 'locked_out');
    assert.deepEqual((await preauth(h, 'alice')).body.response, { result: 'deny', status: h.mock.state.texts.lockedOut, groups: ['VPN'] });
    assert.deepEqual((await auth(h, 'alice', '123456')).body.response, { result: 'deny', status: h.mock.state.texts.lockedOut });
  });

  test('mock duo rest/v1 – denied and timed-out pushes count toward lockout too', async () => {
    const h = harness(baseFixture({ lockout_after: 2 }));
    await auth(h, 'tim', 'push1');
    await auth(h, 'tim', 'push1');
    assert.equal((await preauth(h, 'tim')).body.response.result, 'deny');
  });

  test('mock duo rest/v1 – a device behaviour changed at run time applies to the next push', async () => {
    const h = harness();
    const r = h.mock.control.patchUser('alice', { devices: { DPALICE0000000000001: { push: 'deny', after_ms: 10 } } });
    assert.ok(r?.ok);
    assert.equal((await auth(h, 'alice', 'push1')).body.response.result, 'deny');
  });

  test('mock duo rest/v1 – the journal redacts passcodes but keeps factor names', async () => {
    const h = harness();
    await auth(h, 'alice', '123456');
    await auth(h, 'alice', 'push1');
    const [a, b] = h.mock.journal.entries({ path: '/rest/v1/auth' });
    assert.deepEqual(a!.params, { user: 'alice', factor: 'auto', auto: '[redacted]', ipaddr: '10.0.0.5' });
    assert.equal(b!.params['auto'], 'push1');
    assert.equal(a!.ikey, IKEY);
    assert.equal(a!.sigVersion, 1);
    assert.equal(b!.result, 'allow');
    assert.doesNotMatch(JSON.stringify(h.mock.journal.entries()), /123456/);
  });
});

describe('mock duo rest/v1 – signatures', () => {
  test('mock duo rest/v1 – only v1 is accepted; v2 is refused 40103', async () => {
    const h = harness();
    const r = await h.json({ path: '/rest/v1/preauth', params: { user: 'alice' }, version: 2 });
    assert.equal(r.status, 401);
    assert.equal(r.body.code, 40103);
  });

  test('mock duo rest/v1 – v1 with HMAC-SHA512 (duo_openvpn) is accepted', async () => {
    const r = await harness().json({ path: '/rest/v1/preauth', params: { user: 'alice' }, digest: 'sha512' });
    assert.equal(r.body.response.result, 'auth');
  });

  test("mock duo rest/v1 – Duo's error codes for missing credentials, unknown ikey, wrong skey, wrong host", async () => {
    const h = harness();
    const none = await h.json({ path: '/rest/v1/preauth', params: { user: 'alice' }, unsigned: true });
    assert.deepEqual([none.status, none.body], [401, { stat: 'FAIL', code: 40101, message: 'Missing request credentials' }]);
    const ikey = await h.json({ path: '/rest/v1/preauth', params: { user: 'alice' }, ikey: 'DIUNKNOWN00000000000' });
    assert.deepEqual([ikey.status, ikey.body.code, ikey.body.message], [401, 40102, 'Invalid integration key in request credentials']);
    const skey = await h.json({ path: '/rest/v1/preauth', params: { user: 'alice' }, skey: SKEY.replace('t', 'T') });
    assert.deepEqual([skey.status, skey.body.code, skey.body.message], [401, 40103, 'Invalid signature in request credentials']);
    const host = await h.json({ path: '/rest/v1/preauth', params: { user: 'alice' }, host: 'other.example.com' });
    assert.equal(host.body.code, 40103);
    assert.equal(h.mock.journal.entries().at(-1)!.refused, 'host-mismatch');
    // The host is compared case-insensitively and without its port.
    assert.equal((await h.json({ path: '/rest/v1/preauth', params: { user: 'alice' }, host: HOST.toUpperCase() })).status, 200);
  });

  test('mock duo rest/v1 – an integration limited to the Auth API gets 403 40301', async () => {
    const h = harness(baseFixture({ integrations: [{ ikey: IKEY, skey: SKEY, api_host: HOST, apis: ['auth_v2'] }] }));
    const r = await h.json({ path: '/rest/v1/preauth', params: { user: 'alice' } });
    assert.deepEqual([r.status, r.body], [403, { stat: 'FAIL', code: 40301, message: 'Access forbidden', message_detail: 'Wrong integration type for this API.' }]);
  });

  test('mock duo rest/v1 – spaces and + in parameters survive form encoding', async () => {
    const h = harness(baseFixture({ new_user_policy: 'allow' }));
    const r = await preauth(h, 'CORP\\alice smith+x');
    assert.equal(r.body.response.result, 'allow');
    assert.equal(h.mock.journal.entries().at(-1)!.user, 'CORP\\alice smith+x');
  });
});
