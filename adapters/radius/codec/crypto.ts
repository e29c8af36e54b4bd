// Authenticators and Message-Authenticator (RFC 2865 §3, RFC 3579 §3.2), computed on raw bytes and
// compared in constant time. Never compare MACs as strings: the `radius` package does, and accepts a
// third of bit-flipped Message-Authenticators (libraries.md finding B).
import { createHash, hash, timingSafeEqual } from 'node:crypto';
import { HEADER, MAX_PACKET, type Secret } from './types.ts';

const ZERO16 = Buffer.alloc(16);

export function secretBytes(secret: Secret): Buffer {
  return typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
}

interface HmacKeys {
  readonly secret: Buffer;
  readonly ipad: Buffer;
  readonly opad: Buffer;
}

// Shared secrets are few and fixed, and deriving the HMAC pads is a third of the cost of a MAC:
// remember them per secret string (bounded; a Uint8Array secret is derived each time).
const keyCache = new Map<string, HmacKeys>();

/** HMAC-MD5 (RFC 2104) keys: the secret (hashed if over 64 bytes) XOR 0x36 / 0x5c, 64 bytes each. */
function hmacKeys(secret: Secret): HmacKeys {
  const cached = typeof secret === 'string' ? keyCache.get(secret) : undefined;
  if (cached) return cached;
  const raw = secretBytes(secret);
  const k = raw.length > 64 ? createHash('md5').update(raw).digest() : raw;
  const ipad = Buffer.alloc(64, 0x36);
  const opad = Buffer.alloc(64, 0x5c);
  for (let i = 0; i < k.length; i++) {
    ipad[i]! ^= k[i]!;
    opad[i]! ^= k[i]!;
  }
  const keys = { secret: raw, ipad, opad };
  if (typeof secret === 'string') {
    if (keyCache.size >= 1000) keyCache.clear();
    keyCache.set(secret, keys);
  }
  return keys;
}

// The bytes an MD5 runs over are laid out in one scratch buffer (a packet of at most 4096 bytes with an
// HMAC pad before it or the secret after it), grown if ever needed: no Buffer.concat, and no view per
// part, per packet. Filled and hashed synchronously, so one per thread is enough.
let scratch = Buffer.allocUnsafe(64 + MAX_PACKET + 64);
const outerScratch = Buffer.allocUnsafe(64 + 16);

function room(n: number): Buffer {
  if (scratch.length < n) scratch = Buffer.allocUnsafe(n);
  return scratch;
}

/** MD5 of the parts in one call: crypto.hash over one buffer costs about a third of a createHash
 *  object fed part by part (the load generator and the server pay it several times per packet). */
export function md5(parts: readonly Uint8Array[]): Buffer {
  let n = 0;
  for (const p of parts) n += p.length;
  const buf = room(n);
  let off = 0;
  for (const p of parts) {
    buf.set(p, off);
    off += p.length;
  }
  return hash('md5', buf.subarray(0, n), 'buffer');
}

/** HMAC-MD5 over several parts, built from two MD5s (cheaper than createHmac per packet). */
function hmacMd5(secret: Secret, parts: readonly Uint8Array[]): Buffer {
  const keys = hmacKeys(secret);
  return outerMd5(keys, md5([keys.ipad, ...parts]));
}

/** MD5(opad + inner digest), the outer half of HMAC-MD5. */
function outerMd5(keys: HmacKeys, inner: Buffer): Buffer {
  outerScratch.set(keys.opad, 0);
  outerScratch.set(inner, 64);
  return hash('md5', outerScratch, 'buffer');
}

/**
 * HMAC-MD5 keyed with the secret over the packet with the Message-Authenticator value zeroed. For a
 * request the authenticator field is the packet's own; for a reply it is the REQUEST authenticator
 * (RFC 3579 §3.2), given as `authenticatorForHash`.
 */
export function computeMessageAuthenticator(
  raw: Buffer,
  maValueOffset: number,
  secret: Secret,
  authenticatorForHash?: Buffer,
): Buffer {
  const n = raw.length;
  // The usual packet: the inner MD5 runs over ipad + the packet itself, its authenticator replaced and
  // its MA value zeroed in the copy. Anything else (never from our decoder or encoder) takes the parts.
  if (maValueOffset >= HEADER && maValueOffset + 16 <= n && (authenticatorForHash === undefined || authenticatorForHash.length === 16)) {
    const keys = hmacKeys(secret);
    const buf = room(64 + n);
    buf.set(keys.ipad, 0);
    buf.set(raw, 64);
    if (authenticatorForHash !== undefined) buf.set(authenticatorForHash, 64 + 4);
    buf.fill(0, 64 + maValueOffset, 64 + maValueOffset + 16);
    return outerMd5(keys, hash('md5', buf.subarray(0, 64 + n), 'buffer'));
  }
  return hmacMd5(secret, [
    raw.subarray(0, 4),
    authenticatorForHash ?? raw.subarray(4, HEADER),
    raw.subarray(HEADER, maValueOffset),
    ZERO16,
    raw.subarray(maValueOffset + 16),
  ]);
}

export function verifyMessageAuthenticator(
  raw: Buffer,
  maValueOffset: number,
  secret: Secret,
  authenticatorForHash?: Buffer,
): boolean {
  const expected = computeMessageAuthenticator(raw, maValueOffset, secret, authenticatorForHash);
  return timingSafeEqual(expected, raw.subarray(maValueOffset, maValueOffset + 16));
}

/** MD5(Code + Identifier + Length + Request Authenticator + Attributes + Secret), RFC 2865 §3. */
export function computeResponseAuthenticator(raw: Buffer, requestAuthenticator: Buffer, secret: Secret): Buffer {
  const key = hmacKeys(secret).secret;
  const n = raw.length;
  if (n < HEADER || requestAuthenticator.length !== 16) return md5([raw.subarray(0, 4), requestAuthenticator, raw.subarray(HEADER), key]);
  // The packet with the Request Authenticator in place of its own, then the secret.
  const buf = room(n + key.length);
  buf.set(raw, 0);
  buf.set(requestAuthenticator, 4);
  buf.set(key, n);
  return hash('md5', buf.subarray(0, n + key.length), 'buffer');
}

export function verifyResponseAuthenticator(raw: Buffer, requestAuthenticator: Buffer, secret: Secret): boolean {
  const expected = computeResponseAuthenticator(raw, requestAuthenticator, secret);
  return timingSafeEqual(expected, raw.subarray(4, HEADER));
}

/** Accounting-Request and CoA/Disconnect requests: MD5 over the packet with a zero authenticator (RFC 2866 §3). */
export function computeAccountingRequestAuthenticator(raw: Buffer, secret: Secret): Buffer {
  return computeResponseAuthenticator(raw, ZERO16, secret);
}
