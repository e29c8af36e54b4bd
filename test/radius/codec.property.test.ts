// Property tests of the pure codec: round trips, password hiding, tamper detection, Reply-Message split.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import {
  computeMessageAuthenticator,
  computeResponseAuthenticator,
  decodePacket,
  encodeReply,
  encodeRequest,
  hidePassword,
  MAX_PASSWORD,
  type RawAttribute,
  splitReplyMessage,
  unhidePassword,
} from '../../adapters/radius/codec/index.ts';
import { loadVectors } from './vectors.ts';

const secretArb = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 40 });
const authArb = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((a) => Buffer.from(a));
// Any attribute but User-Password (hidden on encode), Proxy-State and Message-Authenticator (owned by the encoder).
const attrArb = fc.record({
  type: fc.integer({ min: 0, max: 255 }).filter((t) => t !== 2 && t !== 33 && t !== 80),
  value: fc.uint8Array({ maxLength: 253 }).map((a) => Buffer.from(a)),
});
const attrsArb = fc
  .array(attrArb, { maxLength: 30 })
  .filter((l) => l.reduce((n, a) => n + 2 + a.value.length, 0) <= 4096 - 20 - 18 - 200);
const hex = (l: readonly RawAttribute[]) => l.map((a) => `${a.type}:${a.value.toString('hex')}`);

describe('radius codec properties', () => {
  test('radius codec – request round trip keeps every attribute in order, MA first', () => {
    fc.assert(
      fc.property(attrsArb, secretArb, fc.integer({ min: 0, max: 255 }), (attrs, secret, id) => {
        const enc = encodeRequest({ id, secret, attributes: attrs });
        assert.ok(enc.ok);
        const dec = decodePacket(enc.bytes, { secret, requireMessageAuthenticator: true });
        assert.ok(dec.ok, dec.ok ? '' : dec.reason);
        assert.equal(dec.packet.id, id);
        assert.equal(dec.packet.attributes[0]!.type, 80);
        assert.deepEqual(hex(dec.packet.attributes.slice(1)), hex(attrs));
      }),
    );
  });

  test('radius codec – reply round trip: MA first, attributes, then the request Proxy-States in order', () => {
    const proxyStates = fc.array(fc.uint8Array({ maxLength: 40 }).map((a) => ({ type: 33, value: Buffer.from(a) })), { maxLength: 4 });
    fc.assert(
      fc.property(attrsArb, proxyStates, secretArb, authArb, fc.constantFrom(2, 3, 11), (attrs, ps, secret, reqAuth, code) => {
        const request = { id: 9, authenticator: reqAuth, attributes: [{ type: 1, value: Buffer.from('u') }, ...ps] };
        const enc = encodeReply(request, code, attrs, secret);
        assert.ok(enc.ok);
        const dec = decodePacket(enc.bytes, { secret, requireMessageAuthenticator: true, requestAuthenticator: reqAuth });
        assert.ok(dec.ok, dec.ok ? '' : dec.reason);
        assert.equal(dec.packet.code, code);
        assert.equal(dec.packet.attributes[0]!.type, 80);
        assert.deepEqual(hex(dec.packet.attributes.slice(1)), hex([...attrs, ...ps]));
      }),
    );
  });

  test('radius codec – Message-Authenticator equals node:crypto HMAC-MD5 over the packet with MA zeroed (any secret length)', () => {
    const anySecret = fc.oneof(secretArb, fc.string({ minLength: 60, maxLength: 200 }), fc.uint8Array({ minLength: 1, maxLength: 100 }));
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 40, maxLength: 300 }), fc.nat(), anySecret, (bytes, pos, secret) => {
        const raw = Buffer.from(bytes);
        const off = 20 + (pos % (raw.length - 36));
        const zeroed = Buffer.from(raw);
        zeroed.fill(0, off, off + 16);
        const want = createHmac('md5', typeof secret === 'string' ? Buffer.from(secret) : secret).update(zeroed).digest();
        assert.deepEqual(computeMessageAuthenticator(raw, off, secret), want);
      }),
    );
  });

  test('radius codec – a reply\'s Message-Authenticator (over the REQUEST authenticator) and Response Authenticator equal node:crypto over the bytes RFC 3579/2865 name', () => {
    const anySecret = fc.oneof(secretArb, fc.string({ minLength: 60, maxLength: 200 }), fc.uint8Array({ minLength: 1, maxLength: 100 }));
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 40, maxLength: 4096 }), fc.nat(), anySecret, authArb, (bytes, pos, secret, requestAuth) => {
        const raw = Buffer.from(bytes);
        const key = typeof secret === 'string' ? Buffer.from(secret) : Buffer.from(secret);
        const off = 20 + (pos % (raw.length - 36));
        const asSigned = Buffer.from(raw);
        requestAuth.copy(asSigned, 4);
        const zeroed = Buffer.from(asSigned);
        zeroed.fill(0, off, off + 16);
        assert.deepEqual(computeMessageAuthenticator(raw, off, secret, requestAuth), createHmac('md5', key).update(zeroed).digest());
        assert.deepEqual(computeResponseAuthenticator(raw, requestAuth, secret), createHash('md5').update(asSigned).update(key).digest());
        // The packet itself is left as it was.
        assert.deepEqual(raw, Buffer.from(bytes));
      }),
    );
  });

  test('radius codec – User-Password hide/unhide round trip for 0..240 bytes (what a 253-octet attribute carries once padded), NULs included', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: MAX_PASSWORD }), secretArb, authArb, (pw, secret, auth) => {
        const hidden = hidePassword(pw, secret, auth);
        assert.ok(hidden.ok);
        assert.equal(hidden.value.length % 16, 0);
        assert.ok(hidden.value.length >= 16);
        const back = unhidePassword(hidden.value, secret, auth);
        assert.ok(back.ok);
        // Only trailing NULs are lost (they are the padding); inner NULs survive.
        let end = pw.length;
        while (end > 0 && pw[end - 1] === 0) end--;
        assert.deepEqual(back.value, Buffer.from(pw.subarray(0, end)));
      }),
    );
  });

  test('radius codec – the boundary: 240 bytes hide into 240 octets; 241 and more are refused, not truncated (issue 11 §6)', () => {
    assert.equal(MAX_PASSWORD, 240);
    const at = hidePassword(Buffer.alloc(240, 0x78), 's', Buffer.alloc(16));
    assert.ok(at.ok && at.value.length === 240 && at.value.length <= 253);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 241, maxLength: 300 }), (pw) => {
        assert.deepEqual(hidePassword(pw, 's', Buffer.alloc(16)), { ok: false, error: 'password-too-long' });
        assert.deepEqual(encodeRequest({ id: 1, secret: 's', attributes: [{ type: 2, value: Buffer.from(pw) }] }), {
          ok: false,
          error: 'password-too-long',
        });
      }),
    );
  });

  test('radius codec – any hidden User-Password an attribute can carry (1..253 octets, short last block included) unhides, as Duo 4.0.2 does; more is refused', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 253 }), secretArb, authArb, fc.nat(), (len, secret, auth, seed) => {
        // A password of exactly `len` bytes, hidden the way pyrad would see it on the wire: the cipher
        // text of the padded value cut to `len` (a sender that does not pad the last block).
        const pw = Buffer.alloc(len, 0x61 + (seed % 26));
        const padded = hidePassword(pw.subarray(0, Math.min(len, MAX_PASSWORD)), secret, auth);
        assert.ok(padded.ok);
        const wire = len <= MAX_PASSWORD ? padded.value.subarray(0, len) : Buffer.concat([padded.value, Buffer.alloc(len - padded.value.length, 1)]);
        const back = unhidePassword(wire, secret, auth);
        assert.ok(back.ok, `${len} octets unhide`);
        if (len <= MAX_PASSWORD) assert.deepEqual(back.value, pw.subarray(0, len));
      }),
    );
    for (const len of [130, 144, 240, 253]) assert.ok(unhidePassword(Buffer.alloc(len, 7), 's', Buffer.alloc(16)).ok, `${len}`);
    for (const len of [254, 300]) assert.deepEqual(unhidePassword(Buffer.alloc(len, 7), 's', Buffer.alloc(16)), { ok: false, error: 'password-too-long' });
  });

  test('radius codec – ANY single-bit change to a signed request is rejected', () => {
    fc.assert(
      fc.property(attrsArb, secretArb, fc.nat(), fc.integer({ min: 0, max: 7 }), (attrs, secret, pos, bit) => {
        const enc = encodeRequest({ id: 1, secret, attributes: attrs });
        assert.ok(enc.ok);
        const bytes = Buffer.from(enc.bytes);
        bytes[pos % bytes.length]! ^= 1 << bit;
        const dec = decodePacket(bytes, { secret, requireMessageAuthenticator: true });
        assert.equal(dec.ok, false);
      }),
      { numRuns: 500 },
    );
  });

  test('radius codec – ANY single-bit change to a signed reply is rejected, MA required or not', () => {
    fc.assert(
      fc.property(attrsArb, secretArb, authArb, fc.nat(), fc.integer({ min: 0, max: 7 }), fc.boolean(), (attrs, secret, auth, pos, bit, req) => {
        const enc = encodeReply({ id: 3, authenticator: auth, attributes: [] }, 2, attrs, secret);
        assert.ok(enc.ok);
        const bytes = Buffer.from(enc.bytes);
        bytes[pos % bytes.length]! ^= 1 << bit;
        const dec = decodePacket(bytes, { secret, requireMessageAuthenticator: req, requestAuthenticator: auth });
        assert.equal(dec.ok, false);
      }),
      { numRuns: 500 },
    );
  });

  test('radius codec – every bit flip of the signed wire vectors is rejected (vectors as seeds)', () => {
    const signed = loadVectors().filter((v) => v.expect === 'ok' && (v.kind === 'reply' || v.requireMa));
    assert.ok(signed.length >= 3);
    for (const v of signed) {
      const check =
        v.kind === 'reply'
          ? { secret: v.secret, requireMessageAuthenticator: v.requireMa, requestAuthenticator: v.requestAuthenticator! }
          : { secret: v.secret, requireMessageAuthenticator: true };
      for (let i = 0; i < v.packet.length * 8; i++) {
        const bytes = Buffer.from(v.packet);
        bytes[i >> 3]! ^= 1 << (i & 7);
        assert.equal(decodePacket(bytes, check).ok, false, `${v.name} bit ${i}`);
      }
    }
  });

  test('radius codec – decode never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), secretArb, (bytes, secret) => {
        const r = decodePacket(bytes, { secret, requireMessageAuthenticator: false });
        assert.equal(typeof r.ok, 'boolean');
      }),
      { numRuns: 2000 },
    );
  });

  test('radius codec – Reply-Message split: parts of at most 253 bytes that rejoin to the original', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 600 });
    fc.assert(
      fc.property(text, (s) => {
        const parts = splitReplyMessage(s);
        assert.ok(parts.every((p) => p.length <= 253));
        assert.equal(Buffer.concat(parts).toString('utf8'), s);
        // No UTF-8 character is cut: each part decodes on its own.
        for (const p of parts) assert.equal(Buffer.from(p.toString('utf8'), 'utf8').equals(p), true);
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1000 }), (bytes) => {
        const parts = splitReplyMessage(bytes);
        assert.ok(parts.every((p) => p.length <= 253));
        assert.deepEqual(Buffer.concat(parts), Buffer.from(bytes));
      }),
    );
  });

  test('radius codec – a long Reply-Message is split in a reply; another long attribute is an error', () => {
    const long = Buffer.from('é'.repeat(200));
    const req = { id: 1, authenticator: Buffer.alloc(16, 7), attributes: [] };
    const ok = encodeReply(req, 2, [{ type: 18, value: long }], 's');
    assert.ok(ok.ok);
    const dec = decodePacket(ok.bytes, { secret: 's', requireMessageAuthenticator: true, requestAuthenticator: req.authenticator });
    assert.ok(dec.ok);
    const rms = dec.packet.attributes.filter((a) => a.type === 18);
    assert.equal(rms.length, 2);
    assert.equal(Buffer.concat(rms.map((a) => a.value)).toString('utf8'), 'é'.repeat(200));
    assert.deepEqual(encodeReply(req, 2, [{ type: 25, value: Buffer.alloc(254) }], 's'), { ok: false, error: 'attribute-too-long' });
  });
});
