// The hostile datagrams of `npm run fuzz` (issue 15): every kind an attack run threw at the proxy, each
// one a packet the proxy must never answer. test/fuzz/hostile.test.ts checks, for every kind, that our
// own decoder refuses it with the reason given here, so an answer to one is a real defect.
import { createHash } from 'node:crypto';
import { encodeRequest } from '../../adapters/radius/codec/encode.ts';
import { Attr, type RawAttribute } from '../../adapters/radius/codec/types.ts';

export const HOSTILE_KINDS = [
  'random-bytes',
  'too-short',
  'length-mismatch',
  'too-long',
  'bad-attribute-length',
  'wrong-code',
  'ma-missing',
  'ma-invalid',
  'wrong-secret',
  'proxy-state-without-ma',
  'status-server-bad-ma',
  'unknown-client',
] as const;
export type HostileKind = (typeof HOSTILE_KINDS)[number];

/** How the proxy must treat a kind: which decode failure (or drop reason) it is; 'wrong-code' also
 *  covers codes the decoder does not know at all ('unknown-code'). */
export const EXPECTED_DROP: Record<HostileKind, string> = {
  'random-bytes': 'any',
  'too-short': 'too-short',
  'length-mismatch': 'length-mismatch',
  'too-long': 'too-long',
  'bad-attribute-length': 'bad-attribute-length',
  'wrong-code': 'wrong-code',
  'ma-missing': 'ma-missing',
  'ma-invalid': 'ma-invalid',
  'wrong-secret': 'ma-invalid',
  'proxy-state-without-ma': 'ma-missing',
  'status-server-bad-ma': 'ma-invalid',
  'unknown-client': 'unknown-client',
};

/** A deterministic random source (xorshift32), so a run can be repeated from its seed. */
export function rng(seed: number): () => number {
  let x = seed >>> 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

const int = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

function bytes(r: () => number, n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = int(r, 0, 255);
  return b;
}

function userAttrs(r: () => number): RawAttribute[] {
  const name = `fuzz${int(r, 0, 99999)}`;
  return [
    { type: Attr.UserName, value: Buffer.from(name) },
    { type: Attr.UserPassword, value: bytes(r, int(r, 1, 40)) },
    ...(r() < 0.3 ? [{ type: Attr.State, value: bytes(r, int(r, 1, 60)) }] : []),
  ];
}

/** A well-formed Access-Request (code 1 unless given), with or without Message-Authenticator. */
function request(r: () => number, secret: string, opts: { code?: number; ma?: boolean; extra?: RawAttribute[] } = {}): Buffer {
  const code = opts.code ?? 1;
  const enc = encodeRequest({ code: code === 12 ? 12 : 1, id: int(r, 0, 255), authenticator: bytes(r, 16), secret, attributes: [...userAttrs(r), ...(opts.extra ?? [])], messageAuthenticator: opts.ma ?? true });
  if (!enc.ok) throw new Error(`fuzz: cannot encode (${enc.error})`);
  // Another code is written over the header (the listener looks at the code before any signature).
  enc.bytes[0] = code;
  return enc.bytes;
}

/**
 * One hostile datagram of `kind`, for a proxy whose clients share `secret`. 'unknown-client' is a valid
 * packet: what makes it hostile is its spoofed source, chosen by the sender. 'ma-missing' counts on the
 * client having sent Message-Authenticator once (require_message_authenticator = auto), or on = true.
 */
export function hostile(kind: HostileKind, r: () => number, secret: string): Buffer {
  switch (kind) {
    case 'random-bytes':
      return bytes(r, int(r, 0, 600));
    case 'too-short':
      return request(r, secret).subarray(0, int(r, 0, 19));
    case 'length-mismatch': {
      const p = request(r, secret);
      // A declared length past the end of the datagram (one below the header is 'too-short'; one below
      // the datagram's is legal, the trailing bytes being ignored, as Duo does).
      p.writeUInt16BE(p.length + int(r, 1, 200), 2);
      return p;
    }
    case 'too-long': {
      const p = Buffer.concat([request(r, secret), bytes(r, 4097)]);
      p.writeUInt16BE(Math.min(p.length, 65535), 2);
      return p;
    }
    case 'bad-attribute-length': {
      const p = request(r, secret, { ma: false });
      // The first attribute (right after the 20-byte header) claims 0, 1 or more than is left.
      p[21] = r() < 0.5 ? int(r, 0, 1) : Math.min(255, p.length - 20 + int(r, 1, 50));
      return p;
    }
    case 'wrong-code':
      return request(r, secret, { code: [2, 3, 4, 5, 11, 40, 43, 0, 255][int(r, 0, 8)]! });
    case 'ma-missing':
      return request(r, secret, { ma: false });
    case 'ma-invalid': {
      const p = request(r, secret);
      const ma = findMa(p);
      p[ma + int(r, 0, 15)]! ^= 1 << int(r, 0, 7);
      return p;
    }
    case 'wrong-secret':
      return request(r, `${secret}-not${int(r, 0, 1e6)}`);
    case 'proxy-state-without-ma':
      return request(r, secret, { ma: false, extra: [{ type: Attr.ProxyState, value: bytes(r, int(r, 1, 30)) }] });
    case 'status-server-bad-ma': {
      const p = request(r, `${secret}x`, { code: 12 });
      return p;
    }
    case 'unknown-client':
      return request(r, secret);
  }
}

/** Offset of the Message-Authenticator value in an encoded packet. */
function findMa(p: Buffer): number {
  for (let i = 20; i + 2 <= p.length; i += p[i + 1]!) {
    if (p[i] === Attr.MessageAuthenticator) return i + 2;
    if (p[i + 1]! < 2) break;
  }
  throw new Error('fuzz: no Message-Authenticator');
}

/** A short fingerprint of a datagram, for reporting one that was answered. */
export function fingerprint(p: Buffer): string {
  return createHash('sha256').update(p).digest('hex').slice(0, 16);
}
