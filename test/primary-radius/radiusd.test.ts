// radius_client primary auth against a real FreeRADIUS (test/harness radiusd): results and messages
// (reference §12, §19.12), the radius_client pass-through of reply attributes, Message-Authenticator
// policy (BlastRADIUS), passwords re-hidden intact (§19.9), an upstream Access-Challenge (fact 44),
// failover to host_2, and 600 logins in flight at once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { attr, findString, findValues } from '../../adapters/radius/attributes.ts';
import { createRadiusPrimary, NO_PASS_THROUGH, type RadiusPrimarySection } from '../../adapters/radius/primary-client.ts';
import { checkRadiusClientConnectivity } from '../../adapters/radius/primary-connectivity.ts';
import type { PrimaryAuthRequest } from '../../machines/contracts.ts';
import { radiusd } from '../harness/index.ts';
import { SECRET, section, silentUpstreams, virtualTimers } from './helpers.ts';

const TIMED_OUT = 'Error performing primary authentication: RADIUS auth request timed out';
const CONCURRENT = 600;

const PASSWORDS = {
  p16: 'sixteen-bytes-pw',
  p17: 'seventeen-bytes-p',
  p128: 'x'.repeat(127) + 'y',
  utf8: 'pässwörd✓ 用户',
  utf8128: 'é'.repeat(64),
} as const;

const login = (username: string, password: string | undefined, over: Partial<PrimaryAuthRequest> = {}): PrimaryAuthRequest => ({
  username,
  password,
  requestAttributes: [attr('User-Name', username), attr('Calling-Station-Id', '198.51.100.7')],
  server: 'radius_server_auto',
  ...over,
});

describe('primary-radius against radiusd', { timeout: 60_000 }, () => {
  let srv: radiusd.RadiusdServer;
  let upstream: { host: string; port: number };
  const closers: (() => Promise<void>)[] = [];
  /** A primary on the radiusd, closed after the suite. */
  const primaryOn = (over: Partial<RadiusPrimarySection> = {}, opts: Parameters<typeof createRadiusPrimary>[2] = {}) => {
    const p = createRadiusPrimary(section([upstream], { retryWait: 0.5, ...over }), NO_PASS_THROUGH, opts);
    closers.push(() => p.close());
    return p;
  };

  before(async () => {
    srv = await radiusd.start({
      clients: [{ ip: '127.0.0.1', secret: SECRET }],
      users: [
        {
          name: 'alice',
          password: 'alice pw',
          reply: [['Class', 'grp-a'], ['Filter-Id', 'vpn'], ['Cisco-AVPair', 'shell:priv-lvl=15'], ['Cisco-AVPair', 'audit=1']],
          replyMessage: 'Welcome alice',
        },
        { name: 'bob', reject: true, replyMessage: 'Account locked' },
        { name: 'erin', reject: true },
        { name: 'carol', password: 'pw', response: 'challenge', reply: [['State', '0xc0ffee'], ['Reply-Message', 'Enter code']] },
        { name: 'dave', password: 'pw', reply: [['Message-Authenticator', '0x00'], ['Class', 'signed']] },
        { name: 'silent', password: 'pw', response: 'none' },
        ...Object.entries(PASSWORDS).map(([name, password]) => ({ name, password })),
        ...Array.from({ length: CONCURRENT }, (_, i) => ({ name: `u${i}`, password: `pw${i}`, reply: [['Class', `c${i}`] as const] })),
      ],
    });
    upstream = { host: srv.host, port: srv.port };
  });
  after(async () => {
    for (const close of closers) await close();
    await srv.stop();
  });

  test('primary-radius – Accept: the upstream Reply-Message; by default no reply attribute is carried', async () => {
    const r = await primaryOn().authenticate(login('alice', 'alice pw'));
    assert.deepEqual(r, { ok: true, message: 'Welcome alice', attributes: [] });
  });

  test('primary-radius – Accept with pass_through_attr_names: Class and both Cisco-AVPairs, not Filter-Id', async () => {
    const r = await primaryOn({ passThroughAttrNames: ['Class', 'Cisco-AVPair'] }).authenticate(login('alice', 'alice pw'));
    assert.equal(r.ok, true);
    assert.deepEqual(r.attributes.map((a) => a.type), [25, 26, 26]);
    assert.equal(findString(r.attributes, 'Class'), 'grp-a');
    assert.deepEqual(findValues(r.attributes, 'Cisco-AVPair').map(String), ['shell:priv-lvl=15', 'audit=1']);
  });

  test('primary-radius – Accept with pass_through_all: every reply attribute, in the upstream order', async () => {
    const r = await primaryOn({ passThroughAll: true }).authenticate(login('alice', 'alice pw'));
    assert.equal(r.ok, true);
    assert.deepEqual(r.attributes, [
      attr('Class', 'grp-a'),
      attr('Filter-Id', 'vpn'),
      attr('Cisco-AVPair', 'shell:priv-lvl=15'),
      attr('Cisco-AVPair', 'audit=1'),
      attr('Reply-Message', 'Welcome alice'),
    ]);
  });

  test('primary-radius – Reject with its Reply-Message; without one, "No reply message in packet"', async () => {
    const p = primaryOn({ passThroughAll: true });
    assert.deepEqual(await p.authenticate(login('bob', 'anything')), {
      ok: false,
      message: 'Account locked',
      attributes: [attr('Reply-Message', 'Account locked')],
    });
    assert.deepEqual(await p.authenticate(login('erin', 'anything')), { ok: false, message: 'No reply message in packet', attributes: [] });
    assert.equal(p.stats().rejected, 2);
  });

  test('primary-radius – an upstream Access-Challenge to PAP is a drop: nothing goes to the NAS (fact 44)', async () => {
    const r = await primaryOn({ passThroughAll: true }).authenticate(login('carol', 'pw'));
    assert.deepEqual(r, {
      ok: false,
      drop: true,
      message: 'response packet is not Access-Accept or Access-Reject (code 11)',
      attributes: [],
    });
  });

  test('primary-radius – passwords of 16, 17 and 128 bytes and UTF-8 passwords arrive intact (§19.9)', async () => {
    const p = primaryOn();
    for (const [name, password] of Object.entries(PASSWORDS)) {
      const r = await p.authenticate(login(name, password));
      assert.equal(r.ok, true, `${name} (${Buffer.byteLength(password)} bytes) accepted`);
      const wrong = await p.authenticate(login(name, `${password.slice(0, -1)}z`));
      assert.equal(wrong.ok, false, `${name}: one changed character is rejected`);
    }
  });

  test('primary-radius – a password over 240 bytes is refused before sending (no 253-octet attribute carries it hidden)', async () => {
    const r = await primaryOn().authenticate(login('p128', 'x'.repeat(241)));
    assert.deepEqual(r, { ok: false, message: 'Error performing primary authentication: cannot build the RADIUS request (password-too-long)', attributes: [] });
  });

  test('primary-radius – require_message_authenticator true: an answer without MA is ignored (counted) and times out', async () => {
    const timers = virtualTimers();
    const p = primaryOn({ requireMessageAuthenticator: 'true' }, { timers });
    const result = p.authenticate(login('alice', 'alice pw'));
    await until(() => (p.stats().client.dropped['ma-missing'] ?? 0) >= 1);
    timers.advance(8000);
    assert.deepEqual(await result, { ok: false, message: TIMED_OUT, attributes: [] });
    assert.equal(p.stats().accepted, 0);
    // The same upstream answering with a Message-Authenticator is accepted.
    assert.deepEqual(await primaryOn({ requireMessageAuthenticator: 'true' }).authenticate(login('dave', 'pw')), {
      ok: true,
      message: 'No reply message in packet',
      attributes: [],
    });
  });

  test('primary-radius – require_message_authenticator false and auto accept an answer without MA', async () => {
    for (const policy of ['false', 'auto'] as const) {
      const r = await primaryOn({ requireMessageAuthenticator: policy }).authenticate(login('alice', 'alice pw'));
      assert.equal(r.ok, true, policy);
    }
  });

  test('primary-radius – auto: once the upstream has signed an answer, one without MA is ignored', async () => {
    const timers = virtualTimers();
    const p = primaryOn({ requireMessageAuthenticator: 'auto' }, { timers });
    const signed = p.authenticate(login('dave', 'pw'));
    assert.equal((await signed).ok, true);
    const unsigned = p.authenticate(login('alice', 'alice pw'));
    await until(() => (p.stats().client.dropped['ma-missing'] ?? 0) >= 1);
    timers.advance(8000);
    assert.equal((await unsigned).message, TIMED_OUT);
  });

  test('primary-radius – a wrong shared secret: radiusd answers nothing we accept, the result is the timeout', async () => {
    const p = primaryOn({ secret: 'not-the-upstream-secret', retries: 1, retryWait: 0.3 });
    const r = await p.authenticate(login('alice', 'alice pw'));
    assert.deepEqual(r, { ok: false, message: TIMED_OUT, attributes: [] });
    assert.equal(p.stats().client.sends, 2);
    assert.equal(p.stats().accepted, 0);
  });

  test("primary-radius – radiusd silent for a user (response 'none'): retries + 1 sends, then the timeout", async () => {
    const p = primaryOn({ retries: 2, retryWait: 0.2 });
    const r = await p.authenticate(login('silent', 'pw'));
    assert.equal(r.message, TIMED_OUT);
    assert.equal(p.stats().client.sends, 3);
  });

  test('primary-radius – failover: host_1 silent, host_2 radiusd answers the second send', async (t) => {
    const dead = await silentUpstreams(1);
    t.after(() => dead.close());
    const p = createRadiusPrimary(section([dead.hosts[0]!, upstream], { retryWait: 0.2 }), NO_PASS_THROUGH);
    t.after(() => p.close());
    const r = await p.authenticate(login('alice', 'alice pw'));
    assert.equal(r.ok, true);
    assert.equal(r.message, 'Welcome alice');
    assert.equal(dead.received.length, 1, 'host_1 got the first send only');
    assert.equal(p.stats().client.sends, 2);
  });

  test(`primary-radius – ${CONCURRENT} logins in flight at once to one upstream all get their own answer`, async () => {
    const p = primaryOn({ passThroughAttrNames: ['Class'], retryWait: 1 });
    const results = await Promise.all(
      Array.from({ length: CONCURRENT }, (_, i) => p.authenticate(login(`u${i}`, i % 3 === 0 ? 'wrong' : `pw${i}`))),
    );
    results.forEach((r, i) => {
      if (i % 3 === 0) assert.deepEqual(r, { ok: false, message: 'No reply message in packet', attributes: [] }, `u${i}`);
      else assert.deepEqual(r, { ok: true, message: 'No reply message in packet', attributes: [attr('Class', `c${i}`)] }, `u${i}`);
    });
    assert.equal(p.stats().client.dropped['no-pending-request'] ?? 0, 0);
    // radiusd's default socket buffer loses part of a 600-packet burst: those are answered after the
    // retransmission one retry_wait later (same id and authenticator), as a real NAS burst would be.
    assert.ok(p.stats().client.sends >= CONCURRENT);
  });

  test('primary-radius – one socket (256 identifiers) and 400 logins: the rest wait for a free identifier', async () => {
    const p = primaryOn({ passThroughAttrNames: ['Class'], retryWait: 1 }, { sockets: 1 });
    const results = await Promise.all(Array.from({ length: 400 }, (_, i) => p.authenticate(login(`u${i}`, `pw${i}`))));
    for (const [i, r] of results.entries()) assert.deepEqual(r.attributes, [attr('Class', `c${i}`)], `u${i}`);
    assert.equal(p.stats().accepted, 400);
  });

  test('primary-radius – beyond the waiting limit a login is dropped (4.0.2: "Too many concurrent requests!", no answer)', async () => {
    const p = primaryOn({ retryWait: 1 }, { sockets: 1, maxWaiting: 10 });
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => p.authenticate(login(`u${i}`, `pw${i}`))));
    const dropped = results.filter((r) => 'drop' in r);
    assert.equal(dropped.length, 300 - 256 - 10);
    assert.ok(dropped.every((r) => r.message === 'Too many concurrent requests!'));
    assert.equal(results.filter((r) => r.ok).length, 266);
  });

  test('primary-radius – connectivity: Status-Server to each host, Duo texts for an answer and for silence (§16.4)', async (t) => {
    const dead = await silentUpstreams(1);
    t.after(() => dead.close());
    const hosts = [upstream, dead.hosts[0]!];
    const checks = await checkRadiusClientConnectivity(section(hosts, { nasIp: undefined }), { timeoutMs: 500 });
    assert.deepEqual(checks, [
      { ...upstream, ok: true, message: `The Auth Proxy was able to establish a RADIUS connection to ${srv.host}:${srv.port}.` },
      {
        ...dead.hosts[0]!,
        ok: false,
        message: `We cannot confirm that the Auth Proxy was able to establish a RADIUS connection to 127.0.0.1:${dead.hosts[0]!.port}. In the case of an actual failure this may be due to a misconfigured secret or network issues. This may also happen if the upstream RADIUS Server does not support the Status-Server message`,
      },
    ]);
    const probe = dead.received[0]!.packet;
    assert.equal(probe.code, 12);
    assert.deepEqual(probe.attributes.map((a) => a.type), [80, 4], 'Message-Authenticator and NAS-IP-Address');
    const wrong = await checkRadiusClientConnectivity(section([upstream], { secret: 'wrong' }), { timeoutMs: 500 });
    assert.equal(wrong[0]!.ok, false, 'a wrong secret is not a connection');
  });
});

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond(), 'condition reached');
}
