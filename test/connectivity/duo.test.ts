// The Duo checks of a server section (reference §16.4 steps 2-4) against the HTTPS mock Duo: ping and
// latency, time drift, and /auth/v2/check with good and bad keys, an unreachable port, an untrusted or
// unusable CA bundle, and a clock that runs an hour ahead.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { checkDuo, type DuoTarget } from '../../ops/connectivity/duo-checks.ts';
import * as M from '../../ops/connectivity/messages.ts';
import { type MockDuoServer, startMockDuoServer } from '../../mock-duo/server.ts';
import { unusedPort } from '../ldap/helpers.ts';
import { checkOf, duoFixture, IKEY, SKEY, WRONG_SKEY } from './helpers.ts';

const opts = { timeoutMs: 5000, userAgent: 'authproxy connectivity test' };

describe('connectivity duo', () => {
  let duo: MockDuoServer;
  let skewed: MockDuoServer;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'connectivity-duo-'));
    [duo, skewed] = await Promise.all([
      startMockDuoServer({ fixture: duoFixture() }),
      startMockDuoServer({ fixture: { ...duoFixture(), faults: [{ match: { path: '/auth/v2/ping' }, skew_s: 3600 }] } }),
    ]);
  });
  after(async () => {
    await Promise.all([duo?.close(), skewed?.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  const target = (o: Partial<DuoTarget> = {}): DuoTarget => ({
    ikey: IKEY,
    skey: SKEY,
    apiHost: 'localhost',
    apiPort: duo.port,
    duoApi: 'rest_v1',
    httpCaCertsFile: duo.caFile,
    httpProxyHost: '',
    httpProxyPort: 80,
    ...o,
  });

  test('connectivity duo – good keys: ping with its latency, drift within limits, credentials validated', async () => {
    for (const duoApi of ['rest_v1', 'auth_v2'] as const) {
      const checks = await checkDuo(target({ duoApi }), opts);
      assert.deepEqual(checks.map((c) => [c.check, c.status]), [['ping', 'ok'], ['time drift', 'ok'], ['api credentials', 'ok']], duoApi);
      const ping = checkOf(checks, 'ping').message;
      assert.match(ping, new RegExp(`^The Auth Proxy was able to ping Duo at localhost:${duo.port} with a latency of \\d+ milliseconds\\.$`));
      assert.equal(checkOf(checks, 'time drift').message, M.driftOk);
      assert.equal(checkOf(checks, 'api credentials').message, 'The Auth Proxy was able to validate the provided API credentials.');
    }
  });

  test('connectivity duo – a wrong skey: the credentials check fails with Duo\'s text and hint, ping still passes', async () => {
    const checks = await checkDuo(target({ skey: WRONG_SKEY }), opts);
    assert.equal(checkOf(checks, 'ping').status, 'ok');
    const check = checkOf(checks, 'api credentials');
    assert.equal(check.status, 'fail');
    assert.equal(check.message, 'The Auth Proxy was not able to validate the provided API credentials. ');
    assert.equal(check.hint, `Check that the credentials provided for localhost:${duo.port} and ikey ${IKEY} are correct.`);
    assert.match(check.detail ?? '', /HTTP 401/);
    assert.ok(!JSON.stringify(checks).includes(WRONG_SKEY), 'the skey must not appear');
  });

  test('connectivity duo – an unreachable api_port: ping fails with the network hint, drift is skipped', async () => {
    const port = await unusedPort();
    const checks = await checkDuo(target({ apiPort: port }), opts);
    const ping = checkOf(checks, 'ping');
    assert.equal(ping.status, 'fail');
    assert.equal(ping.message, `The Auth Proxy was not able to ping Duo at localhost:${port}.`);
    assert.equal(ping.hint, M.pingHintNetwork);
    assert.match(ping.detail ?? '', /ECONNREFUSED/);
    const drift = checkOf(checks, 'time drift');
    assert.equal(drift.status, 'skip');
    assert.equal(
      drift.message,
      'The Auth Proxy did not run the time drift check because of the problem(s) with the ping check. Resolve that issue and rerun the tester.',
    );
    assert.equal(checkOf(checks, 'api credentials').status, 'fail');
  });

  test('connectivity duo – a CA bundle that does not trust the server, or holds no certificate: the CA-certs hint', async () => {
    const untrusted = await checkDuo(target({ httpCaCertsFile: undefined }), opts);
    assert.equal(checkOf(untrusted, 'ping').status, 'fail');
    assert.equal(checkOf(untrusted, 'ping').hint, M.hintCaCerts);
    assert.equal(checkOf(untrusted, 'api credentials').hint, M.hintCaCerts);

    const empty = join(dir, 'empty.pem');
    await writeFile(empty, 'not a certificate\n');
    const unusable = await checkDuo(target({ httpCaCertsFile: empty }), opts);
    assert.deepEqual(unusable.map((c) => c.status), ['fail', 'skip', 'fail']);
    assert.equal(checkOf(unusable, 'ping').hint, M.hintCaCerts);
    assert.match(checkOf(unusable, 'ping').detail ?? '', /no PEM certificate/);
  });

  test('connectivity duo – Duo\'s clock an hour ahead: the drift check fails with the seconds', async () => {
    const checks = await checkDuo(target({ apiPort: skewed.port, httpCaCertsFile: skewed.caFile }), opts);
    assert.equal(checkOf(checks, 'ping').status, 'ok');
    const drift = checkOf(checks, 'time drift');
    assert.equal(drift.status, 'fail');
    assert.match(drift.message, /^The time drift between the Auth Proxy host and Duo is excessively high, at 3(599|600|601) seconds\.  This could interfere/);
  });
});
