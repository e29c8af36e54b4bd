// The failmode matrix end to end (reference §7, §18 facts 27-32, §19.11): each Duo fault kind of the
// mock, on preauth and on /auth, with failmode safe and secure, through real UDP and the HTTPS mock.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { device } from './device.ts';
import { type Stack, startStack } from './stack.ts';

const SAFE_OK = 'Failmode Safe - Allowed Duo login on preauth failure';
const SECURE_NO = 'Failmode Secure - Denied Duo login on preauth failure';

type Expect = 'open' | 'closed';
// fault → [on preauth, on /auth] when failmode=safe (secure is always closed).
const MATRIX: { name: string; fault: Record<string, unknown>; preauth: Expect; auth: Expect }[] = [
  { name: 'connection reset', fault: { reset: true }, preauth: 'open', auth: 'closed' },
  { name: 'never answers (api_timeout)', fault: { hang: true }, preauth: 'open', auth: 'closed' },
  { name: 'whole outage', fault: { outage: true }, preauth: 'open', auth: 'closed' },
  { name: 'HTTP 503 non-JSON', fault: { http_status: 503, body: 'Service Unavailable', content_type: 'text/plain' }, preauth: 'open', auth: 'open' },
  { name: 'HTTP 500 JSON FAIL', fault: { http_status: 500, body: '{"stat":"FAIL","code":50000,"message":"Internal"}', content_type: 'application/json' }, preauth: 'open', auth: 'open' },
  { name: 'HTTP 401 JSON FAIL', fault: { http_status: 401, body: '{"stat":"FAIL","code":40103,"message":"Invalid signature in request credentials"}', content_type: 'application/json' }, preauth: 'closed', auth: 'closed' },
  { name: 'HTTP 400 text', fault: { http_status: 400, body: 'bad', content_type: 'text/plain' }, preauth: 'closed', auth: 'closed' },
  { name: '200 malformed JSON', fault: { malformed_json: true }, preauth: 'closed', auth: 'closed' },
  { name: '429 then give up', fault: { http_status: 429, retry_after: 0, body: '{"stat":"FAIL","code":42901,"message":"Too Many Requests"}', content_type: 'application/json' }, preauth: 'closed', auth: 'closed' },
];

describe('e2e failmode matrix', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack(
      {
        new_user_policy: 'deny',
        users: { alice: { status: 'active', groups: ['VPN'], devices: [{ type: 'phone', number: 'XXX-XXX-1234', capabilities: ['push', 'phone', 'sms'], push: 'approve' }] } },
      } as never,
      [
        '[radius_server_duo_only]\n${DUO}\n${CLIENTS}\nport=${PORT0}\nfailmode=safe\napi_timeout=1\n',
        '[radius_server_duo_only2]\n${DUO}\n${CLIENTS}\nport=${PORT1}\nfailmode=secure\napi_timeout=1\n',
      ].join('\n'),
    );
  });
  after(() => stack.stop());

  for (const row of MATRIX) {
    for (const where of ['preauth', 'auth'] as const) {
      test(`failmode – ${row.name} on ${where}: safe ${row[where]}, secure closed`, async () => {
        stack.mock.mock.faults.clear();
        const added = stack.mock.mock.faults.add({ match: { path: `/rest/v1/${where}` }, ...row.fault } as never);
        assert.ok(added.ok, JSON.stringify(added));
        const safe = device(stack.ports[0]!);
        const secure = device(stack.ports[1]!);
        try {
          const [s, x] = await Promise.all([safe.send('alice', 'push'), secure.send('alice', 'push')]);
          if (row[where] === 'open') {
            assert.deepEqual([s.code, s.replyMessages], [2, [SAFE_OK]]);
            // Class comes from a preauth result: none after a preauth failure, kept after an /auth one (§19.10).
            const cls = s.attributes.filter((a) => a.type === 25).map((a) => Buffer.from(a.value, 'base64').toString());
            assert.deepEqual(cls, where === 'auth' ? ['OU=VPN;'] : []);
          } else assert.deepEqual([s.code, s.replyMessages], [3, [SECURE_NO]]);
          assert.deepEqual([x.code, x.replyMessages], [3, [SECURE_NO]]);
        } finally {
          stack.mock.mock.faults.clear();
          await Promise.all([safe.close(), secure.close()]);
        }
      });
    }
  }
});
