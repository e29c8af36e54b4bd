// What an upstream answer means for primary auth (reference §12 "Result in PAP/MS-CHAP mode", fact 44):
// the message, the attributes carried per the radius_client section's pass-through, and the drop.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { WireAttribute } from '../../machines/contracts.ts';
import { attr, findString, findValues } from '../../adapters/radius/attributes.ts';
import { carriedAttributes, PrimaryRadiusMessages, replyMessageOf, resultFromReply } from '../../adapters/radius/primary-result.ts';

const MA: WireAttribute = { type: 80, value: Buffer.alloc(16, 9).toString('base64') };
const REPLY: WireAttribute[] = [
  MA,
  attr('Class', 'grp-a'),
  attr('Filter-Id', 'vpn'),
  attr('Reply-Message', 'Welcome'),
  attr('Cisco-AVPair', 'shell:priv-lvl=15'),
  attr('Cisco-AVPair', 'ip:inacl#1=permit ip any any'),
  attr('MS-CHAP-Domain', 'CORP'),
  attr('Proxy-State', 'p1'),
];
const none = { passThroughAttrNames: [], passThroughAll: false };

describe('primary-radius result', () => {
  test('primary-radius – Accept and Reject take the first Reply-Message, or "No reply message in packet"', () => {
    const accept = resultFromReply(2, REPLY, none);
    assert.equal(accept.ok, true);
    assert.equal(accept.message, 'Welcome');
    const reject = resultFromReply(3, [attr('Reply-Message', 'Bad password'), attr('Reply-Message', 'second')], none);
    assert.deepEqual(reject, { ok: false, message: 'Bad password', attributes: [] });
    assert.deepEqual(resultFromReply(3, [], none), { ok: false, message: 'No reply message in packet', attributes: [] });
    assert.equal(resultFromReply(2, [], none).message, PrimaryRadiusMessages.noReplyMessage);
  });

  test('primary-radius – an Access-Challenge (or any other code) is a drop: no answer to the NAS (fact 44)', () => {
    const r = resultFromReply(11, [attr('State', 'x'), attr('Reply-Message', 'Enter code')], { passThroughAttrNames: [], passThroughAll: true });
    assert.deepEqual(r, {
      ok: false,
      drop: true,
      message: 'response packet is not Access-Accept or Access-Reject (code 11)',
      attributes: [],
    });
  });

  test('primary-radius – by default only the MS-CHAPv2 answers are carried', () => {
    const carried = carriedAttributes(REPLY, none);
    assert.deepEqual(carried, [attr('MS-CHAP-Domain', 'CORP')]);
  });

  test('primary-radius – pass_through_attr_names carries the named attributes, all values, configured order', () => {
    const carried = carriedAttributes(REPLY, { passThroughAttrNames: ['Cisco-AVPair', 'class'], passThroughAll: false });
    assert.deepEqual(carried.map((a) => a.type), [26, 26, 25, 26]);
    assert.deepEqual(findValues(carried, 'Cisco-AVPair').map(String), ['shell:priv-lvl=15', 'ip:inacl#1=permit ip any any']);
    assert.equal(findString(carried, 'Class'), 'grp-a');
    assert.deepEqual(findValues(carried, 'Filter-Id'), []);
  });

  test('primary-radius – pass_through_all carries everything but Message-Authenticator and Proxy-State', () => {
    const carried = carriedAttributes(REPLY, { passThroughAttrNames: [], passThroughAll: true });
    assert.deepEqual(carried, REPLY.filter((a) => a.type !== 80 && a.type !== 33));
  });

  test('primary-radius – a VSA packing two sub-attributes is split when picked by name', () => {
    const vsa = Buffer.concat([Buffer.from([0, 0, 0, 9]), Buffer.from([1, 5, 0x61, 0x3d, 0x31]), Buffer.from([1, 5, 0x62, 0x3d, 0x32])]);
    const carried = carriedAttributes([{ type: 26, value: vsa.toString('base64') }], { passThroughAttrNames: ['Cisco-AVPair'], passThroughAll: false });
    assert.deepEqual(carried, [attr('Cisco-AVPair', 'a=1'), attr('Cisco-AVPair', 'b=2')]);
  });

  test('primary-radius – property: the message is the first Reply-Message text for any UTF-8 text', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 60 }), { minLength: 1, maxLength: 3 }), (texts) => {
        const reply = texts.map((t) => ({ type: 18, value: Buffer.from(t, 'utf8').toString('base64') }));
        assert.equal(replyMessageOf(reply), texts[0]);
      }),
    );
  });
});
