// Fuzz: 100,000+ random and mutated datagrams at a running server. The process never throws, nothing
// invalid is ever answered, every reply belongs to a valid request, and the counters add up.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { decodePacket, encodeRequest, type RawAttribute } from '../../adapters/radius/codec/index.ts';
import { startTestRadiusServer } from '../../adapters/radius/test-server.ts';
import { udpPeer } from './helpers.ts';

const SECRET = 'fuzz-secret';
const TOTAL = 100_000;
const BATCH = 400;

/** xorshift32: a reproducible stream from a printed seed. */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
  return { int: (n: number) => next() % n, bytes: (n: number) => Buffer.from(Array.from({ length: n }, () => next() & 255)) };
}

describe('radius fuzz', () => {
  test('radius fuzz – 100k random and mutated packets: no crash, no answer to invalid input, counters add up', { timeout: 60_000 }, async (t) => {
    const seed = Number(process.env.RADIUS_FUZZ_SEED ?? randomBytes(4).readUInt32BE(0));
    t.diagnostic(`seed ${seed} (set RADIUS_FUZZ_SEED to replay)`);
    const r = rng(seed);
    const srv = await startTestRadiusServer({
      secret: SECRET,
      clients: ['127.0.0.1'],
      requireMessageAuthenticator: 'true',
      handle: (req) => ({ kind: 'reply', code: req.identifier % 2 ? 2 : 3, replyMessage: `id ${req.identifier}`, attributes: [] }),
    });
    const peer = await udpPeer('udp4', '127.0.0.1');
    const stranger = await udpPeer('udp4', '127.0.0.9');
    t.after(() => { peer.close(); stranger.close(); return srv.close(); });

    const validByAuth = new Map<string, Buffer>();
    const validRequest = (): Buffer => {
      const attrs: RawAttribute[] = [];
      for (let i = r.int(6); i > 0; i--) attrs.push({ type: 1 + r.int(79), value: r.bytes(r.int(40)) });
      const e = encodeRequest({ id: r.int(256), secret: SECRET, attributes: attrs.filter((a) => a.type !== 2) });
      assert.ok(e.ok);
      return e.bytes;
    };
    const mutate = (b: Buffer): Buffer => {
      const m = Buffer.from(b);
      switch (r.int(5)) {
        case 0:
          for (let i = 1 + r.int(3); i > 0; i--) m[r.int(m.length)]! ^= 1 << r.int(8);
          return m;
        case 1:
          return m.subarray(0, r.int(m.length));
        case 2:
          return Buffer.concat([m, r.bytes(1 + r.int(20))]);
        case 3:
          m.writeUInt16BE(r.int(600), 2);
          return m;
        default:
          m[20 + r.int(m.length - 20)] = r.int(256);
          return m;
      }
    };

    let sent = 0;
    let strangerSent = 0;
    let valid = 0;
    while (sent < TOTAL) {
      for (let i = 0; i < BATCH; i++) {
        const kind = r.int(20);
        let pkt: Buffer;
        if (kind === 0) {
          pkt = validRequest();
          validByAuth.set(pkt.subarray(4, 20).toString('hex'), pkt);
          valid++;
        } else if (kind === 1) {
          stranger.send(validRequest(), srv.port);
          strangerSent++;
          continue;
        } else if (kind < 8) {
          pkt = r.bytes(r.int(120));
        } else {
          const base = validRequest();
          pkt = mutate(base);
          if (pkt.equals(base)) continue;
        }
        peer.send(pkt, srv.port);
        sent++;
      }
      // Let the server catch up before the next batch (bounded wait; loss would show in the counts).
      const target = sent + strangerSent;
      for (let w = 0; w < 500 && srv.server.stats().received < target; w++) await new Promise((res) => setImmediate(res));
    }
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && (srv.server.stats().received < sent + strangerSent || srv.server.stats().inFlight > 0 || peer.received.length < srv.server.stats().answered))
      await new Promise((res) => setTimeout(res, 5));

    const s = srv.server.stats();
    t.diagnostic(JSON.stringify({ sent, strangerSent, valid, ...s }));
    const dropped = Object.values(s.dropped).reduce((a, b) => a + (b ?? 0), 0);
    assert.equal(s.received, s.answered + dropped + s.duplicates.resent + s.duplicates.whilePending + s.duplicates.afterDrop + s.inFlight);
    assert.ok(s.received >= 0.99 * (sent + strangerSent), 'the kernel lost (almost) nothing');
    assert.equal(stranger.received.length, 0, 'an unknown client is never answered');
    const unknown = s.dropped['unknown-client'] ?? 0;
    assert.ok(unknown <= strangerSent && unknown >= 0.99 * strangerSent, 'every datagram of the stranger dropped as unknown-client');
    assert.ok(s.answered <= valid, 'no more answers than valid requests');
    assert.ok(s.answered >= 0.99 * valid);
    assert.equal(peer.received.length, s.answered);
    for (const reply of peer.received) {
      // Every reply verifies against one of the valid requests (found by its id and Response Authenticator).
      const match = [...validByAuth.values()].some(
        (req) =>
          req[1] === reply[1] &&
          decodePacket(reply, { secret: SECRET, requireMessageAuthenticator: true, requestAuthenticator: req.subarray(4, 20) }).ok,
      );
      assert.ok(match, 'reply to an invalid packet');
    }
  });
});
