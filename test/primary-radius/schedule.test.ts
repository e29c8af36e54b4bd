// Retransmission, failover and timeout of radius_client primary auth (reference §12, fact 43, §19.12)
// against silent upstreams: UDP sockets that record what arrives and never answer (the absence of a
// server). Virtual timers run the 8 s schedule at once; one run uses real timers with a short wait.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { attr } from '../../adapters/radius/attributes.ts';
import { encodeReply } from '../../adapters/radius/codec/index.ts';
import { createRadiusPrimary, NO_PASS_THROUGH } from '../../adapters/radius/primary-client.ts';
import type { PrimaryAuthRequest, PrimaryAuthResult } from '../../machines/contracts.ts';
import { passwordOf, section, silentUpstreams, typesOf, virtualTimers } from './helpers.ts';

const TIMED_OUT = 'Error performing primary authentication: RADIUS auth request timed out';

const login = (over: Partial<PrimaryAuthRequest> = {}): PrimaryAuthRequest => ({
  username: 'alice',
  password: 'hunter2',
  requestAttributes: [attr('User-Name', 'alice'), attr('Calling-Station-Id', '198.51.100.7')],
  server: 'radius_server_auto',
  ...over,
});

/** Settles to the result, or to 'pending' if it has not settled after the I/O queued so far. */
async function peek(p: Promise<PrimaryAuthResult>): Promise<PrimaryAuthResult | 'pending'> {
  return Promise.race([p, new Promise<'pending'>((r) => setImmediate(() => r('pending')))]);
}

describe('primary-radius schedule', { timeout: 30_000 }, () => {
  test('primary-radius – defaults: sends at 0, 2, 4, 6 s alternating host_1/host_2, the same packet; timeout result at 8 s', async (t) => {
    const up = await silentUpstreams(2);
    const timers = virtualTimers();
    const primary = createRadiusPrimary(section(up.hosts), NO_PASS_THROUGH, { timers });
    t.after(async () => { await primary.close(); await up.close(); });

    const result = primary.authenticate(login());
    for (const [n, at] of [[1, 0], [2, 2000], [3, 4000], [4, 6000]] as const) {
      if (at > 0) timers.advance(2000);
      await up.waitFor(n);
      assert.equal(timers.now(), at);
      assert.equal(up.received.length, n, `send ${n} at ${at} ms`);
      assert.deepEqual(timers.pending(), [2000], 'the next step is retry_wait away');
    }
    assert.deepEqual(up.received.map((c) => c.upstream), [0, 1, 0, 1]);
    const first = up.received[0]!.packet.raw;
    for (const c of up.received) assert.deepEqual(c.packet.raw, first, 'a retransmission is the same bytes (id, authenticator)');
    assert.deepEqual(typesOf(up.received[0]!.packet), [80, 4, 1, 2, 31], 'MA first, then as 4.0.2 (§19.12)');
    assert.equal(passwordOf(up.received[0]!.packet), 'hunter2');

    timers.advance(1999);
    assert.equal(await peek(result), 'pending');
    timers.advance(1);
    assert.deepEqual(await result, { ok: false, message: TIMED_OUT, attributes: [] });
    assert.equal(primary.stats().client.sends, 4);
    assert.equal(primary.stats().timeouts, 1);
    assert.deepEqual(timers.pending(), [], 'nothing left scheduled');
  });

  test('primary-radius – retries=1 retry_wait=1: sends at 0 and 1 s, timeout at 2 s (§19.12)', async (t) => {
    const up = await silentUpstreams(1);
    const timers = virtualTimers();
    const primary = createRadiusPrimary(section(up.hosts, { retries: 1, retryWait: 1 }), NO_PASS_THROUGH, { timers });
    t.after(async () => { await primary.close(); await up.close(); });

    const result = primary.authenticate(login());
    await up.waitFor(1);
    timers.advance(1000);
    await up.waitFor(2);
    timers.advance(999);
    assert.equal(await peek(result), 'pending');
    timers.advance(1);
    assert.equal((await result).message, TIMED_OUT);
    assert.equal(up.received.length, 2);
  });

  test('primary-radius – real timers, retry_wait 0.2 s, three hosts: four sends cycling h1 h2 h3 h1, then the timeout result', async (t) => {
    const up = await silentUpstreams(3);
    const primary = createRadiusPrimary(section(up.hosts, { retryWait: 0.2 }), NO_PASS_THROUGH);
    t.after(async () => { await primary.close(); await up.close(); });
    const r = await primary.authenticate(login());
    assert.deepEqual(r, { ok: false, message: TIMED_OUT, attributes: [] });
    await up.waitFor(4);
    assert.deepEqual(up.received.map((c) => c.upstream), [0, 1, 2, 0]);
  });

  test('primary-radius – a forged answer (wrong secret) and one from an unknown port are dropped, counted, and the schedule runs on', async (t) => {
    const up = await silentUpstreams(1);
    const stranger = await silentUpstreams(1);
    const timers = virtualTimers();
    const primary = createRadiusPrimary(section(up.hosts), NO_PASS_THROUGH, { timers });
    t.after(async () => { await primary.close(); await up.close(); await stranger.close(); });

    const result = primary.authenticate(login());
    await up.waitFor(1);
    const req = up.received[0]!;
    const forged = encodeReply(req.packet, 2, [], 'not-the-secret');
    const genuine = encodeReply(req.packet, 2, [], 'upstream-secret');
    assert.ok(forged.ok && genuine.ok);
    up.sockets[0]!.send(forged.bytes, req.from.port, req.from.address);
    stranger.sockets[0]!.send(genuine.bytes, req.from.port, req.from.address);
    await waitUntil(() => Object.values(primary.stats().client.dropped).reduce((a, b) => a + (b ?? 0), 0) >= 2);
    assert.equal(primary.stats().client.dropped['bad-authenticator'], 1);
    assert.equal(primary.stats().client.dropped['unknown-source'], 1);
    assert.equal(await peek(result), 'pending');
    timers.advance(8000);
    assert.equal((await result).message, TIMED_OUT);
    assert.equal(primary.stats().accepted, 0);
  });

  test('primary-radius – without nas_ip, NAS-IP-Address is the local address towards the upstream', async (t) => {
    const up = await silentUpstreams(1);
    const timers = virtualTimers();
    const primary = createRadiusPrimary(section(up.hosts, { nasIp: undefined }), NO_PASS_THROUGH, { timers });
    t.after(async () => { await primary.close(); await up.close(); });
    const result = primary.authenticate(login());
    await up.waitFor(1);
    const nas = up.received[0]!.packet.attributes.find((a) => a.type === 4);
    assert.deepEqual([...(nas?.value ?? [])], [127, 0, 0, 1]);
    timers.advance(8000);
    await result;
  });

  test('primary-radius – an aborted login stops sending and ends with a result, never a throw', async (t) => {
    const up = await silentUpstreams(1);
    const timers = virtualTimers();
    const primary = createRadiusPrimary(section(up.hosts), NO_PASS_THROUGH, { timers });
    t.after(async () => { await primary.close(); await up.close(); });
    const ac = new AbortController();
    const result = primary.authenticate(login(), ac.signal);
    await up.waitFor(1);
    ac.abort();
    const r = await result;
    assert.equal(r.ok, false);
    assert.match(r.message, /^Error performing primary authentication: /);
    assert.deepEqual(timers.pending(), []);
    timers.advance(10_000);
    assert.equal(primary.stats().client.sends, 1);
  });

  test('primary-radius – close() ends logins in flight with the shutting-down result', async (t) => {
    const up = await silentUpstreams(1);
    const timers = virtualTimers();
    const primary = createRadiusPrimary(section(up.hosts), NO_PASS_THROUGH, { timers });
    t.after(() => up.close());
    const result = primary.authenticate(login());
    await up.waitFor(1);
    await primary.close();
    assert.deepEqual(await result, { ok: false, message: 'Error performing primary authentication: RADIUS client shutting down', attributes: [] });
    assert.equal((await primary.authenticate(login())).ok, false);
  });

  test('primary-radius – a section it cannot serve is refused at creation', () => {
    assert.throws(() => createRadiusPrimary(section([]), NO_PASS_THROUGH), /no host/);
    assert.throws(() => createRadiusPrimary(section([{ host: 'radius.example', port: 1812 }]), NO_PASS_THROUGH), /IP addresses/);
    assert.throws(() => createRadiusPrimary(section([{ host: '127.0.0.1', port: 1812 }, { host: '::1', port: 1812 }]), NO_PASS_THROUGH), /IPv4 or all IPv6/);
    assert.throws(() => createRadiusPrimary(section([{ host: '127.0.0.1', port: 1812 }], { nasIp: 'nas' }), NO_PASS_THROUGH), /nas_ip/);
  });
});

async function waitUntil(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond(), 'condition reached');
}
