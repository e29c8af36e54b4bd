// `[main] nats_*` → connect options, the URL helpers, and the State → KV key codec.
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { natsOptionsFromConfig, redactUrl, splitUrls, toConnectionOptions } from '../../adapters/bus/nats-options.ts';
import { stateKey } from '../../adapters/store/nats-kv.ts';
import { makeTempDir, removeTempDir } from '../harness/tmp.ts';

const CREDS = `-----BEGIN NATS USER JWT-----
eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.e30.AAAA
------END NATS USER JWT------

-----BEGIN USER NKEY SEED-----
SUAIBDPBAUTWCWBKIO6XHQNINK5FWJW4OHLXC3HQ2KFE4PEJUA44CNHTC4
------END USER NKEY SEED------
`;

test('nats options – no nats_url means embedded mode; several servers are kept in order', () => {
  assert.equal(natsOptionsFromConfig({ natsServers: [] }), undefined);
  assert.equal(natsOptionsFromConfig({ natsServers: ['  '] }), undefined);
  assert.equal(natsOptionsFromConfig({ natsServers: [], natsUrl: undefined }), undefined);
  assert.deepEqual(natsOptionsFromConfig({ natsUrl: 'nats://a:1, nats://b:2' })?.url, ['nats://a:1', 'nats://b:2']);
  assert.deepEqual(natsOptionsFromConfig({ natsUrl: ['nats://a:1'] })?.url, ['nats://a:1']);
  assert.deepEqual(natsOptionsFromConfig({ natsServers: ['nats://a:4222', ' nats://b:4222'], natsUser: 'u', natsPassword: 'p' }), {
    url: ['nats://a:4222', 'nats://b:4222'],
    user: 'u',
    password: 'p',
    credsFile: undefined,
    caFile: undefined,
  });
});

test('nats options – unreadable or wrong creds and CA files are one clear line each', async (t) => {
  const dir = await makeTempDir('nats-opts');
  t.after(() => removeTempDir(dir));
  const missing = join(dir, 'nope.creds');
  const r1 = toConnectionOptions({ url: 'nats://h:4222', credsFile: missing });
  assert.deepEqual(r1, { ok: false, error: `nats_creds_file: cannot read ${missing} (no such file); give a readable file or remove the option` });
  const r2 = toConnectionOptions({ url: 'nats://h:4222', caFile: dir });
  assert.equal(r2.ok, false);
  assert.match(!r2.ok ? r2.error : '', /^nats_ca_file: cannot read .* \(is a directory\)/);
  const notCreds = join(dir, 'x.creds');
  writeFileSync(notCreds, 'hello');
  assert.match((toConnectionOptions({ url: 'nats://h', credsFile: notCreds }) as { error: string }).error, /is not a NATS \.creds file/);
  const notPem = join(dir, 'ca.pem');
  writeFileSync(notPem, 'hello');
  assert.match((toConnectionOptions({ url: 'nats://h', caFile: notPem }) as { error: string }).error, /holds no PEM certificate/);
  if (process.getuid?.() !== 0) {
    const locked = join(dir, 'locked.creds');
    writeFileSync(locked, CREDS);
    chmodSync(locked, 0);
    assert.match((toConnectionOptions({ url: 'nats://h', credsFile: locked }) as { error: string }).error, /permission denied/);
  }
});

test('nats options – creds become an authenticator, a CA turns TLS on, conflicting options are refused', async (t) => {
  const dir = await makeTempDir('nats-opts');
  t.after(() => removeTempDir(dir));
  const creds = join(dir, 'u.creds');
  writeFileSync(creds, CREDS);
  const ca = join(dir, 'ca.pem');
  writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  const r = toConnectionOptions({ url: 'tls://h:4222', credsFile: creds, caFile: ca });
  assert.ok(r.ok);
  assert.equal(typeof r.options.authenticator, 'function');
  assert.deepEqual(r.options.tls, { ca: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' });
  assert.deepEqual(r.options.servers, ['tls://h:4222']);
  assert.equal(toConnectionOptions({ url: 'nats://h', credsFile: creds, user: 'u', password: 'p' }).ok, false);
  assert.equal(toConnectionOptions({ url: 'nats://h', user: 'u' }).ok, false);
  assert.equal(toConnectionOptions({ url: ' , ' }).ok, false);
  const up = toConnectionOptions({ url: 'nats://h', user: 'u', password: 'p' });
  assert.ok(up.ok && up.options.user === 'u' && up.options.pass === 'p');
});

const token = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-.'.split('')), minLength: 1, maxLength: 12 });

test('nats options – property: redactUrl never keeps the user or password of a URL', () => {
  const secret = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ_!$%^&*()'.split('')), minLength: 6, maxLength: 20 });
  fc.assert(
    fc.property(fc.constantFrom('nats', 'tls', 'ws'), secret, secret, token, fc.integer({ min: 1, max: 65535 }), (scheme, user, pass, host, port) => {
      const out = redactUrl(`${scheme}://${user}:${pass}@${host}:${port}`);
      assert.equal(out, `${scheme}://${host}:${port}`);
    }),
  );
});

test('nats options – property: splitUrls gives back the trimmed, non-empty entries of a comma list', () => {
  fc.assert(
    fc.property(fc.array(token, { maxLength: 5 }), fc.array(fc.constantFrom('', ' ', '  '), { minLength: 10, maxLength: 10 }), (urls, pads) => {
      const joined = urls.map((u, i) => `${pads[i]}${u}${pads[i + 5]}`).join(',');
      assert.deepEqual(splitUrls(joined), urls);
      assert.deepEqual(splitUrls(urls), urls);
    }),
  );
});

test('nats-kv – property: stateKey is a valid NATS KV key, decodes back, and distinct States get distinct keys', () => {
  // RADIUS State in the store is base64 text; any well-formed string must still map one-to-one.
  const state = fc.oneof(fc.base64String({ minLength: 4, maxLength: 64 }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 32 }));
  fc.assert(
    fc.property(state, state, (a, b) => {
      const ka = stateKey(a);
      assert.match(ka, /^[-_A-Za-z0-9]+$/);
      assert.equal(Buffer.from(ka, 'base64url').toString('utf8'), a);
      if (a !== b) assert.notEqual(ka, stateKey(b));
    }),
  );
});
