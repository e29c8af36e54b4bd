// The radius_client checks (reference §16.4) against a private FreeRADIUS: a Status-Server per host
// with the right secret is confirmed; with a wrong one FreeRADIUS drops it, and Duo's "We cannot
// confirm..." text is reported once the timeout has passed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runConnectivity } from '../../ops/connectivity/run.ts';
import * as radiusd from '../harness/radiusd.ts';
import { config, sectionOf } from './helpers.ts';

describe('connectivity radius_client on radiusd', () => {
  let srv: radiusd.RadiusdServer;
  before(async () => {
    srv = await radiusd.start({ clients: [{ ip: '127.0.0.1', secret: 'upstream-secret-1' }] });
  });
  after(() => srv?.stop());

  test('connectivity radius_client – the right secret is confirmed, a wrong one gives Duo\'s "We cannot confirm" text', async () => {
    const cfg = config(`
      [radius_client]
      host=127.0.0.1
      port=${srv.port}
      secret=upstream-secret-1
      [radius_client2]
      host=127.0.0.1
      port=${srv.port}
      secret=wrong-secret-2
    `);
    const report = await runConnectivity(cfg, { radiusTimeoutMs: 1000 });
    const good = sectionOf(report, 'radius_client');
    assert.deepEqual(good.checks.map((c) => [c.check, c.target, c.status]), [['radius connection', `127.0.0.1:${srv.port}`, 'ok']]);
    assert.equal(good.checks[0]!.message, `The Auth Proxy was able to establish a RADIUS connection to 127.0.0.1:${srv.port}.`);
    assert.equal(good.summary, 'The RADIUS Client section has no connectivity issues');

    const bad = sectionOf(report, 'radius_client2');
    assert.equal(bad.checks[0]!.status, 'fail');
    assert.equal(
      bad.checks[0]!.message,
      `We cannot confirm that the Auth Proxy was able to establish a RADIUS connection to 127.0.0.1:${srv.port}. In the case of an actual failure this may be due to a misconfigured secret or network issues. This may also happen if the upstream RADIUS Server does not support the Status-Server message`,
    );
    assert.equal(bad.summary, 'The RADIUS Client section has connectivity problems');
    assert.equal(report.ok, false);
    assert.ok(!JSON.stringify(report).includes('upstream-secret-1') && !JSON.stringify(report).includes('wrong-secret-2'));
  });
});
