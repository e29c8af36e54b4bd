// User-Password hiding (RFC 2865 §5.2) on raw bytes: the value is split into 16-byte blocks, each
// XORed with MD5(secret + previous cipher block), the first with MD5(secret + Request Authenticator).
// Unhiding returns bytes with trailing NULs stripped; turning them into text (pw_codec) is separate so
// that a wrong secret shows up as a decode failure ("Cannot decode password", reference §5.1 step 9).
import { TextDecoder } from 'node:util';
import { md5, secretBytes } from './crypto.ts';
import type { Secret } from './types.ts';

/** What one attribute can carry (RFC 2865 §5: 253 octets of value). Duo's proxy 4.0.2 (pyrad) unhides any
 *  User-Password up to that, a short last block included, though RFC 2865 §5.2 says 128 (issue 11 §6: a
 *  130-byte password reached Duo intact through 4.0.2; ours answered "Cannot decode password"). */
export const MAX_HIDDEN_PASSWORD = 253;
/** The longest password that can be hidden: NUL-padded to a multiple of 16, it must still fit 253 octets. */
export const MAX_PASSWORD = Math.floor(MAX_HIDDEN_PASSWORD / 16) * 16; // 240

export type PasswordResult = { ok: true; value: Buffer } | { ok: false; error: 'password-too-long' };

function xorBlocks(input: Buffer, secret: Buffer, authenticator: Buffer, hiding: boolean): Buffer {
  const out = Buffer.alloc(input.length);
  let prev: Buffer = authenticator;
  for (let off = 0; off < input.length; off += 16) {
    const pad = md5([secret, prev]);
    const end = Math.min(off + 16, input.length);
    for (let i = off; i < end; i++) out[i] = input[i]! ^ pad[i - off]!;
    // The chain runs on cipher text: the output when hiding, the input when unhiding.
    prev = hiding ? out.subarray(off, off + 16) : input.subarray(off, off + 16);
  }
  return out;
}

/** Hides a password of 0..240 bytes; it is NUL-padded to a multiple of 16 (at least 16). */
export function hidePassword(plain: Uint8Array, secret: Secret, authenticator: Buffer): PasswordResult {
  if (plain.length > MAX_PASSWORD) return { ok: false, error: 'password-too-long' };
  const padded = Buffer.alloc(Math.max(16, Math.ceil(plain.length / 16) * 16));
  padded.set(plain);
  return { ok: true, value: xorBlocks(padded, secretBytes(secret), authenticator, true) };
}

/**
 * Reveals a hidden User-Password. Like Duo's pyrad, a last block shorter than 16 bytes is still
 * decoded; anything over 253 bytes (more than an attribute holds) is refused. Trailing NULs (the
 * padding) are removed.
 */
export function unhidePassword(hidden: Uint8Array, secret: Secret, authenticator: Buffer): PasswordResult {
  if (hidden.length > MAX_HIDDEN_PASSWORD) return { ok: false, error: 'password-too-long' };
  const plain = xorBlocks(Buffer.from(hidden), secretBytes(secret), authenticator, false);
  let end = plain.length;
  while (end > 0 && plain[end - 1] === 0) end--;
  return { ok: true, value: plain.subarray(0, end) };
}

export type PasswordTextResult = { ok: true; text: string } | { ok: false; error: 'cannot-decode' | 'unknown-codec' };

// A TextDecoder per pw_codec, made once: building one costs more than decoding a password with it, and
// a non-streaming decode() keeps no state between calls. Codecs are the few named in the config.
const decoders = new Map<string, TextDecoder | undefined>();

function decoderFor(codec: string): TextDecoder | undefined {
  if (decoders.has(codec)) return decoders.get(codec);
  let decoder: TextDecoder | undefined;
  try {
    decoder = new TextDecoder(codec, { fatal: true, ignoreBOM: true });
  } catch {
    decoder = undefined;
  }
  if (decoders.size < 64) decoders.set(codec, decoder);
  return decoder;
}

/** Decodes password bytes with `pw_codec` (default utf-8); invalid bytes are an error, never U+FFFD. */
export function decodePasswordText(bytes: Uint8Array, codec = 'utf-8'): PasswordTextResult {
  const decoder = decoderFor(codec);
  if (decoder === undefined) return { ok: false, error: 'unknown-codec' };
  try {
    return { ok: true, text: decoder.decode(bytes) };
  } catch {
    return { ok: false, error: 'cannot-decode' };
  }
}

/** Encodes a password for sending with `pw_codec`: UTF-8, or the single-byte Latin-1/ASCII codecs. */
export function encodePasswordText(text: string, codec = 'utf-8'): { ok: true; value: Buffer } | { ok: false; error: 'cannot-encode' | 'unknown-codec' } {
  const c = codec.toLowerCase().replace(/_/g, '-');
  if (c === 'utf-8' || c === 'utf8') return { ok: true, value: Buffer.from(text, 'utf8') };
  const limit = c === 'ascii' || c === 'us-ascii' ? 0x7f : ['latin-1', 'latin1', 'iso-8859-1', 'iso8859-1'].includes(c) ? 0xff : -1;
  if (limit < 0) return { ok: false, error: 'unknown-codec' };
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > limit) return { ok: false, error: 'cannot-encode' };
  return { ok: true, value: Buffer.from(text, 'latin1') };
}
