// Encoders. Every packet we send carries Message-Authenticator as its FIRST attribute, straight after
// the header (BlastRADIUS: a reply with MA last does not protect legacy clients), and every reply echoes
// the request's Proxy-State attributes last and in order (reference §5.2).
import { randomFillSync } from 'node:crypto';
import { computeMessageAuthenticator, computeResponseAuthenticator } from './crypto.ts';
import { hidePassword } from './password.ts';
import { Attr, HEADER, MAX_ATTRIBUTE_VALUE, MAX_PACKET, type RawAttribute, type Secret } from './types.ts';

// Request Authenticators come from a refilled pool of CSPRNG bytes: one getrandom per 256 requests
// instead of one per request. Each authenticator is copied out, so no two share bytes.
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;
function randomAuthenticator(): Buffer {
  if (poolOffset + 16 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const out = Buffer.from(pool.subarray(poolOffset, poolOffset + 16));
  poolOffset += 16;
  return out;
}

export type EncodeError = 'attribute-too-long' | 'packet-too-long' | 'password-too-long' | 'bad-identifier' | 'bad-attribute-type';
export type EncodeResult = { ok: true; bytes: Buffer } | { ok: false; error: EncodeError };

/**
 * Splits a Reply-Message into values of at most 253 bytes (RFC 2865 §5.18: several Reply-Messages are
 * shown concatenated) without cutting a UTF-8 character in two.
 */
export function splitReplyMessage(value: Uint8Array | string): Buffer[] {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
  const out: Buffer[] = [];
  let off = 0;
  while (bytes.length - off > MAX_ATTRIBUTE_VALUE) {
    let end = off + MAX_ATTRIBUTE_VALUE;
    // Back up over continuation bytes (10xxxxxx) so the next chunk starts on a character; give up
    // after 3 (the bytes are then not UTF-8 and any cut is as good as another).
    for (let k = 0; k < 3 && (bytes[end]! & 0xc0) === 0x80; k++) end--;
    if ((bytes[end]! & 0xc0) === 0x80) end = off + MAX_ATTRIBUTE_VALUE;
    out.push(bytes.subarray(off, end));
    off = end;
  }
  out.push(bytes.subarray(off));
  return out;
}

/** Writes header space, a zeroed MA first (unless `withMa` is false), then the attributes; returns the
 *  buffer and the MA offset (-1 without MA). */
function layout(code: number, id: number, authenticator: Buffer, attributes: readonly RawAttribute[], withMa = true) {
  let size = HEADER + (withMa ? 18 : 0);
  for (const a of attributes) {
    if (!Number.isInteger(a.type) || a.type < 0 || a.type > 255) return { ok: false, error: 'bad-attribute-type' } as const;
    if (a.value.length > MAX_ATTRIBUTE_VALUE) return { ok: false, error: 'attribute-too-long' } as const;
    size += 2 + a.value.length;
  }
  if (size > MAX_PACKET) return { ok: false, error: 'packet-too-long' } as const;
  if (!Number.isInteger(id) || id < 0 || id > 255) return { ok: false, error: 'bad-identifier' } as const;
  // allocUnsafe takes small buffers from Node's shared pool (fewer ArrayBuffers for the GC to track, and
  // replies live 30 s in the duplicate cache); every byte is written below, the MA value as zeros.
  const buf = Buffer.allocUnsafe(size);
  buf[0] = code;
  buf[1] = id;
  buf.writeUInt16BE(size, 2);
  authenticator.copy(buf, 4, 0, 16);
  let off = HEADER;
  if (withMa) {
    buf[HEADER] = Attr.MessageAuthenticator;
    buf[HEADER + 1] = 18;
    buf.fill(0, HEADER + 2, HEADER + 18);
    off = HEADER + 18;
  }
  for (const a of attributes) {
    buf[off] = a.type;
    buf[off + 1] = a.value.length + 2;
    buf.set(a.value, off + 2);
    off += 2 + a.value.length;
  }
  return { ok: true, buf, maValueOffset: withMa ? HEADER + 2 : -1 } as const;
}

/** Splits over-long Reply-Messages; other attributes are left for `layout` to refuse. */
function splitLongReplyMessages(attributes: readonly RawAttribute[]): RawAttribute[] {
  const out: RawAttribute[] = [];
  for (const a of attributes) {
    if (a.type === Attr.ReplyMessage && a.value.length > MAX_ATTRIBUTE_VALUE)
      for (const part of splitReplyMessage(a.value)) out.push({ type: Attr.ReplyMessage, value: part });
    else out.push(a);
  }
  return out;
}

export interface RequestToEncode {
  /** Access-Request (default) or Status-Server. */
  readonly code?: 1 | 12;
  readonly id: number;
  readonly secret: Secret;
  /** User-Password values are given IN CLEAR and hidden here, since hiding needs the authenticator. */
  readonly attributes: readonly RawAttribute[];
  /** The Request Authenticator; 16 random bytes when omitted (RFC 2865 §3). */
  readonly authenticator?: Buffer;
  /** Default true. false only to play a legacy device that sends none (the simulator's profiles). */
  readonly messageAuthenticator?: boolean;
}

export type EncodeRequestResult = { ok: true; bytes: Buffer; authenticator: Buffer } | { ok: false; error: EncodeError };

export function encodeRequest(req: RequestToEncode): EncodeRequestResult {
  const authenticator = req.authenticator ?? randomAuthenticator();
  const attributes: RawAttribute[] = [];
  for (const a of req.attributes) {
    if (a.type === Attr.MessageAuthenticator) continue;
    if (a.type !== Attr.UserPassword) {
      attributes.push(a);
      continue;
    }
    const hidden = hidePassword(a.value, req.secret, authenticator);
    if (!hidden.ok) return { ok: false, error: hidden.error };
    attributes.push({ type: Attr.UserPassword, value: hidden.value });
  }
  const laid = layout(req.code ?? 1, req.id, authenticator, attributes, req.messageAuthenticator !== false);
  if (!laid.ok) return laid;
  if (laid.maValueOffset >= 0) computeMessageAuthenticator(laid.buf, laid.maValueOffset, req.secret).copy(laid.buf, laid.maValueOffset);
  return { ok: true, bytes: laid.buf, authenticator };
}

/** What a reply needs from its request. A decoded Packet fits. */
export interface ReplyTarget {
  readonly id: number;
  readonly authenticator: Buffer;
  readonly attributes: readonly RawAttribute[];
}

/**
 * Encodes Access-Accept/Reject/Challenge (or any reply code): MA first, then `attributes` (a Reply-Message
 * over 253 bytes becomes several; any other over-long value is an error), then the request's Proxy-States.
 * Message-Authenticator and Proxy-State given in `attributes` are ignored: the encoder owns both.
 */
export function encodeReply(request: ReplyTarget, code: number, attributes: readonly RawAttribute[], secret: Secret): EncodeResult {
  const body = splitLongReplyMessages(
    attributes.filter((a) => a.type !== Attr.MessageAuthenticator && a.type !== Attr.ProxyState),
  );
  for (const a of request.attributes) if (a.type === Attr.ProxyState) body.push(a);
  const laid = layout(code, request.id, request.authenticator, body);
  if (!laid.ok) return laid;
  // MA is computed with the request authenticator in the header (RFC 3579 §3.2), then the Response
  // Authenticator over the packet including the MA.
  computeMessageAuthenticator(laid.buf, laid.maValueOffset, secret).copy(laid.buf, laid.maValueOffset);
  computeResponseAuthenticator(laid.buf, request.authenticator, secret).copy(laid.buf, 4);
  return { ok: true, bytes: laid.buf };
}
