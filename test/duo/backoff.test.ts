// The 429 backoff (duo-auth-api.md §0-F): schedule, Retry-After, and the deadline, with an injected
// sleep so no test waits.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { BACKOFF_BASE_MS, backoffDelayMs, MAX_ATTEMPTS, parseRetryAfter } from '../../adapters/duo/backoff.ts';
import { harness, json, ok } from './support.ts';

const tooMany = (headers: Record<string, string> = {}) => json(429, { stat: 'FAIL', code: 42901, message: 'Too Many Requests' }, headers);
const allow = ok({ result: 'allow', status: 'Allowing unknown user', status_msg: 'Allowing unknown user' });
const preauth = { user: 'alice', ipaddr: '0.0.0.0', failmode: 'safe' } as const;

describe('duo backoff', () => {
  test('duo backoff – waits 1, 2, 4, 8, 16, 32 s plus under 1 s of jitter, then gives up', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (r) => {
        const waits = [0, 1, 2, 3, 4, 5].map((i) => backoffDelayMs(i, () => r));
        waits.forEach((w, i) => {
          const base = BACKOFF_BASE_MS[i]!;
          assert.ok(w !== undefined && w >= base && w < base + 1000, `retry ${i}: ${w}`);
        });
        assert.equal(backoffDelayMs(6, () => r), undefined);
      }),
    );
    assert.equal(MAX_ATTEMPTS, 7);
  });

  test('duo backoff – Retry-After replaces the scheduled wait', () => {
    assert.equal(backoffDelayMs(0, () => 0.9, 3000), 3000);
    assert.equal(backoffDelayMs(6, () => 0.9, 3000), undefined);
  });

  test('duo backoff – Retry-After is read as seconds or as an HTTP date', () => {
    const now = Date.UTC(2024, 0, 1, 12, 0, 0);
    assert.equal(parseRetryAfter('3', now), 3000);
    assert.equal(parseRetryAfter(' 0 ', now), 0);
    assert.equal(parseRetryAfter('Mon, 01 Jan 2024 12:00:05 GMT', now), 5000);
    assert.equal(parseRetryAfter('Mon, 01 Jan 2024 11:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter(undefined, now), undefined);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter('-3', now), undefined);
    assert.equal(parseRetryAfter('1.5', now), undefined);
  });

  test('duo backoff – two 429s then an answer: two scheduled waits, then the answer', async () => {
    const { client, transport, sleeps } = harness({}, tooMany(), tooMany(), allow);
    const out = await client.preauth(preauth);
    assert.deepEqual(out, { ok: true, value: { result: 'allow', status: 'Allowing unknown user' } });
    assert.deepEqual(sleeps, [1500, 2500]);
    assert.equal(transport.sent.length, 3);
  });

  test('duo backoff – Retry-After and X-Retry-After are honoured', async () => {
    const a = harness({}, tooMany({ 'retry-after': '3' }), allow);
    assert.equal((await a.client.preauth(preauth)).ok, true);
    assert.deepEqual(a.sleeps, [3000]);
    const b = harness({}, tooMany({ 'x-retry-after': '7' }), allow);
    assert.equal((await b.client.preauth(preauth)).ok, true);
    assert.deepEqual(b.sleeps, [7000]);
  });

  test('duo backoff – the full schedule costs 7 attempts and the 6 waits', async () => {
    const { client, transport, sleeps } = harness({ dialect: 'auth_v2' }, tooMany());
    const out = await client.auth({ user: 'alice', factor: '123456', ipaddr: '0.0.0.0' });
    assert.equal(out.ok, false);
    assert.deepEqual(sleeps, [1500, 2500, 4500, 8500, 16_500, 32_500]);
    assert.equal(transport.sent.length, 7);
  });

  test('duo backoff – never waits past api_timeout: gives up as rate-limited instead', async () => {
    const { client, transport, sleeps } = harness({ apiTimeoutSec: 5 }, tooMany());
    const out = await client.preauth(preauth);
    assert.equal(out.ok, false);
    if (!out.ok) assert.equal(out.error.kind, 'rate-limited');
    // 1.5 + 2.5 = 4 s spent; the next wait (4.5 s) would end after the 5 s budget.
    assert.deepEqual(sleeps, [1500, 2500]);
    assert.equal(transport.sent.length, 3);
  });

  test('duo backoff – a Retry-After beyond the budget is not waited for', async () => {
    const { client, sleeps } = harness({ apiTimeoutSec: 2 }, tooMany({ 'retry-after': '30' }), allow);
    const out = await client.preauth(preauth);
    assert.equal(out.ok, false);
    assert.deepEqual(sleeps, []);
  });

  test('duo backoff – the caller aborting during a wait ends the call as rate-limited, fail-closed', async () => {
    const controller = new AbortController();
    const { client, transport } = harness(
      {
        sleep: async () => {
          controller.abort();
        },
      },
      tooMany(),
      allow,
    );
    const out = await client.preauth(preauth, controller.signal);
    assert.equal(out.ok, false);
    if (!out.ok) {
      assert.equal(out.error.kind, 'rate-limited');
      assert.equal(out.error.failOpen, false);
    }
    assert.equal(transport.sent.length, 1);
  });
});
