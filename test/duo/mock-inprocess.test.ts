// Our client in both dialects against the mock Duo's msw handlers in process (no socket: msw's
// setupServer would not see the undici transport, so the client runs over a Transport that hands each
// request to the handlers): the answers each user gets, and the classification of every fault kind on
// preauth and on auth. test/duo/mock-https.test.ts runs the real transport against the same mock.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { clientOver } from '../../adapters/duo/client.ts';
import type { DuoClient, DuoClientOptions } from '../../adapters/duo/types.ts';
import type { DuoErrorKind, DuoOutcome } from '../../machines/contracts.ts';
import { createMockDuo } from '../../mock-duo/index.ts';
import { createMswTransport } from '../../mock-duo/msw-transport.ts';
import { ALICE_FACTORS, ALICE_PROMPT, BOB_FACTORS, BOB_PHONE2, BOB_PROMPT, duoFixture, IKEY, SKEY } from './fixture.ts';

const HOST = 'api-test.duosecurity.com';
const mock = createMockDuo({ fixture: duoFixture(HOST) });

beforeEach(() => {
  mock.reset();
  mock.faults.clear();
  mock.journal.clear();
});

const PATHS = {
  rest_v1: { preauth: '/rest/v1/preauth', auth: '/rest/v1/auth' },
  auth_v2: { preauth: '/auth/v2/preauth', auth: '/auth/v2/auth' },
} as const;

function client(dialect: 'rest_v1' | 'auth_v2', extra: Partial<DuoClientOptions> = {}): DuoClient & { sleeps: number[] } {
  const sleeps: number[] = [];
  const c = clientOver(createMswTransport(mock.handlers, `https://${HOST}`), {
    dialect,
    ikey: IKEY,
    skey: SKEY,
    apiHost: HOST,
    userAgent: 'authproxy-test/0',
    minPollIntervalMs: 5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...extra,
  });
  return Object.assign(c, { sleeps });
}

const pre = (user: string) => ({ user, ipaddr: '192.0.2.10', failmode: 'safe' as const });
const auth = (user: string, factor: string) => ({ user, factor, ipaddr: '192.0.2.10' });

function assertError(out: DuoOutcome<unknown>, kind: DuoErrorKind, failOpen: boolean, label: string): void {
  assert.equal(out.ok, false, `${label}: expected an error, got ${JSON.stringify(out)}`);
  if (out.ok) return;
  assert.equal(out.error.kind, kind, `${label}: ${out.error.message}`);
  assert.equal(out.error.failOpen, failOpen, `${label}: failOpen`);
}

for (const dialect of ['rest_v1', 'auth_v2'] as const) {
  describe(`duo client against the mock (${dialect}, in process)`, () => {
    test('duo client – one phone: the prompt and factors of reference §18 fact 5', async () => {
      const out = await client(dialect).preauth(pre('alice'));
      assert.ok(out.ok && out.value.result === 'auth', JSON.stringify(out));
      assert.equal(out.value.prompt, ALICE_PROMPT);
      assert.deepEqual(out.value.factors, ALICE_FACTORS);
    });

    test('duo client – two phones and a token: options for the phones only, numbered among them', async () => {
      const out = await client(dialect).preauth(pre('bob'));
      assert.ok(out.ok && out.value.result === 'auth');
      assert.equal(out.value.prompt, BOB_PROMPT);
      assert.deepEqual(out.value.factors, BOB_FACTORS);
    });

    test('duo client – allow, deny and enroll users', async () => {
      const c = client(dialect);
      const byp = await c.preauth(pre('byp'));
      assert.ok(byp.ok && byp.value.result === 'allow');
      const locked = await c.preauth(pre('locked'));
      assert.ok(locked.ok && locked.value.result === 'deny');
      const unknown = await c.preauth(pre('nobody'));
      assert.ok(unknown.ok && unknown.value.result === 'enroll');
    });

    test('duo client – push approved, denied and timed out', async () => {
      const c = client(dialect);
      assert.deepEqual(await c.auth(auth('alice', 'push1')), { ok: true, value: { result: 'allow', status: 'Success. Logging you in...' } });
      assert.deepEqual(await c.auth(auth('carol', 'push')), { ok: true, value: { result: 'deny', status: 'Login request denied.' } });
      assert.deepEqual(await c.auth(auth('dave', 'push')), { ok: true, value: { result: 'deny', status: 'Login timed out.' } });
    });

    test('duo client – phone2 reaches the second phone', async () => {
      const c = client(dialect);
      await c.preauth(pre('bob'));
      assert.deepEqual(await c.auth(auth('bob', 'phone2')), { ok: true, value: { result: 'allow', status: 'Success. Logging you in...' } });
      const sent = mock.journal.entries({ path: PATHS[dialect].auth })[0];
      assert.ok(sent);
      if (dialect === 'rest_v1') assert.equal(sent.params['auto'], 'phone2');
      else assert.deepEqual([sent.params['factor'], sent.params['device']], ['phone', BOB_PHONE2]);
    });

    test('duo client – passcodes right and wrong; an SMS request is a deny carrying Duo text', async () => {
      const c = client(dialect);
      assert.deepEqual(await c.auth(auth('alice', '123456')), { ok: true, value: { result: 'allow', status: 'Success. Logging you in...' } });
      assert.deepEqual(await c.auth(auth('alice', '000000')), { ok: true, value: { result: 'deny', status: 'Incorrect passcode. Please try again.' } });
      const sms = await c.auth(auth('alice', 'sms1'));
      assert.deepEqual(sms, { ok: true, value: { result: 'deny', status: dialect === 'rest_v1' ? 'New SMS passcodes sent' : 'New SMS passcodes sent.' } });
    });

    test('duo client – check and ping; a wrong skey is a fail-closed 401', async () => {
      const c = client(dialect);
      const check = await c.check();
      assert.ok(check.ok, JSON.stringify(check));
      const ping = await c.ping();
      assert.ok(ping.ok && Math.abs(ping.value.offsetSec) < 5);
      const bad = client(dialect, { skey: 'x'.repeat(40) });
      const out = await bad.preauth(pre('alice'));
      assertError(out, 'http-4xx', false, 'bad skey');
      assert.ok(!out.ok && out.error.code === 40103);
      assertError(await bad.check(), 'http-4xx', false, 'bad skey check');
    });

    test('duo client – a passcode over 2000 characters never reaches Duo', async () => {
      assertError(await client(dialect).auth(auth('alice', '9'.repeat(2001))), 'factor-too-long', false, 'too long');
      assert.equal(mock.journal.entries({ path: PATHS[dialect].auth }).length, 0);
    });

    // Each fault on preauth and on (a passcode) auth: [name, fault, client options, preauth result, auth result].
    type Expect = 'ok' | [DuoErrorKind, boolean];
    const faults: [string, Record<string, unknown>, Partial<DuoClientOptions>, Expect, Expect][] = [
      ['latency', { latency_ms: 30 }, {}, 'ok', 'ok'],
      ['latency beyond api_timeout', { latency_ms: 1000 }, { apiTimeoutSec: 0.2 }, ['timeout', true], ['timeout', false]],
      ['5xx, not JSON', { http_status: 503 }, {}, ['http-5xx', true], ['http-5xx', true]],
      ['5xx JSON FAIL', { http_status: 500, body: '{"stat":"FAIL","code":50000,"message":"oops"}', content_type: 'application/json' }, {}, ['http-5xx', true], ['http-5xx', true]],
      ['400 text', { http_status: 400, body: 'Bad Request' }, {}, ['http-4xx', false], ['http-4xx', false]],
      ['429 then an answer', { retry_after: 2, times: 1 }, {}, 'ok', 'ok'],
      ['429 for ever', { http_status: 429 }, {}, ['rate-limited', false], ['rate-limited', false]],
      ['connection reset', { reset: true }, {}, ['network', true], ['network', false]],
      ['no answer, api_timeout 0.2 s', { hang: true }, { apiTimeoutSec: 0.2 }, ['timeout', true], ['timeout', false]],
      ['malformed JSON', { malformed_json: true }, {}, ['invalid-200', false], ['invalid-200', false]],
      ['outage', { outage: true }, {}, ['network', true], ['network', false]],
      // v1 signs no date, so skew cannot hurt it; v2 learns the offset from an (equally skewed) /ping.
      ['clock skew (ping skewed too)', { skew_s: 3600, match: { path: '*' } }, {}, 'ok', 'ok'],
    ];
    for (const [name, fault, opts, onPreauth, onAuth] of faults) {
      for (const call of ['preauth', 'auth'] as const) {
        const expected = call === 'preauth' ? onPreauth : onAuth;
        test(`duo client – fault "${name}" on ${call}: ${expected === 'ok' ? 'answered' : `${expected[0]}, failOpen ${expected[1]}`}`, async () => {
          mock.faults.add({ match: { path: PATHS[dialect][call] }, ...fault });
          const c = client(dialect, opts);
          const out = call === 'preauth' ? await c.preauth(pre('alice')) : await c.auth(auth('alice', '123456'));
          if (expected === 'ok') assert.equal(out.ok, true, JSON.stringify(out));
          else assertError(out, expected[0], expected[1], name);
          if (name === '429 then an answer') assert.deepEqual(c.sleeps, [2000]);
          if (name === '429 for ever') assert.equal(c.sleeps.length, 6);
          c.close();
        });
      }
    }

    test('duo client – clock skew on the call alone (ping right): v1 unaffected, v2 a fail-closed 40105', async () => {
      mock.faults.add({ match: { path: PATHS[dialect].preauth }, skew_s: 3600 });
      const out = await client(dialect).preauth(pre('alice'));
      if (dialect === 'rest_v1') assert.equal(out.ok, true);
      else {
        assertError(out, 'http-4xx', false, 'skew');
        assert.ok(!out.ok && out.error.code === 40105);
      }
    });

    test('duo client – the login deadline (signal) ends a hung call: timeout, fail-open on preauth, fail-closed on auth', async () => {
      mock.faults.add({ match: { path: PATHS[dialect].preauth }, hang: true });
      mock.faults.add({ match: { path: PATHS[dialect].auth }, hang: true });
      const c = client(dialect);
      assertError(await c.preauth(pre('alice'), AbortSignal.timeout(100)), 'timeout', true, 'preauth');
      assertError(await c.auth(auth('alice', 'push'), AbortSignal.timeout(100)), 'timeout', false, 'auth');
    });
  });
}
