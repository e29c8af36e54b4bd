// Secrets never reach the logs: not the skey, not a passcode, not the Authorization header.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DuoLogger } from '../../adapters/duo/types.ts';
import { harness, json, ok, SKEY } from './support.ts';

function collector(): { logger: DuoLogger; lines: string[] } {
  const lines: string[] = [];
  const put = (obj: object, msg: string) => lines.push(JSON.stringify({ ...obj, msg }));
  return { logger: { debug: put, warn: put }, lines };
}

const PASSCODE = '918273645';

for (const dialect of ['rest_v1', 'auth_v2'] as const) {
  test(`duo logging – ${dialect}: requests and failures are logged without skey, passcode or Authorization`, async () => {
    const { logger, lines } = collector();
    const { client } = harness(
      { dialect, logger },
      json(429, { stat: 'FAIL', code: 42901, message: 'Too Many Requests' }),
      ok({ result: 'deny', status: 'Incorrect passcode', status_msg: 'Incorrect passcode' }),
      json(500, { stat: 'FAIL', code: 50000, message: 'oops' }),
    );
    await client.auth({ user: 'alice', factor: PASSCODE, ipaddr: '0.0.0.0' });
    await client.auth({ user: 'alice', factor: PASSCODE, ipaddr: '0.0.0.0' });
    await client.auth({ user: 'alice', factor: 'push', ipaddr: '0.0.0.0' });
    const all = lines.join('\n');
    assert.ok(lines.length >= 4, 'requests, the backoff and the failure are logged');
    assert.ok(!all.includes(PASSCODE), 'passcode');
    assert.ok(!all.includes(SKEY), 'skey');
    assert.ok(!/authorization|Basic /i.test(all), 'Authorization header');
    assert.ok(all.includes('xxxxxxxx'), 'the passcode is shown masked');
    assert.ok(all.includes('"push"'), 'factor names are kept');
    assert.match(all, /Duo auth failed: 50000: oops/);
  });
}
