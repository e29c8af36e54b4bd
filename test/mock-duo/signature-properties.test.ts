// Properties of signing and verifying: whatever the parameters, a signed request verifies, and any
// change to a parameter, the body, the date or an x-duo header is refused.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { encodeParams, formatDate, type Params, parseDate, percentEncode, type SigVersion, sign } from '../../adapters/duo/signature.ts';
import { hostWithoutPort, type VerifyRequest, verify } from '../../adapters/duo/signature-verify.ts';

const IKEY = 'DIWJ8X6AEYOR5OMC6TQ1';
const SKEY = 'Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ZNmk3zLJ4Ep';
const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const policy = (versions: readonly SigVersion[]) => ({ versions, skeyFor: (k: string) => (k === IKEY ? SKEY : undefined), now: NOW, windowMs: 300_000 });

// Any well-formed string: printable, unicode, controls (no lone surrogates: they are not text).
const text = fc.string({
  unit: fc.oneof(
    fc.constantFrom(' ', '+', '%', '&', '=', '~', '*', "'", '!'),
    fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
  ),
});
const pairs = fc.array(fc.tuple(text, text), { maxLength: 6 });
const version = fc.constantFrom<SigVersion>(1, 2, 4, 5);

interface Built {
  req: VerifyRequest;
  versions: readonly SigVersion[];
}

/** Build what a server would receive for a request signed with `v`. */
function build(v: SigVersion, method: 'GET' | 'POST', params: [string, string][], extra: Record<string, string>): Built {
  const host = 'api-xxxxxxxx.duosecurity.com';
  const json = JSON.stringify(Object.fromEntries(params));
  const bodyVersion = v >= 4 && method === 'POST';
  const s = sign({
    version: v,
    method,
    host,
    path: '/auth/v2/preauth',
    ikey: IKEY,
    skey: SKEY,
    date: formatDate(NOW),
    params: bodyVersion ? [] : params,
    ...(bodyVersion ? { body: json } : {}),
    ...(v === 5 ? { xDuoHeaders: extra } : {}),
  });
  const headers = { ...s.headers, 'user-agent': 'prop' };
  const inQuery = method === 'GET';
  return {
    versions: v === 1 ? [1] : [2, 4, 5],
    req: {
      method,
      host,
      path: '/auth/v2/preauth',
      query: inQuery ? params : [],
      form: !inQuery && v <= 2 ? params : [],
      body: s.body ?? '',
      headers,
    },
  };
}

const xduo = fc.dictionary(fc.constantFrom('X-Duo-A', 'x-duo-b', 'X-DUO-Trace'), fc.string({ unit: fc.constantFrom('a', 'b', '1', ' ') }), { maxKeys: 2 });

describe('signature – properties', () => {
  test('signature – any parameter set signs and verifies, in every version', () => {
    fc.assert(
      fc.property(version, fc.constantFrom<'GET' | 'POST'>('GET', 'POST'), pairs, xduo, (v, method, params, extra) => {
        const { req, versions } = build(v, method, params, extra);
        const r = verify(req, policy(versions));
        assert.ok(r.ok, JSON.stringify(r));
        assert.equal(r.version, v);
        assert.equal(r.ikey, IKEY);
      }),
      { numRuns: 300 },
    );
  });

  test('signature – a changed parameter, body byte, date or x-duo header is refused', () => {
    fc.assert(
      fc.property(version, fc.constantFrom<'GET' | 'POST'>('GET', 'POST'), pairs, xduo, fc.nat(), fc.constantFrom('param', 'body', 'date', 'header', 'host', 'path', 'method'), (v, method, params, extra, n, what) => {
        const { req, versions } = build(v, method, params, extra);
        let changed: VerifyRequest;
        const headers = { ...(req.headers as Record<string, string>) };
        switch (what) {
          case 'param':
            changed = { ...req, query: [...(req.query as [string, string][]), ['extra', String(n)]] };
            break;
          case 'body': {
            const body = Buffer.from(req.body ?? '');
            if (body.length === 0) changed = { ...req, body: ' ' };
            else {
              const at = n % body.length;
              body[at] = body[at]! ^ (1 + (n % 255));
              changed = { ...req, body };
            }
            // v1/v2 do not sign the body itself, only the parameters the server decoded from it.
            if (v <= 2) changed = { ...changed, form: [...(req.form as [string, string][]), ['x', 'y']] };
            break;
          }
          case 'date':
            if (v === 1) return; // v1 carries no date
            headers['Date'] = formatDate(NOW + 1000 * (1 + (n % 200)));
            changed = { ...req, headers };
            break;
          case 'header':
            if (v !== 5) return; // only v5 signs headers
            headers['X-Duo-Extra'] = String(n);
            changed = { ...req, headers };
            break;
          case 'host':
            changed = { ...req, host: 'api-yyyyyyyy.duosecurity.com' };
            break;
          case 'path':
            changed = { ...req, path: '/auth/v2/auth' };
            break;
          default:
            changed = { ...req, method: method === 'GET' ? 'POST' : 'GET' };
        }
        const r = verify(changed, policy(versions));
        assert.equal(r.ok, false);
        if (!r.ok) assert.equal(r.reason, 'bad-signature');
      }),
      { numRuns: 300 },
    );
  });

  test('signature – a wrong skey, an unknown ikey and a stale date are told apart', () => {
    fc.assert(
      fc.property(pairs, fc.integer({ min: 301, max: 100_000 }), (params, skewSec) => {
        const base = build(2, 'POST', params, {});
        const wrong = sign({ version: 2, method: 'POST', host: base.req.host, path: base.req.path, params, ikey: IKEY, skey: `${SKEY.slice(1)}x`, date: formatDate(NOW) });
        const r1 = verify({ ...base.req, headers: wrong.headers }, policy([2, 4, 5]));
        assert.ok(!r1.ok && r1.reason === 'bad-signature');
        const other = sign({ version: 2, method: 'POST', host: base.req.host, path: base.req.path, params, ikey: 'DIOTHER0000000000000', skey: SKEY, date: formatDate(NOW) });
        const r2 = verify({ ...base.req, headers: other.headers }, policy([2, 4, 5]));
        assert.ok(!r2.ok && r2.reason === 'unknown-ikey');
        const stale = sign({ version: 2, method: 'POST', host: base.req.host, path: base.req.path, params, ikey: IKEY, skey: SKEY, date: formatDate(NOW - skewSec * 1000) });
        const r3 = verify({ ...base.req, headers: stale.headers }, policy([2, 4, 5]));
        assert.ok(!r3.ok && r3.reason === 'bad-date');
        // v1 is undated: the same stale request signed v1 still verifies on a v1 path.
        const v1 = sign({ version: 1, method: 'POST', host: base.req.host, path: base.req.path, params, ikey: IKEY, skey: SKEY });
        assert.ok(verify({ ...base.req, headers: { ...v1.headers, Date: stale.date! } }, policy([1])).ok);
      }),
      { numRuns: 100 },
    );
  });

  test('signature – missing and malformed credentials', () => {
    const { req } = build(2, 'GET', [], {});
    const none = verify({ ...req, headers: {} }, policy([2]));
    assert.ok(!none.ok && none.reason === 'missing-credentials');
    const bearer = verify({ ...req, headers: { Authorization: 'Bearer x' } }, policy([2]));
    assert.ok(!bearer.ok && bearer.reason === 'missing-credentials');
    const junk = verify({ ...req, headers: { Authorization: `Basic ${Buffer.from(`${IKEY}:nothex`).toString('base64')}` } }, policy([2]));
    assert.ok(!junk.ok && junk.reason === 'malformed-credentials');
  });

  test('signature – percent-encoding equals encodeURIComponent with !\'()* escaped', () => {
    fc.assert(
      fc.property(text, (s) => {
        const expected = encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
        assert.equal(percentEncode(s), expected);
        assert.doesNotMatch(percentEncode(s), /[^A-Za-z0-9\-._~%]/);
      }),
    );
  });

  test('signature – canonical params are order-independent and sorted', () => {
    fc.assert(
      fc.property(pairs, (ps) => {
        const reversed = [...ps].reverse();
        assert.equal(encodeParams(ps), encodeParams(reversed));
        const keys = encodeParams(ps).split('&').filter(Boolean);
        assert.deepEqual(keys, [...keys].sort((a, b) => {
          const [ka, va] = a.split('=');
          const [kb, vb] = b.split('=');
          return ka! < kb! ? -1 : ka! > kb! ? 1 : va! < vb! ? -1 : va! > vb! ? 1 : 0;
        }));
      }),
    );
    const rec: Params = { b: ['2', '1'], a: true };
    assert.equal(encodeParams(rec), 'a=true&b=1&b=2');
  });

  test('signature – a record is encoded as its pairs are (the path our client signs); a v1/v2 POST sends the line it signed', () => {
    const scalar = fc.oneof(text, fc.integer(), fc.boolean());
    const record = fc.dictionary(text, fc.oneof(scalar, fc.array(scalar, { maxLength: 3 })), { maxKeys: 6 });
    fc.assert(
      fc.property(record, fc.constantFrom<SigVersion>(1, 2), (rec, v) => {
        // The definition, spelled out: pairs (arrays flattened, booleans as true/false), encoded, sorted, joined.
        const flat: [string, string][] = Object.entries(rec).flatMap(([k, val]) =>
          (Array.isArray(val) ? val : [val]).map((one): [string, string] => [k, String(one)]),
        );
        const line = flat
          .map(([k, val]) => [percentEncode(k), percentEncode(val)] as const)
          .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
          .map(([k, val]) => `${k}=${val}`)
          .join('&');
        assert.equal(encodeParams(rec as Params), line);
        assert.equal(encodeParams(flat), line);
        const signed = sign({ version: v, method: 'POST', host: 'h', path: '/p', params: rec as Params, ikey: IKEY, skey: SKEY, date: NOW });
        assert.equal(signed.body, line);
        assert.equal(signed.canonical.split('\n').pop(), line);
      }),
    );
  });

  test('signature – any skey (more than the key cache holds): what it signs verifies with that skey and no other', () => {
    fc.assert(
      fc.property(text, version, (skey, v) => {
        const s = sign({ version: v, method: 'GET', host: 'h', path: '/auth/v2/check', params: { a: '1' }, ikey: IKEY, skey, date: formatDate(NOW) });
        const req: VerifyRequest = { method: 'GET', host: 'h', path: '/auth/v2/check', query: { a: '1' }, headers: s.headers };
        const versions: readonly SigVersion[] = v === 1 ? [1] : [2, 4, 5];
        assert.equal(verify(req, { ...policy(versions), skeyFor: () => skey }).ok, true);
        assert.equal(verify(req, { ...policy(versions), skeyFor: () => `${skey}x` }).ok, false);
      }),
      { numRuns: 200 },
    );
  });

  test('signature – dates: the three client forms and numeric offsets parse to the same instant', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4102444800 }), fc.integer({ min: -14 * 60, max: 14 * 60 }), (sec, offMin) => {
        const ms = sec * 1000;
        for (const style of ['-0000', '+0000', 'GMT'] as const) assert.equal(parseDate(formatDate(ms, style)), ms);
        // The same instant written in a local offset (Python with sig_timezone).
        const local = new Date(ms + offMin * 60_000);
        const sign_ = offMin < 0 ? '-' : '+';
        const abs = Math.abs(offMin);
        const zone = `${sign_}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
        const s = formatDate(local.getTime(), 'GMT').replace('GMT', zone);
        assert.equal(parseDate(s), ms);
      }),
    );
    assert.equal(parseDate('Tue, 21 Aug 2012 17:29:18 -0000'), Date.UTC(2012, 7, 21, 17, 29, 18));
    assert.equal(parseDate('Tue, 04 Jul 2017 14:12:00'), undefined);
    assert.equal(parseDate('31 Feb 2020 00:00:00 GMT'), undefined);
    assert.equal(parseDate('yesterday'), undefined);
  });

  test('signature – host without port', () => {
    assert.equal(hostWithoutPort('LocalHost:8443'), 'localhost');
    assert.equal(hostWithoutPort('api-x.duosecurity.com'), 'api-x.duosecurity.com');
    assert.equal(hostWithoutPort('[::1]:443'), '[::1]');
  });
});
