import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  authenticateMessage,
  desl,
  filetime,
  negotiateMessage,
  NtlmFlag,
  ntlmv1Responses,
  ntlmv2Responses,
  ntowfv1,
  ntowfv2,
  parseChallenge,
} from '../../adapters/ldap/ntlm.ts';

// MS-NLMP §4.2: user "User", domain "Domain", password "Password", server challenge 0123456789abcdef,
// client challenge aaaaaaaaaaaaaaaa, time 0.
const SERVER_CHALLENGE = Buffer.from('0123456789abcdef', 'hex');
const CLIENT_CHALLENGE = Buffer.from('aaaaaaaaaaaaaaaa', 'hex');
// §4.2.4.3: the CHALLENGE_MESSAGE of the NTLMv2 example (target name "Server", AV pairs Domain/Server).
const V2_CHALLENGE = Buffer.from(
  '4e544c4d53535000020000000c000c003800000033828ae20123456789abcdef00000000000000002400240044000000' +
    '060070170000000f53006500720076006500720002000c0044006f006d00610069006e0001000c00530065007200760065' +
    '00720000000000',
  'hex',
);

/** Reads an AUTHENTICATE message's six payload fields and flags back (test-side parser). */
function readAuthenticate(msg: Buffer) {
  assert.equal(msg.subarray(0, 8).toString('latin1'), 'NTLMSSP\0');
  assert.equal(msg.readUInt32LE(8), 3);
  const field = (i: number) => {
    const len = msg.readUInt16LE(12 + i * 8);
    assert.equal(msg.readUInt16LE(14 + i * 8), len);
    const off = msg.readUInt32LE(16 + i * 8);
    assert.ok(off >= 64 && off + len <= msg.length, 'field inside the message');
    return msg.subarray(off, off + len);
  };
  return { lm: field(0), nt: field(1), domain: field(2), user: field(3), workstation: field(4), key: field(5), flags: msg.readUInt32LE(60) };
}

describe('ldap ntlm', () => {
  test('ntlm – NTOWFv1 and NTLMv1 responses match MS-NLMP §4.2.2', () => {
    assert.equal(ntowfv1('Password').toString('hex'), 'a4f49c406510bdcab6824ee7c30fd852');
    const ch = { flags: 0, serverChallenge: SERVER_CHALLENGE, targetInfo: Buffer.alloc(0), nbDomain: undefined, timestamp: undefined };
    const r = ntlmv1Responses(ch, 'Password', CLIENT_CHALLENGE);
    assert.equal(r.nt.toString('hex'), '67c43011f30298a2ad35ece64f16331c44bdbed927841f94');
    assert.deepEqual(r.lm, r.nt);
  });

  test('ntlm – NTLMv1 with extended session security matches MS-NLMP §4.2.3', () => {
    const ch = {
      flags: NtlmFlag.ExtendedSessionSecurity,
      serverChallenge: SERVER_CHALLENGE,
      targetInfo: Buffer.alloc(0),
      nbDomain: undefined,
      timestamp: undefined,
    };
    const r = ntlmv1Responses(ch, 'Password', CLIENT_CHALLENGE);
    assert.equal(r.nt.toString('hex'), '7537f803ae367128ca458204bde7caf81e97ed2683267232');
    assert.equal(r.lm.toString('hex'), `aaaaaaaaaaaaaaaa${'00'.repeat(16)}`);
  });

  test('ntlm – NTOWFv2, LMv2 and NTProofStr match MS-NLMP §4.2.4', () => {
    assert.equal(ntowfv2('Password', 'User', 'Domain').toString('hex'), '0c868a403bfd7a93a3001ef22ef02e3f');
    const ch = parseChallenge(V2_CHALLENGE);
    assert.ok(ch);
    const r = ntlmv2Responses(ch, { username: 'User', password: 'Password', domain: 'Domain' }, CLIENT_CHALLENGE, Buffer.alloc(8));
    assert.equal(r.lm.toString('hex'), '86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa');
    assert.equal(r.nt.subarray(0, 16).toString('hex'), '68cd0ab851e51c96aabc927bebef6a1c');
    // The rest of the NT response is the client blob, which ends with the server's AV pairs.
    assert.deepEqual(r.nt.subarray(16, 24), Buffer.from([1, 1, 0, 0, 0, 0, 0, 0]));
    assert.deepEqual(r.nt.subarray(32, 40), CLIENT_CHALLENGE);
    assert.deepEqual(r.nt.subarray(44, 44 + ch.targetInfo.length), ch.targetInfo);
  });

  test('ntlm – DESL splits its 16-byte key 7/7/2', () => {
    // DESL(K, D) = DES(K[0..7], D) | DES(K[7..14], D) | DES(K[14..16]+zeros, D): the three thirds differ.
    const out = desl(Buffer.from('a4f49c406510bdcab6824ee7c30fd852', 'hex'), SERVER_CHALLENGE);
    assert.equal(out.length, 24);
    assert.equal(out.toString('hex'), '67c43011f30298a2ad35ece64f16331c44bdbed927841f94');
  });

  test('ntlm – the challenge of MS-NLMP §4.2.4.3 parses to its flags, challenge and NetBIOS domain', () => {
    const ch = parseChallenge(V2_CHALLENGE);
    assert.ok(ch);
    assert.equal(ch.flags >>> 0, 0xe28a8233);
    assert.deepEqual(ch.serverChallenge, SERVER_CHALLENGE);
    assert.equal(ch.nbDomain, 'Domain');
    assert.equal(ch.targetInfo.length, 0x24);
    assert.equal(ch.timestamp, undefined);
  });

  test('ntlm – a negotiate message asks for NTLM and Unicode but neither signing nor sealing', () => {
    const msg = negotiateMessage();
    assert.equal(msg.subarray(0, 8).toString('latin1'), 'NTLMSSP\0');
    assert.equal(msg.readUInt32LE(8), 1);
    const flags = msg.readUInt32LE(12);
    assert.ok(flags & NtlmFlag.Ntlm && flags & NtlmFlag.Unicode && flags & NtlmFlag.ExtendedSessionSecurity);
    assert.equal(flags & (NtlmFlag.Sign | NtlmFlag.Seal | NtlmFlag.KeyExchange), 0);
  });

  test('ntlm – an authenticate message carries the names and responses at the offsets it declares', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }),
        fc.string({ maxLength: 40 }),
        fc.string({ maxLength: 20 }),
        fc.string({ maxLength: 15 }),
        fc.constantFrom(1 as const, 2 as const),
        (username, password, domain, workstation, version) => {
          const ch = parseChallenge(V2_CHALLENGE)!;
          const msg = authenticateMessage(version, ch, { username, password, domain, workstation }, { clientChallenge: CLIENT_CHALLENGE });
          const f = readAuthenticate(msg);
          assert.equal(f.user.toString('utf16le'), username);
          // An empty domain falls back to the server's NetBIOS domain; names are upper-cased.
          assert.equal(f.domain.toString('utf16le'), (domain || 'Domain').toUpperCase());
          assert.equal(f.workstation.toString('utf16le'), workstation.toUpperCase());
          assert.equal(f.key.length, 0);
          assert.equal(f.flags & (NtlmFlag.Sign | NtlmFlag.Seal | NtlmFlag.KeyExchange), 0);
          if (version === 2) {
            const expected = ntlmv2Responses(ch, { username, password, domain: (domain || 'Domain').toUpperCase() }, CLIENT_CHALLENGE, filetime(0));
            // The timestamp is "now", so compare the parts that don't depend on it.
            assert.equal(f.nt.length, expected.nt.length);
            assert.deepEqual(f.nt.subarray(32), expected.nt.subarray(32));
          } else {
            assert.deepEqual(f.nt, ntlmv1Responses(ch, password, CLIENT_CHALLENGE).nt);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  test('ntlm – NTLMv2 reuses the server timestamp and then sends a zero LMv2 response', () => {
    const stamp = filetime(Date.UTC(2024, 0, 1));
    const ti = Buffer.concat([Buffer.from([7, 0, 8, 0]), stamp, Buffer.alloc(4)]);
    const msg = Buffer.concat([V2_CHALLENGE.subarray(0, 40), Buffer.from([ti.length, 0, ti.length, 0, 48, 0, 0, 0]), ti]);
    const ch = parseChallenge(msg);
    assert.ok(ch);
    assert.deepEqual(ch.timestamp, stamp);
    const f = readAuthenticate(authenticateMessage(2, ch, { username: 'u', password: 'p', domain: 'D', workstation: 'W' }));
    assert.deepEqual(f.nt.subarray(24, 32), stamp);
    assert.deepEqual(f.lm, Buffer.alloc(24));
  });

  test('ntlm – parseChallenge rejects what is not a well-formed challenge, never throwing', () => {
    assert.equal(parseChallenge(Buffer.from('NTLMSSP\0\x01\0\0\0', 'latin1')), undefined);
    const outside = Buffer.from(V2_CHALLENGE);
    outside.writeUInt32LE(0xffff, 44);
    assert.equal(parseChallenge(outside), undefined);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 0, max: 199 }), (bytes, cut) => {
        const flipped = Buffer.from(V2_CHALLENGE);
        const at = cut % flipped.length;
        flipped[at] = flipped[at]! ^ 0xff;
        for (const input of [Buffer.from(bytes), V2_CHALLENGE.subarray(0, cut), flipped]) {
          const ch = parseChallenge(input);
          if (ch === undefined) continue;
          assert.equal(ch.serverChallenge.length, 8);
          assert.ok(ch.targetInfo.length <= input.length);
        }
      }),
    );
  });
});
