// The fuzz's hostile datagrams (scripts/fuzz/hostile.ts) are what they claim to be: for every kind, our
// own decoder refuses them for the expected reason, so a reply to one during `npm run fuzz` is a defect
// of the proxy and not of the fuzz.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { checkRequest, decodePacket } from '../../adapters/radius/codec/decode.ts';
import { EXPECTED_DROP, HOSTILE_KINDS, hostile, rng } from '../../scripts/fuzz/hostile.ts';

const SECRET = 'fuzz-secret';

/** What the proxy's listener decides about a datagram from a known client (server.ts, in order). */
function verdict(p: Buffer): string {
  const framed = decodePacket(p);
  if (!framed.ok) return framed.reason === 'unknown-code' ? 'wrong-code' : framed.reason;
  const { packet } = framed;
  if (packet.code !== 1 && packet.code !== 12) return 'wrong-code';
  const v = checkRequest(packet, { secret: SECRET, requireMessageAuthenticator: true, limitProxyState: true });
  return v.ok ? 'accepted' : v.reason;
}

test('fuzz hostile – property: every kind is refused by the decoder for its own reason (unknown-client is refused by its source)', () => {
  fc.assert(
    fc.property(fc.constantFrom(...HOSTILE_KINDS), fc.integer({ min: 1, max: 2 ** 31 }), (kind, seed) => {
      const got = verdict(hostile(kind, rng(seed), SECRET));
      const want = EXPECTED_DROP[kind];
      if (kind === 'unknown-client') assert.equal(got, 'accepted', 'a valid packet: only its spoofed source makes it hostile');
      else if (want === 'any') assert.notEqual(got, 'accepted');
      else assert.equal(got, want, kind);
    }),
    { numRuns: 3000 },
  );
});

test('fuzz hostile – a seed gives the same datagrams again', () => {
  for (const kind of HOSTILE_KINDS) assert.deepEqual(hostile(kind, rng(42), SECRET), hostile(kind, rng(42), SECRET));
});
