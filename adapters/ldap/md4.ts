// MD4 (RFC 1320), which NTLM needs for the NT hash (MD4 of the UTF-16LE password). Node 20's OpenSSL 3
// has md4 only in the legacy provider (`createHash('md4')` throws "unsupported"), so it is written here:
// 60 lines with no dependency, checked against the RFC's test suite (test/ldap/md4.test.ts).

const S1 = [3, 7, 11, 19] as const;
const S2 = [3, 5, 9, 13] as const;
const S3 = [3, 9, 11, 15] as const;
// Round 3 visits the words in bit-reversed order.
const R3 = [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15] as const;

const rotl = (x: number, s: number): number => (x << s) | (x >>> (32 - s));

/** The 16-byte MD4 digest of `data`. */
export function md4(data: Uint8Array): Buffer {
  // Padding: 0x80, zeros up to 56 mod 64, then the bit length as a 64-bit little-endian integer.
  const blocks = Math.ceil((data.length + 9) / 64);
  const msg = Buffer.alloc(blocks * 64);
  msg.set(data);
  msg[data.length] = 0x80;
  const bits = data.length * 8;
  msg.writeUInt32LE(bits >>> 0, msg.length - 8);
  msg.writeUInt32LE(Math.floor(bits / 0x100000000), msg.length - 4);

  let a = 0x67452301;
  let b = 0xefcdab89;
  let c = 0x98badcfe;
  let d = 0x10325476;
  const x = new Array<number>(16);
  for (let off = 0; off < msg.length; off += 64) {
    for (let i = 0; i < 16; i++) x[i] = msg.readUInt32LE(off + i * 4);
    const [aa, bb, cc, dd] = [a, b, c, d];
    for (let i = 0; i < 16; i++) {
      const f = (b & c) | (~b & d);
      const t = rotl((a + f + x[i]!) | 0, S1[i % 4]!);
      [a, b, c, d] = [d, t, b, c];
    }
    for (let i = 0; i < 16; i++) {
      const g = (b & c) | (b & d) | (c & d);
      const k = (i % 4) * 4 + Math.floor(i / 4);
      const t = rotl((a + g + x[k]! + 0x5a827999) | 0, S2[i % 4]!);
      [a, b, c, d] = [d, t, b, c];
    }
    for (let i = 0; i < 16; i++) {
      const h = b ^ c ^ d;
      const t = rotl((a + h + x[R3[i]!]! + 0x6ed9eba1) | 0, S3[i % 4]!);
      [a, b, c, d] = [d, t, b, c];
    }
    a = (a + aa) | 0;
    b = (b + bb) | 0;
    c = (c + cc) | 0;
    d = (d + dd) | 0;
  }
  const out = Buffer.alloc(16);
  out.writeInt32LE(a, 0);
  out.writeInt32LE(b, 4);
  out.writeInt32LE(c, 8);
  out.writeInt32LE(d, 12);
  return out;
}
