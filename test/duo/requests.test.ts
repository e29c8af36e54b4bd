// The bytes each dialect sends: paths, bodies, headers and signatures, checked against an
// independent HMAC computation and the vectors of duo-auth-api.md §1.8 (V6).
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { createDuoClient } from '../../adapters/duo/client.ts';
import { HOST, harness, IKEY, ok, SKEY } from './support.ts';

const basic = (hex: string) => `Basic ${Buffer.from(`${IKEY}:${hex}`).toString('base64')}`;
const hmac = (algo: 'sha1' | 'sha512', s: string) => createHmac(algo, SKEY).update(s).digest('hex');
const allow = ok({ result: 'allow', status: 'Success. Logging you in...', status_msg: 'Success. Logging you in...' });

describe('duo requests (rest_v1)', () => {
  test('duo requests – preauth is a form POST of sorted params, signed v1 HMAC-SHA1 over the same string, no Date', async () => {
    const { client, transport } = harness({}, ok({ result: 'allow', status: 'ok' }));
    await client.preauth({ user: 'alice', ipaddr: '192.0.2.10', failmode: 'safe' });
    const [req] = transport.sent;
    assert.ok(req);
    assert.equal(req.method, 'POST');
    assert.equal(req.path, '/rest/v1/preauth');
    assert.equal(req.body, 'failmode=safe&ipaddr=192.0.2.10&user=alice');
    assert.equal(req.headers['Content-Type'], 'application/x-www-form-urlencoded');
    assert.equal(req.headers['User-Agent'], 'authproxy-test/0');
    assert.equal(req.headers['Date'], undefined);
    assert.equal(req.headers['X-Duo-Date'], undefined);
    assert.equal(req.headers['Authorization'], basic(hmac('sha1', `POST\n${HOST}\n/rest/v1/preauth\n${req.body}`)));
  });

  test('duo requests – auth sends factor=auto and auto=<factor> (reference §18 fact 9)', async () => {
    const { client, transport } = harness({}, ok({ result: 'allow', status: 'ok' }));
    await client.auth({ user: 'alice', factor: 'push1', ipaddr: '10.0.0.5' });
    const [req] = transport.sent;
    assert.equal(req?.path, '/rest/v1/auth');
    assert.equal(req?.body, 'auto=push1&factor=auto&ipaddr=10.0.0.5&user=alice');
  });

  test('duo requests – the api host is signed lower-cased and without a port', async () => {
    const { client, transport } = harness({ apiHost: 'API-XXXXXXXX.duosecurity.com', apiPort: 8443 }, ok({ result: 'allow', status: 'ok' }));
    await client.preauth({ user: 'bob', ipaddr: '0.0.0.0', failmode: 'secure' });
    const req = transport.sent[0]!;
    assert.equal(req.headers['Authorization'], basic(hmac('sha1', `POST\n${HOST}\n/rest/v1/preauth\n${req.body}`)));
  });

  test('duo requests – unicode and reserved characters are percent-encoded as Duo does (%20, never +)', async () => {
    const { client, transport } = harness({}, ok({ result: 'allow', status: 'ok' }));
    await client.auth({ user: 'CORP\\alice smith', factor: "p*ss!'()~", ipaddr: 'not-an-ip' });
    await client.auth({ user: 'jürgen', factor: '用户', ipaddr: '0.0.0.0' });
    assert.equal(transport.sent[0]?.body, 'auto=p%2Ass%21%27%28%29~&factor=auto&ipaddr=not-an-ip&user=CORP%5Calice%20smith');
    assert.equal(transport.sent[1]?.body, 'auto=%E7%94%A8%E6%88%B7&factor=auto&ipaddr=0.0.0.0&user=j%C3%BCrgen');
  });

  test('duo requests – any user and passcode round-trip through the form body', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 40 }), async (user, factor) => {
        const { client, transport } = harness({}, ok({ result: 'deny', status: 'no' }));
        await client.auth({ user, factor, ipaddr: '0.0.0.0' });
        const body = transport.sent[0]!.body!;
        assert.doesNotMatch(body, /[^A-Za-z0-9\-._~%=&]/);
        const pairs = body.split('&').map((p) => p.split('=').map(decodeURIComponent) as [string, string]);
        assert.deepEqual(pairs.map(([k]) => k), ['auto', 'factor', 'ipaddr', 'user']);
        assert.deepEqual(Object.fromEntries(pairs), { auto: factor, factor: 'auto', ipaddr: '0.0.0.0', user });
      }),
      { numRuns: 60 },
    );
  });
});

describe('duo requests (auth_v2)', () => {
  test('duo requests – preauth is v5 with a JSON body and a -0000 Date (vector V6.B)', async () => {
    const { client, transport } = harness({ dialect: 'auth_v2' }, ok({ result: 'allow', status_msg: 'ok' }));
    await client.preauth({ user: 'alice', ipaddr: '192.0.2.10', failmode: 'safe' });
    const req = transport.sent[0]!;
    assert.equal(req.method, 'POST');
    assert.equal(req.path, '/auth/v2/preauth');
    assert.equal(req.body, '{"ipaddr":"192.0.2.10","username":"alice"}');
    assert.equal(req.headers['Content-Type'], 'application/json');
    assert.equal(req.headers['Date'], 'Tue, 21 Aug 2012 17:29:18 -0000');
    assert.equal(
      req.headers['Authorization'],
      basic('813e030f29aa78af56921d0dda0ef338a41539a71bbed80e103473215ab92c7d09b60edca00834e9c2d604dc0239590d4f02bc303a367d75d0372f99e0f0a45a'),
    );
  });

  test('duo requests – auth_status is a signed GET with the txid in the query (vector V6.C)', async () => {
    const txid = 'f22b1678-252a-4070-b176-0ca2be7319fd';
    const { client, transport } = harness({ dialect: 'auth_v2' }, ok({ txid }), allow);
    await client.auth({ user: 'alice', factor: 'push', ipaddr: '192.0.2.10' });
    const poll = transport.sent[1]!;
    assert.equal(poll.method, 'GET');
    assert.equal(poll.path, `/auth/v2/auth_status?txid=${txid}`);
    assert.equal(poll.body, undefined);
    assert.equal(
      poll.headers['Authorization'],
      basic('d4b95cdd2c95ae550836e51482cf9e598533c9ddca02099ce77363c0c57cb417ac4661131865554e98dced71b385b556ca3e862db641656b48a2d69a80b2ede0'),
    );
  });

  test('duo requests – ping is unsigned; check is signed (v2 SHA-1 for rest_v1 keys, v5 for auth_v2)', async () => {
    const time = { time: 1345570158 };
    const v1 = harness({}, ok(time));
    assert.equal((await v1.client.ping()).ok, true);
    assert.equal(v1.transport.sent[0]?.path, '/auth/v2/ping');
    assert.equal(v1.transport.sent[0]?.headers['Authorization'], undefined);
    await v1.client.check();
    const c1 = v1.transport.sent[1]!;
    assert.equal(c1.path, '/auth/v2/check');
    assert.equal(c1.headers['Authorization'], basic(hmac('sha1', `Tue, 21 Aug 2012 17:29:18 -0000\nGET\n${HOST}\n/auth/v2/check\n`)));
    const v2 = harness({ dialect: 'auth_v2' }, ok(time));
    await v2.client.check();
    const empty = 'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e';
    const canon = `Tue, 21 Aug 2012 17:29:18 -0000\nGET\n${HOST}\n/auth/v2/check\n\n${empty}\n${empty}`;
    assert.equal(v2.transport.sent[0]?.headers['Authorization'], basic(hmac('sha512', canon)));
  });

  test('duo requests – ping reports Duo time, offset and latency; check reports time', async () => {
    const { client } = harness({}, ok({ time: 1345570158 + 40 }));
    const p = await client.ping();
    assert.ok(p.ok);
    assert.equal(p.value.time, 1345570198);
    assert.equal(Math.round(p.value.offsetSec), 40);
    const c = await client.check();
    assert.deepEqual(c, { ok: true, value: { time: 1345570198 } });
  });
});

describe('duo client construction', () => {
  test('duo client – an unreadable CA file, or one without a certificate, is refused at creation', () => {
    const dir = mkdtempSync(join(tmpdir(), 'duo-ca-'));
    try {
      const empty = join(dir, 'empty.pem');
      writeFileSync(empty, '# nothing here\n');
      const base = { ikey: IKEY, skey: SKEY, apiHost: HOST, userAgent: 'x' };
      assert.throws(() => createDuoClient({ ...base, caFile: join(dir, 'missing.pem') }), /ENOENT/);
      assert.throws(() => createDuoClient({ ...base, caFile: empty }), /contains no PEM certificate/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
