// Every fault kind, set from the fixture, the in-process API and the HTTP control API (/_mock/).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getResponse } from 'msw';
import type { FaultInput } from '../../mock-duo/fixture.ts';
import { baseFixture, HOST, harness, IKEY, type JsonBody } from './helpers.ts';

type H = ReturnType<typeof harness>;
const preauthV1 = (h: H, user = 'alice', signal?: AbortSignal) =>
  h.call({ path: '/rest/v1/preauth', params: { user, ipaddr: '10.0.0.5' }, ...(signal ? { signal } : {}) });
const preauthV2 = (h: H, username = 'alice') => h.call({ path: '/auth/v2/preauth', params: { username }, version: 5 });

async function control(h: H, method: string, path: string, body?: unknown): Promise<{ status: number; body: JsonBody }> {
  const r = await getResponse(
    h.mock.handlers,
    new Request(`https://${HOST}/_mock/${path}`, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } } : {}) }),
  );
  assert.ok(r);
  return { status: r.status, body: await r.json() };
}

const withFault = (fault: FaultInput) => harness(baseFixture({ faults: [fault] }));

describe('mock duo faults – kinds', () => {
  test('mock duo faults – the design.md example: 503 with a non-JSON body on one path', async () => {
    const h = withFault({ match: { path: '/auth/v2/preauth' }, http_status: 503, body: 'Service Unavailable' });
    const r = await preauthV2(h);
    assert.equal(r.status, 503);
    assert.equal(r.headers.get('content-type'), 'text/plain');
    assert.equal(await r.text(), 'Service Unavailable');
    assert.equal((await preauthV1(h)).status, 200); // other paths untouched
    assert.deepEqual(h.mock.journal.entries()[0]!.faults, ['fault-1']);
  });

  test('mock duo faults – a 5xx without a body gets a plain-text reason', async () => {
    const r = await preauthV1(withFault({ match: { path: '/rest/v1/*' }, http_status: 500 }));
    assert.equal(r.status, 500);
    assert.equal(await r.text(), 'Internal Server Error');
  });

  test("mock duo faults – 429 with Retry-After answers Duo's 42901 JSON", async () => {
    for (const fault of [{ http_status: 429, retry_after: 3 }, { retry_after: 'Wed, 21 Oct 2026 07:28:00 GMT' }] as FaultInput[]) {
      const r = await preauthV2(withFault(fault));
      assert.equal(r.status, 429);
      assert.equal(r.headers.get('retry-after'), String(fault.retry_after));
      assert.deepEqual(await r.json(), { stat: 'FAIL', code: 42901, message: 'Too Many Requests' });
    }
  });

  test('mock duo faults – connection reset is a network error', async () => {
    const h = withFault({ match: { path: '/rest/v1/auth' }, reset: true });
    const r = await h.call({ path: '/rest/v1/auth', params: { user: 'alice', factor: 'auto', auto: 'push1' } });
    assert.equal(r.type, 'error');
    assert.equal(h.mock.journal.entries()[0]!.status, 0);
  });

  test('mock duo faults – a hung request never answers until the client gives up', async () => {
    const h = withFault({ hang: true });
    const ac = new AbortController();
    let settled = false;
    const pending = preauthV1(h, 'alice', ac.signal).then((r) => {
      settled = true;
      return r;
    });
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    assert.equal(settled, false);
    ac.abort();
    assert.equal((await pending).type, 'error');
  });

  test('mock duo faults – malformed JSON is a 200 whose body does not parse', async () => {
    const r = await preauthV1(withFault({ malformed_json: true }));
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/json');
    await assert.rejects(r.json());
  });

  test('mock duo faults – latency delays the answer by that much mock time', async () => {
    const h = withFault({ match: { path: '/rest/v1/preauth' }, latency_ms: 7000 });
    const t0 = h.clock.now();
    assert.equal((await preauthV1(h)).status, 200);
    assert.equal(h.clock.now() - t0, 7000);
  });

  test("mock duo faults – clock skew moves the mock's time: ping shows it, signatures fall outside the window", async () => {
    const h = withFault({ skew_s: 400 });
    const ping: JsonBody = await (await h.call({ path: '/auth/v2/ping', method: 'GET', unsigned: true })).json();
    assert.equal(ping.response.time, Math.floor(h.clock.now() / 1000) + 400);
    const r = await preauthV2(h);
    assert.equal(r.status, 401);
    assert.equal(((await r.json()) as JsonBody).code, 40105);
    // v1 is undated, so Duo's own proxy does not notice a skew.
    assert.equal((await preauthV1(h)).status, 200);
  });

  test('mock duo faults – an outage resets every Duo path', async () => {
    const h = withFault({ outage: true });
    assert.equal((await preauthV1(h)).type, 'error');
    assert.equal((await preauthV2(h)).type, 'error');
    assert.equal((await h.call({ path: '/auth/v2/ping', method: 'GET', unsigned: true })).type, 'error');
    assert.equal((await control(h, 'GET', 'faults')).status, 200); // the control API is never faulted
  });

  test('mock duo faults – times, and matching by user, ikey and method', async () => {
    const once = withFault({ http_status: 502, times: 1 });
    assert.equal((await preauthV1(once)).status, 502);
    assert.equal((await preauthV1(once)).status, 200);
    const byUser = withFault({ match: { user: 'bob' }, http_status: 500 });
    assert.equal((await preauthV1(byUser, 'alice')).status, 200);
    assert.equal((await preauthV1(byUser, 'bob')).status, 500);
    assert.equal((await preauthV2(byUser, 'bob')).status, 500); // username= counts as the user too
    assert.equal((await preauthV1(withFault({ match: { ikey: 'DIOTHER0000000000000' }, http_status: 500 }))).status, 200);
    assert.equal((await preauthV1(withFault({ match: { ikey: IKEY, method: 'post' }, http_status: 500 }))).status, 500);
  });
});

describe('mock duo faults – at run time', () => {
  test('mock duo faults – in-process add, list, remove, clear', async () => {
    const h = harness();
    const id = h.mock.faults.add({ match: { path: '/rest/v1/preauth' }, http_status: 503 });
    assert.ok(id.ok);
    assert.equal((await preauthV1(h)).status, 503);
    assert.equal(h.mock.faults.list()[0]!.hits, 1);
    assert.ok(h.mock.faults.remove(id.value));
    assert.equal((await preauthV1(h)).status, 200);
    const bad = h.mock.faults.add({ match: {}, reset: true, hang: true });
    assert.ok(!bad.ok);
    assert.match(bad.errors[0]!, /only one of/);
  });

  test('mock duo faults – HTTP control API: PUT, GET, POST, DELETE /_mock/faults', async () => {
    const h = harness();
    const put = await control(h, 'PUT', 'faults', [{ match: { path: '/rest/v1/preauth' }, http_status: 504 }, { id: 'slow', latency_ms: 100 }]);
    assert.equal(put.status, 200);
    assert.equal(put.body.ids.length, 2);
    assert.equal((await preauthV1(h)).status, 504);
    assert.deepEqual((await control(h, 'GET', 'faults')).body.map((f: { id: string }) => f.id), [put.body.ids[0], 'slow']);
    assert.equal((await control(h, 'DELETE', `faults/${put.body.ids[0]}`)).status, 200);
    assert.equal((await preauthV1(h)).status, 200);
    const posted = await control(h, 'POST', 'faults', { reset: true });
    assert.equal(posted.status, 201);
    assert.equal((await preauthV1(h)).type, 'error');
    await control(h, 'DELETE', 'faults');
    assert.equal((await preauthV1(h)).status, 200);
    const invalid = await control(h, 'PUT', 'faults', [{ http_status: 'x' }]);
    assert.equal(invalid.status, 400);
    assert.match(invalid.body.error[0], /fault http_status/);
  });

  test('mock duo faults – HTTP control API: users, sms batch, journal, reset', async () => {
    const h = harness();
    const patched = await control(h, 'PATCH', 'users/alice', { devices: { '1': { push: 'deny' } } });
    assert.equal(patched.body.devices[0].push, 'deny');
    const r: JsonBody = await (await h.call({ path: '/rest/v1/auth', params: { user: 'alice', factor: 'auto', auto: 'push1' } })).json();
    assert.equal(r.response.result, 'deny');
    assert.equal((await control(h, 'PATCH', 'users/alice', { devices: { '9': { push: 'deny' } } })).status, 400);
    assert.equal((await control(h, 'PATCH', 'users/nobody', {})).status, 404);
    const sms = await control(h, 'POST', 'users/alice/sms');
    assert.equal(sms.body.codes.length, 10);
    assert.deepEqual((await control(h, 'GET', 'users/alice/sms')).body, sms.body);
    const put = await control(h, 'PUT', 'users/zed', { status: 'bypass' });
    assert.equal(put.body.status, 'bypass');
    assert.equal((await control(h, 'PUT', 'users/zed', { status: 'sleepy' })).status, 400);
    const journal = await control(h, 'GET', 'journal?path=/rest/v1/auth');
    assert.equal(journal.body.length, 1);
    await control(h, 'POST', 'reset');
    assert.equal((await control(h, 'GET', 'users/alice')).body.devices[0].push, 'approve');
    assert.equal((await control(h, 'GET', 'users/zed')).status, 404);
    assert.deepEqual((await control(h, 'GET', 'journal')).body, []);
  });

  test('mock duo faults – HTTP control API: advance a manual clock', async () => {
    const h = harness(baseFixture(), { auto: false });
    const t0 = h.clock.now();
    const r = await control(h, 'POST', 'clock/advance', { ms: 1500 });
    assert.deepEqual(r.body, { now: t0 + 1500 });
    assert.equal((await control(h, 'POST', 'clock/advance', { ms: -1 })).status, 400);
  });
});
