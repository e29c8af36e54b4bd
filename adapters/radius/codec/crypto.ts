// Authenticators and Message-Authenticator (RFC 2865 §3, RFC 3579 §3.2), computed on raw bytes and
// compared in constant time. Never compare MACs as strings: the `radius` package does, and accepts a
// third of bit-flipped Message-Authenticators (libraries.md finding B).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { HEADER, type Secret } from './types.ts';

const ZERO16 = Buffer.alloc(16);

export function secretBytes(secret: Secret): Buffer {
  return typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
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
  const h = createHmac('md5', secretBytes(secret));
  h.update(raw.subarray(0, 4));
  h.update(authenticatorForHash ?? raw.subarray(4, HEADER));
  h.update(raw.subarray(HEADER, maValueOffset));
  h.update(ZERO16);
  h.update(raw.subarray(maValueOffset + 16));
  return h.digest();
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
  return createHash('md5')
    .update(raw.subarray(0, 4))
    .update(requestAuthenticator)
    .update(raw.subarray(HEADER))
    .update(secretBytes(secret))
    .digest();
}

export function verifyResponseAuthenticator(raw: Buffer, requestAuthenticator: Buffer, secret: Secret): boolean {
  const expected = computeResponseAuthenticator(raw, requestAuthenticator, secret);
  return timingSafeEqual(expected, raw.subarray(4, HEADER));
}

/** Accounting-Request and CoA/Disconnect requests: MD5 over the packet with a zero authenticator (RFC 2866 §3). */
export function computeAccountingRequestAuthenticator(raw: Buffer, secret: Secret): Buffer {
  return computeResponseAuthenticator(raw, ZERO16, secret);
}
