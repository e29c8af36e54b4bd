// Differential: our codec and the `radius` package (node-radius 1.1.4) must agree on valid packets, in
// both directions. `radius` is only an oracle here: its own integrity checks are not trusted
// (libraries.md §1), so only values are compared.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import radius from 'radius';
import { attr, decodeValue, entries } from '../../adapters/radius/attributes.ts';
import { decodePacket, encodeReply, encodeRequest, unhidePassword } from '../../adapters/radius/codec/index.ts';
import { toRaw } from '../../adapters/radius/attributes.ts';

radius.add_dictionary('/usr/share/freeradius/dictionary.cisco');

const text = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 60 });
const input = fc.record({
  user: text,
  password: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 100 }),
  nasIp: fc.ipV4(),
  nasPort: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  state: fc.uint8Array({ minLength: 1, maxLength: 64 }).map((a) => Buffer.from(a)),
  avpair: text,
  secret: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 30 }),
  id: fc.integer({ min: 0, max: 255 }),
});

type Decoded = { attributes: Record<string, unknown> };

describe('radius differential', () => {
  test('radius differential – packets from `radius` decode to the same values with our codec', () => {
    fc.assert(
      fc.property(input, (i) => {
        const bytes = radius.encode({
          code: 'Access-Request',
          identifier: i.id,
          secret: i.secret,
          add_message_authenticator: true,
          attributes: [
            ['User-Name', i.user],
            ['User-Password', i.password],
            ['NAS-IP-Address', i.nasIp],
            ['NAS-Port', i.nasPort],
            ['State', i.state],
            ['Vendor-Specific', 9, [['Cisco-AVPair', i.avpair]]],
          ],
        });
        const r = decodePacket(bytes, { secret: i.secret, requireMessageAuthenticator: true });
        assert.ok(r.ok, r.ok ? '' : r.reason);
        const values = entries(r.packet.attributes).map((e) => [e.def?.name, e.def?.name === 'User-Password' ? null : decodeValue(e.def, e.value)]);
        assert.deepEqual(values, [
          ['User-Name', i.user],
          ['User-Password', null],
          ['NAS-IP-Address', i.nasIp],
          ['NAS-Port', i.nasPort],
          ['State', i.state],
          ['Cisco-AVPair', i.avpair],
          ['Message-Authenticator', r.packet.attributes.at(-1)!.value],
        ]);
        const pw = unhidePassword(r.packet.attributes[1]!.value, i.secret, r.packet.authenticator);
        assert.ok(pw.ok);
        assert.equal(pw.value.toString('utf8'), i.password);
      }),
      { numRuns: 200 },
    );
  });

  test('radius differential – our requests and replies decode to the same values with `radius`', () => {
    fc.assert(
      fc.property(input, (i) => {
        const list = [
          attr('User-Name', i.user),
          attr('User-Password', i.password),
          attr('NAS-IP-Address', i.nasIp),
          attr('NAS-Port', i.nasPort),
          attr('State', i.state),
          attr('Cisco-AVPair', i.avpair),
        ].map(toRaw);
        const enc = encodeRequest({ id: i.id, secret: i.secret, attributes: list });
        assert.ok(enc.ok);
        const d = radius.decode({ packet: enc.bytes, secret: i.secret }) as unknown as Decoded & { identifier: number };
        assert.equal(d.identifier, i.id);
        assert.equal(d.attributes['User-Name'], i.user);
        assert.equal(d.attributes['User-Password'], i.password);
        assert.equal(d.attributes['NAS-IP-Address'], i.nasIp);
        assert.equal(d.attributes['NAS-Port'], i.nasPort);
        assert.deepEqual(d.attributes.State, i.state);
        assert.deepEqual(d.attributes['Vendor-Specific'], { 'Cisco-AVPair': i.avpair });

        const reply = encodeReply({ id: i.id, authenticator: enc.authenticator, attributes: [] }, 2, [list[0]!, list[4]!], i.secret);
        assert.ok(reply.ok);
        const ok = radius.verify_response({ request: enc.bytes, response: reply.bytes, secret: i.secret });
        assert.equal(ok, true);
        const dr = radius.decode({ packet: reply.bytes, secret: i.secret }) as unknown as Decoded & { code: string };
        assert.equal(dr.code, 'Access-Accept');
        assert.equal(dr.attributes['User-Name'], i.user);
        assert.deepEqual(dr.attributes.State, i.state);
      }),
      { numRuns: 200 },
    );
  });
});
