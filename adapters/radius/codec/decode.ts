// Framing (reference §5.1 step 3, RFC 2865 §3/§5) and the integrity checks of a received packet. Every
// failure is a reason from a closed set; nothing here throws on any input.
import { verifyMessageAuthenticator, verifyResponseAuthenticator } from './crypto.ts';
import {
  Attr,
  DecodeFailure,
  type DecodeFailureReason,
  type DecodeResult,
  HEADER,
  KNOWN_CODES,
  MAX_PACKET,
  type Packet,
  type RawAttribute,
  type Secret,
} from './types.ts';

/** Checks for a request we receive (Access-Request, Status-Server). */
export interface RequestCheck {
  readonly secret: Secret;
  /** Drop a request without Message-Authenticator. A present one is always verified. */
  readonly requireMessageAuthenticator: boolean;
  /** Drop a request carrying Proxy-State but no Message-Authenticator (BlastRADIUS "limit Proxy-State"). */
  readonly limitProxyState?: boolean;
}

/** Checks for a reply to a request we sent. */
export interface ReplyCheck {
  readonly secret: Secret;
  readonly requireMessageAuthenticator: boolean;
  /** The authenticator of the request we sent: both the Response Authenticator and the MA hash over it. */
  readonly requestAuthenticator: Buffer;
}

export type PacketCheck = RequestCheck | ReplyCheck;

type Outcome = { ok: true } | { ok: false; reason: DecodeFailureReason };
const OK: Outcome = { ok: true };
const fail = (reason: DecodeFailureReason) => ({ ok: false, reason }) as const;

/**
 * Decodes a datagram. Without `check` only the framing is verified; with a RequestCheck or a ReplyCheck
 * the Message-Authenticator (and for replies the Response Authenticator) too.
 */
export function decodePacket(bytes: Uint8Array, check?: PacketCheck): DecodeResult {
  const framed = decodeFraming(bytes);
  if (!framed.ok || check === undefined) return framed;
  const verdict = 'requestAuthenticator' in check ? checkReply(framed.packet, check) : checkRequest(framed.packet, check);
  return verdict.ok ? framed : verdict;
}

function decodeFraming(bytes: Uint8Array): DecodeResult {
  const raw = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (raw.length < HEADER) return fail(DecodeFailure.TooShort);
  if (raw.length > MAX_PACKET) return fail(DecodeFailure.TooLong);
  const length = raw.readUInt16BE(2);
  if (length < HEADER) return fail(DecodeFailure.TooShort);
  if (length !== raw.length) return fail(DecodeFailure.LengthMismatch);
  const code = raw[0]!;
  if (!KNOWN_CODES.has(code)) return fail(DecodeFailure.UnknownCode);
  const attributes: RawAttribute[] = [];
  let maValueOffset = -1;
  let maCount = 0;
  let maBadLength = false;
  for (let off = HEADER; off < length; ) {
    if (off + 2 > length) return fail(DecodeFailure.BadAttributeLength);
    const type = raw[off]!;
    const len = raw[off + 1]!;
    if (len < 2 || off + len > length) return fail(DecodeFailure.BadAttributeLength);
    if (type === Attr.MessageAuthenticator) {
      maCount++;
      if (len !== 18) maBadLength = true;
      else if (maValueOffset < 0) maValueOffset = off + 2;
    }
    attributes.push({ type, value: raw.subarray(off + 2, off + len) });
    off += len;
  }
  // More than one MA, or one of the wrong size, can never verify: mark it so every check refuses it.
  if (maCount > 1 || maBadLength) maValueOffset = -2;
  const packet: Packet = { code, id: raw[1]!, authenticator: raw.subarray(4, HEADER), attributes, raw, maValueOffset };
  return { ok: true, packet };
}

/** MA verify/require and limit_proxy_state for a received request (RFC 3579 §3.2, BlastRADIUS). */
export function checkRequest(packet: Packet, check: RequestCheck): Outcome {
  if (packet.maValueOffset === -2) return fail(DecodeFailure.MaInvalid);
  if (packet.maValueOffset < 0) {
    if (check.requireMessageAuthenticator) return fail(DecodeFailure.MaMissing);
    if (check.limitProxyState && packet.attributes.some((a) => a.type === Attr.ProxyState))
      return fail(DecodeFailure.ProxyStateWithoutMa);
    return OK;
  }
  return verifyMessageAuthenticator(packet.raw, packet.maValueOffset, check.secret)
    ? OK
    : fail(DecodeFailure.MaInvalid);
}

/**
 * Checks a reply: a required but missing MA is refused before any other check (BlastRADIUS draft), then
 * the Response Authenticator, then a present MA wherever it sits.
 */
export function checkReply(packet: Packet, check: ReplyCheck): Outcome {
  if (packet.maValueOffset === -1 && check.requireMessageAuthenticator) return fail(DecodeFailure.MaMissing);
  if (!verifyResponseAuthenticator(packet.raw, check.requestAuthenticator, check.secret))
    return fail(DecodeFailure.BadAuthenticator);
  if (packet.maValueOffset === -2) return fail(DecodeFailure.MaInvalid);
  if (packet.maValueOffset >= 0 && !verifyMessageAuthenticator(packet.raw, packet.maValueOffset, check.secret, check.requestAuthenticator))
    return fail(DecodeFailure.MaInvalid);
  return OK;
}

/** Values of every attribute of a type, in order. */
export function attributeValues(packet: Pick<Packet, 'attributes'>, type: number): Buffer[] {
  return packet.attributes.filter((a) => a.type === type).map((a) => a.value);
}
