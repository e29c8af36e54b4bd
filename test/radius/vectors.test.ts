// One table-driven runner for the wire vectors of test/vectors/radius/ (style.md item 5).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodePacket, unhidePassword } from '../../adapters/radius/codec/index.ts';
import { loadVectors } from './vectors.ts';

const vectors = loadVectors();

describe('radius vectors', () => {
  test('radius vectors – the set is loaded, must-fail vectors first', () => {
    assert.ok(vectors.length >= 30);
    assert.notEqual(vectors[0]!.expect, 'ok');
    assert.ok(vectors.every((v) => v.source.length > 10), 'every vector cites its source');
  });

  for (const v of vectors) {
    test(`radius vectors – ${v.file} ${v.name}: ${v.expect}`, () => {
      const check =
        v.kind === 'reply'
          ? { secret: v.secret, requireMessageAuthenticator: v.requireMa, requestAuthenticator: v.requestAuthenticator! }
          : { secret: v.secret, requireMessageAuthenticator: v.requireMa, limitProxyState: v.limitProxyState };
      const r = decodePacket(v.packet, check);
      if (v.expect !== 'ok') {
        assert.deepEqual(r, { ok: false, reason: v.expect });
        return;
      }
      assert.ok(r.ok, `expected ok, got ${r.ok ? '' : r.reason}`);
      if (v.expectAttributes)
        assert.deepEqual(
          r.packet.attributes.map((a) => ({ type: a.type, value: a.value.toString('hex') })),
          v.expectAttributes.map((a) => ({ type: a.type, value: a.value.toString('hex') })),
        );
      if (v.expectPassword !== undefined) {
        const hidden = r.packet.attributes.find((a) => a.type === 2);
        assert.ok(hidden, 'has User-Password');
        const pw = unhidePassword(hidden.value, v.secret, r.packet.authenticator);
        assert.ok(pw.ok);
        assert.equal(pw.value.toString('utf8'), v.expectPassword);
      }
    });
  }
});
