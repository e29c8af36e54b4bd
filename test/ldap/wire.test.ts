import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { BerReader, BerWriter } from 'ldapts';
import {
  decodeResult,
  encodeSaslBind,
  encodeSimpleBind,
  encodeStartTls,
  encodeUnbind,
  frameLength,
  START_TLS_OID,
} from '../../adapters/ldap/wire.ts';

/** A BindResponse (or ExtendedResponse) as a server would send it, built independently with BerWriter. */
function response(opts: { id: number; op?: number; code: number; diag?: string; sasl?: Buffer; name?: string }): Buffer {
  const w = new BerWriter();
  w.startSequence();
  w.writeInt(opts.id);
  w.startSequence(opts.op ?? 0x61);
  w.writeEnumeration(opts.code);
  w.writeString('');
  w.writeString(opts.diag ?? '');
  if (opts.name !== undefined) w.writeString(opts.name, 0x8a);
  if (opts.sasl) w.writeBuffer(opts.sasl, 0x87);
  w.endSequence();
  w.endSequence();
  return w.buffer;
}

/** Reads a BindRequest back: message id, version, DN and the credentials as bytes. */
function readBind(buf: Buffer) {
  const r = new BerReader(buf);
  r.readSequence(0x30);
  const id = r.readInt();
  r.readSequence(0x60);
  const version = r.readInt();
  const dn = r.readString();
  const tag = r.peek();
  if (tag === 0x80) return { id, version, dn, simple: r.readString(0x80, true) };
  r.readSequence(0xa3);
  return { id, version, dn, mechanism: r.readString(), credentials: r.readString(0x04, true) };
}

describe('ldap wire', () => {
  test('wire – a SASL bind carries arbitrary credential bytes unchanged', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.string(), fc.uint8Array({ maxLength: 2000 }), (id, dn, bytes) => {
        const got = readBind(encodeSaslBind(id, dn, 'GSS-SPNEGO', Buffer.from(bytes)));
        assert.equal(got.id, id);
        assert.equal(got.version, 3);
        assert.equal(got.mechanism, 'GSS-SPNEGO');
        assert.deepEqual(got.credentials, Buffer.from(bytes));
        assert.equal(got.dn, Buffer.from(dn, 'utf8').toString('utf8'));
      }),
    );
  });

  test('wire – a simple bind carries the DN and the UTF-8 password', () => {
    const got = readBind(encodeSimpleBind(7, 'uid=jürgen,dc=x', 'pässwörd✓'));
    assert.deepEqual(got, { id: 7, version: 3, dn: 'uid=jürgen,dc=x', simple: Buffer.from('pässwörd✓', 'utf8') });
  });

  test('wire – StartTLS is an ExtendedRequest naming its OID; Unbind is [APPLICATION 2] NULL', () => {
    const r = new BerReader(encodeStartTls(3));
    r.readSequence(0x30);
    assert.equal(r.readInt(), 3);
    r.readSequence(0x77);
    assert.equal(r.readString(0x80), START_TLS_OID);
    assert.deepEqual(encodeUnbind(5), Buffer.from([0x30, 0x05, 0x02, 0x01, 0x05, 0x42, 0x00]));
  });

  test('wire – a bind response keeps binary serverSaslCreds byte for byte', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.integer({ min: 0, max: 80 }), fc.string(), (bytes, code, diag) => {
        const got = decodeResult(response({ id: 9, code, diag, sasl: Buffer.from(bytes) }));
        assert.ok(got);
        assert.equal(got.messageId, 9);
        assert.equal(got.op, 0x61);
        assert.equal(got.resultCode, code);
        assert.equal(got.diagnosticMessage, Buffer.from(diag).toString('utf8'));
        assert.deepEqual(got.serverSaslCreds, Buffer.from(bytes));
      }),
    );
  });

  test('wire – an unsolicited notice of disconnection decodes with message id 0 and its name', () => {
    const got = decodeResult(response({ id: 0, op: 0x78, code: 52, diag: 'shutting down', name: '1.3.6.1.4.1.1466.20036' }));
    assert.equal(got?.messageId, 0);
    assert.equal(got?.responseName, '1.3.6.1.4.1.1466.20036');
    assert.equal(got?.resultCode, 52);
  });

  test('wire – frames split anywhere in a stream reassemble to the same messages', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 400 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 50 }),
        (payloads, cuts) => {
          const frames = payloads.map((p, i) => response({ id: i + 1, code: 14, sasl: Buffer.from(p) }));
          const stream = Buffer.concat(frames);
          let pending = Buffer.alloc(0);
          const out: Buffer[] = [];
          for (let pos = 0, k = 0; pos < stream.length; k++) {
            const n = cuts[k % cuts.length]!;
            pending = Buffer.concat([pending, stream.subarray(pos, pos + n)]);
            pos += n;
            for (let len = frameLength(pending); len !== undefined && pending.length >= len; len = frameLength(pending)) {
              out.push(pending.subarray(0, len));
              pending = pending.subarray(len);
            }
          }
          assert.deepEqual(out, frames);
          assert.equal(pending.length, 0);
        },
      ),
    );
  });

  test('wire – garbage is refused, never half-decoded', () => {
    assert.throws(() => frameLength(Buffer.from([0x61, 0x00])), /not an LDAP message/);
    assert.throws(() => frameLength(Buffer.from([0x30, 0x85, 1, 1, 1, 1, 1])), /bad LDAP message length/);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const got = decodeResult(Buffer.from(bytes));
        if (got) assert.equal(typeof got.resultCode, 'number');
      }),
    );
  });
});
