// Every row of reference §6.3/§6.4 and the §7 failmode table: what kind of DuoError each answer
// becomes and whether it fails open, on preauth and on auth, in both dialects.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DuoErrorKind, DuoOutcome } from '../../machines/contracts.ts';
import type { HttpResult } from '../../adapters/duo/transport.ts';
import { harness, json, ok, raw } from './support.ts';

interface Row {
  name: string;
  answer: HttpResult;
  kind: DuoErrorKind;
  /** failOpen on preauth, on auth */
  open: [boolean, boolean];
  message?: string;
  code?: number;
}

const fail = (status: number, code: number, message: string) => json(status, { stat: 'FAIL', code, message });

// Rows that depend only on the transport and the envelope, so they hold for every call.
const envelopeRows: Row[] = [
  { name: 'connection refused', answer: { ok: false, kind: 'network', message: 'ECONNREFUSED' }, kind: 'network', open: [true, false] },
  { name: 'connection reset', answer: { ok: false, kind: 'network', message: 'ECONNRESET' }, kind: 'network', open: [true, false] },
  { name: 'TLS verification', answer: { ok: false, kind: 'network', message: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }, kind: 'network', open: [true, false] },
  { name: 'proxy refused', answer: { ok: false, kind: 'network', message: 'Proxy Error: HTTP/1.1 403 Forbidden' }, kind: 'network', open: [true, false] },
  { name: 'timeout', answer: { ok: false, kind: 'timeout', message: 'no answer' }, kind: 'timeout', open: [true, false] },
  { name: '500 JSON FAIL', answer: fail(500, 50000, 'Internal error'), kind: 'http-5xx', open: [true, true], message: '50000: Internal error', code: 50000 },
  { name: '503 not JSON', answer: raw(503, 'Service Unavailable'), kind: 'http-5xx', open: [true, true], message: 'API request failed: HTTP Error 503' },
  { name: '502 FAIL without code', answer: json(502, { stat: 'FAIL', message: 'x' }), kind: 'http-5xx', open: [true, true], message: 'API request failed: HTTP Error 502' },
  {
    name: '401 bad signature',
    answer: fail(401, 40103, 'Invalid signature in request credentials'),
    kind: 'http-4xx',
    open: [false, false],
    message: '40103: Invalid signature in request credentials',
    code: 40103,
  },
  { name: '400 FAIL with detail', answer: json(400, { stat: 'FAIL', code: 40002, message: 'Invalid request parameters', message_detail: 'username' }), kind: 'http-4xx', open: [false, false], message: '40002: Invalid request parameters (username)', code: 40002 },
  { name: '400 text', answer: raw(400, 'Bad Request'), kind: 'http-4xx', open: [false, false], message: 'API request failed: HTTP Error 400' },
  { name: '302 redirect, no body', answer: raw(302, ''), kind: 'http-4xx', open: [false, false] },
  { name: 'FAIL with a non-numeric code', answer: json(403, { stat: 'FAIL', code: '', message: 'Access forbidden' }), kind: 'http-4xx', open: [false, false], message: ': Access forbidden' },
  { name: '200 not JSON', answer: raw(200, '<html>'), kind: 'invalid-200', open: [false, false] },
  { name: '200 empty body', answer: raw(200, ''), kind: 'invalid-200', open: [false, false] },
  { name: '200 JSON without stat', answer: json(200, { response: { result: 'allow' } }), kind: 'invalid-200', open: [false, false] },
  { name: '200 JSON array', answer: json(200, [1, 2]), kind: 'invalid-200', open: [false, false] },
  { name: '200 stat FAIL', answer: fail(200, 40002, 'Invalid request parameters'), kind: 'http-4xx', open: [false, false] },
  { name: '200 FAIL without message', answer: json(200, { stat: 'FAIL', code: 1000 }), kind: 'invalid-200', open: [false, false] },
  { name: 'stat OK, no response', answer: json(200, { stat: 'OK' }), kind: 'malformed', open: [true, true] },
  { name: 'stat OK, empty response', answer: ok({}), kind: 'malformed', open: [true, true] },
  { name: 'stat OK, response a string', answer: ok('success'), kind: 'malformed', open: [true, true] },
  { name: 'unknown stat', answer: json(200, { stat: 'BAD_STATUS', response: { result: 'allow', status: 'x' } }), kind: 'malformed', open: [true, true] },
  { name: 'bad result', answer: ok({ result: 'maybe', status: 'x', status_msg: 'x' }), kind: 'malformed', open: [true, true] },
];

const preauthV1Rows: Row[] = [
  { name: 'allow without status', answer: ok({ result: 'allow' }), kind: 'malformed', open: [true, true], message: "Malformed API Response - invalid or missing 'status'" },
  { name: 'auth without factors', answer: ok({ result: 'auth', prompt: 'p' }), kind: 'malformed', open: [true, true], message: "Malformed API Response - invalid or missing 'factors'" },
  { name: 'auth with a factors list', answer: ok({ result: 'auth', prompt: 'p', factors: ['push1'] }), kind: 'malformed', open: [true, true] },
  { name: 'auth with a numeric factor', answer: ok({ result: 'auth', prompt: 'p', factors: { '1': 1 } }), kind: 'malformed', open: [true, true] },
  { name: 'auth without prompt', answer: ok({ result: 'auth', factors: {} }), kind: 'malformed', open: [true, true], message: "Malformed API Response - invalid or missing 'prompt'" },
];

const authV1Rows: Row[] = [
  { name: 'allow without status', answer: ok({ result: 'allow' }), kind: 'malformed', open: [true, true] },
  { name: 'status not a string', answer: ok({ result: 'deny', status: 3 }), kind: 'malformed', open: [true, true] },
  { name: 'result auth on /auth', answer: ok({ result: 'auth', status: 'x' }), kind: 'malformed', open: [true, true] },
];

const preauthV2Rows: Row[] = [
  { name: 'deny without status_msg', answer: ok({ result: 'deny' }), kind: 'malformed', open: [true, true], message: "Malformed API Response - invalid or missing 'status_msg'" },
  { name: 'auth without devices', answer: ok({ result: 'auth', status_msg: 'Account is active' }), kind: 'malformed', open: [true, true], message: "Malformed API Response - invalid or missing 'devices'" },
  { name: 'device without id', answer: ok({ result: 'auth', devices: [{ type: 'phone' }] }), kind: 'malformed', open: [true, true] },
];

const authV2Rows: Row[] = [
  { name: 'allow without status_msg', answer: ok({ result: 'allow', status: 'allow' }), kind: 'malformed', open: [true, true] },
  { name: 'waiting on a synchronous passcode', answer: ok({ result: 'waiting', status: 'pushed', status_msg: 'x' }), kind: 'malformed', open: [true, true] },
];

function check(row: Row, which: 0 | 1, out: DuoOutcome<unknown>) {
  assert.equal(out.ok, false, `${row.name}: expected an error`);
  if (out.ok) return;
  assert.equal(out.error.kind, row.kind, row.name);
  assert.equal(out.error.failOpen, row.open[which], `${row.name}: failOpen`);
  if (row.message !== undefined) assert.equal(out.error.message, row.message);
  if (row.code !== undefined) assert.equal(out.error.code, row.code);
  // Validation errors (a bad `result`...) come after the envelope and carry no status.
  if (row.answer.ok && row.kind !== 'malformed') assert.equal(out.error.httpStatus, row.answer.status);
  if (!row.answer.ok) assert.equal(out.error.httpStatus, undefined);
}

const preauthReq = { user: 'alice', ipaddr: '192.0.2.10', failmode: 'safe' } as const;
const passcodeReq = { user: 'alice', factor: '123456', ipaddr: '192.0.2.10' };

for (const dialect of ['rest_v1', 'auth_v2'] as const) {
  describe(`duo client classification (${dialect})`, () => {
    for (const row of [...envelopeRows, ...(dialect === 'rest_v1' ? preauthV1Rows : preauthV2Rows)]) {
      test(`duo client – preauth: ${row.name} is ${row.kind}, failOpen ${row.open[0]}`, async () => {
        const { client } = harness({ dialect }, row.answer);
        check(row, 0, await client.preauth(preauthReq));
      });
    }
    for (const row of [...envelopeRows, ...(dialect === 'rest_v1' ? authV1Rows : authV2Rows)]) {
      test(`duo client – auth: ${row.name} is ${row.kind}, failOpen ${row.open[1]}`, async () => {
        const { client } = harness({ dialect }, row.answer);
        check(row, 1, await client.auth(passcodeReq));
      });
    }

    test('duo client – a passcode over 2000 characters is refused without a request, fail-closed', async () => {
      const { client, transport } = harness({ dialect }, ok({ result: 'allow', status: 'x', status_msg: 'x' }));
      const out = await client.auth({ ...passcodeReq, factor: '1'.repeat(2001) });
      assert.equal(out.ok, false);
      if (!out.ok) {
        assert.equal(out.error.kind, 'factor-too-long');
        assert.equal(out.error.failOpen, false);
        assert.equal(out.error.message, 'Factor or passcode length cannot exceed 2000');
      }
      assert.equal(transport.sent.length, 0);
    });

    test('duo client – 2000 characters (code points, not UTF-16 units) are still sent', async () => {
      const { client, transport } = harness({ dialect }, ok({ result: 'deny', status: 'Incorrect passcode', status_msg: 'Incorrect passcode' }));
      const out = await client.auth({ ...passcodeReq, factor: '😀'.repeat(2000) });
      assert.equal(out.ok, true);
      assert.equal(transport.sent.length, 1);
    });

    test('duo client – 429 until the schedule is spent is rate-limited, fail-closed on both calls', async () => {
      for (const call of ['preauth', 'auth'] as const) {
        const { client, transport } = harness({ dialect }, json(429, { stat: 'FAIL', code: 42901, message: 'Too Many Requests' }));
        const out = call === 'preauth' ? await client.preauth(preauthReq) : await client.auth(passcodeReq);
        assert.equal(out.ok, false);
        if (!out.ok) {
          assert.equal(out.error.kind, 'rate-limited');
          assert.equal(out.error.failOpen, false);
          assert.equal(out.error.code, 42901);
        }
        assert.equal(transport.sent.length, 7);
      }
    });
  });
}
