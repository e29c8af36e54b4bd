// Shapes of the pure RADIUS codec (RFC 2865/2869/3579/5997). Attributes keep their raw bytes and their
// order; naming and typing values is the dictionary's job, not the codec's.

/** One attribute as it sits on the wire: the type byte and the value bytes (without type and length). */
export interface RawAttribute {
  readonly type: number;
  readonly value: Buffer;
}

export interface Packet {
  readonly code: number;
  readonly id: number;
  /** The 16-byte authenticator field as received. */
  readonly authenticator: Buffer;
  readonly attributes: readonly RawAttribute[];
  /** The whole packet as received (header Length bytes). */
  readonly raw: Buffer;
  /** Offset in `raw` of the Message-Authenticator value; -1 when there is none, -2 when there are
   *  several or one of the wrong size (such a packet never passes a check). */
  readonly maValueOffset: number;
}

/** Why a packet was refused. Closed: the server counts drops by these reasons. */
export const DecodeFailure = {
  /** Fewer than 20 bytes, or a header Length under 20. */
  TooShort: 'too-short',
  /** The datagram's size differs from the header's Length (trailing bytes are not tolerated, as Duo). */
  LengthMismatch: 'length-mismatch',
  /** Over 4096 bytes (RFC 2865 §3). */
  TooLong: 'too-long',
  /** An attribute length under 2 or running past the end of the packet. */
  BadAttributeLength: 'bad-attribute-length',
  /** A code RADIUS does not define. */
  UnknownCode: 'unknown-code',
  /** Message-Authenticator required but absent. */
  MaMissing: 'ma-missing',
  /** Message-Authenticator present but wrong (bad HMAC, wrong length, or more than one). */
  MaInvalid: 'ma-invalid',
  /** A reply whose Response Authenticator does not verify. */
  BadAuthenticator: 'bad-authenticator',
  /** limit_proxy_state: Proxy-State without Message-Authenticator (BlastRADIUS). */
  ProxyStateWithoutMa: 'proxy-state-without-ma',
} as const;
export type DecodeFailureReason = (typeof DecodeFailure)[keyof typeof DecodeFailure];

export type DecodeResult = { ok: true; packet: Packet } | { ok: false; reason: DecodeFailureReason };

export const Attr = {
  UserName: 1,
  UserPassword: 2,
  ReplyMessage: 18,
  State: 24,
  Class: 25,
  VendorSpecific: 26,
  ProxyState: 33,
  EapMessage: 79,
  MessageAuthenticator: 80,
} as const;

export const MAX_PACKET = 4096;
export const MAX_ATTRIBUTE_VALUE = 253;
export const HEADER = 20;

/** Codes defined by RFC 2865, 2866, 5176 and 5997; anything else is `unknown-code`. */
export const KNOWN_CODES: ReadonlySet<number> = new Set([1, 2, 3, 4, 5, 11, 12, 13, 40, 41, 42, 43, 44, 45]);

export type Secret = string | Uint8Array;
