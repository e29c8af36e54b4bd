// The upstream Access-Request of radius_client primary auth (reference §12, §19.12): attribute order,
// the server section's pass-through, the client IP, pw_codec; and a property test that the attributes
// survive our encoder and decoder for any user name and password up to the RADIUS limits.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { WireAttribute } from '../../machines/contracts.ts';
import { attr, findString, findValues, toWire } from '../../adapters/radius/attributes.ts';
import { checkRequest, decodePacket, decodePasswordText, encodeRequest, unhidePassword } from '../../adapters/radius/codec/index.ts';
import { buildUpstreamRequest, type UpstreamRequestInput } from '../../adapters/radius/primary-request.ts';

const NAS_REQUEST: WireAttribute[] = [
  attr('User-Name', 'alice'),
  { type: 2, value: Buffer.alloc(16, 7).toString('base64') }, // the NAS's hidden password
  attr('NAS-IP-Address', '192.0.2.1'),
  attr('NAS-Identifier', 'vpn-1'),
  attr('Calling-Station-Id', '198.51.100.7'),
  attr('Cisco-AVPair', 'audit-session-id=42'),
  attr('Proxy-State', 'p1'),
  { type: 80, value: Buffer.alloc(16).toString('base64') },
  attr('Framed-IP-Address', '10.0.0.5'),
];

function input(over: Partial<UpstreamRequestInput> = {}): UpstreamRequestInput {
  return {
    username: 'alice',
    password: 'hunter2',
    requestAttributes: NAS_REQUEST,
    nasIp: '127.0.0.1',
    pwCodec: 'utf-8',
    server: { passThroughAttrNames: [], passThroughAll: false },
    ...over,
  };
}

function build(over: Partial<UpstreamRequestInput> = {}) {
  const r = buildUpstreamRequest(input(over));
  assert.ok(r.ok, 'the request builds');
  return r.attributes;
}

describe('primary-radius request', () => {
  test('primary-radius – NAS-IP-Address, User-Name, User-Password, Calling-Station-Id in that order (§19.12)', () => {
    const a = build();
    assert.deepEqual(a.map((x) => x.type), [4, 1, 2, 31]);
    assert.deepEqual([...a[0]!.value], [127, 0, 0, 1]);
    assert.equal(a[1]!.value.toString(), 'alice');
    assert.equal(a[2]!.value.toString(), 'hunter2', 'in clear: the encoder hides it with the upstream secret');
    assert.equal(a[3]!.value.toString(), '198.51.100.7');
  });

  test('primary-radius – no Calling-Station-Id when the request has no client IP; no User-Password without a password', () => {
    const a = build({ requestAttributes: [attr('User-Name', 'alice')], password: undefined });
    assert.deepEqual(a.map((x) => x.type), [4, 1]);
  });

  test('primary-radius – the server section pass_through_attr_names, in configured order, between NAS-IP-Address and User-Name', () => {
    const a = build({ server: { passThroughAttrNames: ['Cisco-AVPair', 'nas-identifier', 'No-Such-Attribute'], passThroughAll: false } }).map(toWire);
    assert.deepEqual(a.map((x) => x.type), [4, 26, 32, 1, 2, 31]);
    assert.deepEqual(findValues([a[1]!], 'Cisco-AVPair').map(String), ['audit-session-id=42']);
    assert.equal(findString(a, 'NAS-Identifier'), 'vpn-1');
  });

  test('primary-radius – naming an attribute this request sets does not duplicate it', () => {
    const a = build({ server: { passThroughAttrNames: ['User-Name', 'NAS-IP-Address', 'Calling-Station-Id', 'User-Password'], passThroughAll: false } });
    assert.deepEqual(a.map((x) => x.type), [4, 1, 2, 31]);
    assert.deepEqual([...a[0]!.value], [127, 0, 0, 1], 'nas_ip wins over the NAS own address (4.0.2 adds only what is absent)');
  });

  test('primary-radius – pass_through_all copies every request attribute but the hop-bound and own ones', () => {
    const a = build({ server: { passThroughAttrNames: [], passThroughAll: true } });
    // NAS-Identifier, Cisco VSA, Framed-IP-Address; not the NAS's User-Password, MA, Proxy-State, its NAS-IP-Address.
    assert.deepEqual(a.map((x) => x.type), [4, 32, 26, 8, 1, 2, 31]);
    assert.equal(a.filter((x) => x.type === 2).length, 1);
    assert.equal(a.find((x) => x.type === 2)!.value.toString(), 'hunter2');
  });

  test('primary-radius – MS-CHAPv2 request attributes always go upstream', () => {
    const challenge = attr('MS-CHAP-Challenge', Buffer.alloc(16, 1));
    const response = attr('MS-CHAP2-Response', Buffer.alloc(50, 2));
    const a = build({ password: undefined, requestAttributes: [...NAS_REQUEST, challenge, response] }).map(toWire);
    assert.deepEqual(a.map((x) => x.type), [4, 26, 26, 1, 31]);
    assert.deepEqual(findValues(a, 'MS-CHAP-Challenge'), [Buffer.alloc(16, 1)]);
    assert.deepEqual(findValues(a, 'MS-CHAP2-Response'), [Buffer.alloc(50, 2)]);
  });

  test('primary-radius – client_ip_attr chooses the attribute sent as Calling-Station-Id, addresses as text', () => {
    const a = build({ server: { passThroughAttrNames: [], passThroughAll: false, clientIpAttr: 'Framed-IP-Address' } });
    assert.equal(a.at(-1)!.type, 31);
    assert.equal(a.at(-1)!.value.toString(), '10.0.0.5');
  });

  test('primary-radius – an IPv6 nas_ip is sent as NAS-IPv6-Address; an unknown local address sends none', () => {
    const v6 = build({ nasIp: '2001:db8::1' });
    assert.equal(v6[0]!.type, 95);
    assert.equal(v6[0]!.value.toString('hex'), '20010db8000000000000000000000001');
    assert.deepEqual(build({ nasIp: undefined }).map((x) => x.type), [1, 2, 31]);
    assert.deepEqual(buildUpstreamRequest(input({ nasIp: 'vpn.example' })), { ok: false, error: 'bad-nas-ip' });
  });

  test('primary-radius – pw_codec latin-1 encodes one byte per character; a character it lacks is refused', () => {
    const a = build({ password: 'pässwörd', pwCodec: 'latin-1' });
    assert.deepEqual(a.find((x) => x.type === 2)!.value, Buffer.from('pässwörd', 'latin1'));
    assert.deepEqual(buildUpstreamRequest(input({ password: 'pw✓', pwCodec: 'latin-1' })), { ok: false, error: 'password-not-encodable' });
    assert.deepEqual(buildUpstreamRequest(input({ password: 'pw✓', pwCodec: 'utf-8' })).ok, true);
  });
});

const utf8Len = (s: string) => Buffer.byteLength(s, 'utf8');
// Any code points (no lone surrogates); a password ending in NUL cannot survive RFC 2865 padding.
const userName = fc.string({ unit: 'binary', minLength: 1, maxLength: 120 }).filter((s) => utf8Len(s) <= 253);
const password = fc.string({ unit: 'binary', maxLength: 128 }).filter((s) => utf8Len(s) <= 128 && !s.endsWith('\0'));

describe('primary-radius request encoding', () => {
  test('primary-radius – property: user name and password round-trip through our encoder and decoder, MA first and valid', () => {
    fc.assert(
      fc.property(userName, password, fc.integer({ min: 0, max: 255 }), fc.string({ minLength: 1, maxLength: 40 }), (user, pw, id, secret) => {
        const built = buildUpstreamRequest(input({ username: user, password: pw }));
        assert.ok(built.ok);
        const enc = encodeRequest({ id, secret, attributes: built.attributes });
        assert.ok(enc.ok, 'a request of legal sizes encodes');
        const dec = decodePacket(enc.bytes);
        assert.ok(dec.ok);
        assert.deepEqual(checkRequest(dec.packet, { secret, requireMessageAuthenticator: true }), { ok: true });
        assert.equal(dec.packet.id, id);
        assert.deepEqual(dec.packet.attributes.map((a) => a.type), [80, 4, 1, 2, 31]);
        assert.equal(dec.packet.attributes[2]!.value.toString('utf8'), user);
        const hidden = dec.packet.attributes[3]!.value;
        assert.equal(hidden.length, Math.max(16, Math.ceil(utf8Len(pw) / 16) * 16));
        const plain = unhidePassword(hidden, secret, dec.packet.authenticator);
        assert.ok(plain.ok);
        assert.deepEqual(decodePasswordText(plain.value), { ok: true, text: pw });
      }),
      { numRuns: 300 },
    );
  });
});
