// Building the LoginReply of a login (reference §5.2 for the rules on carried attributes).
import type { LoginReply, WireAttribute } from './contracts.ts';
import { RadiusCode } from './contracts.ts';
import { RADIUS_TEXT_MAX_BYTES } from './prompt-format.ts';
import { AttributeType } from './radius-attributes.ts';
import { utf8Length, utf8Prefix } from './utf8.ts';

/**
 * DEVIATION (design.md): a Reply-Message over 253 bytes is sent as several Reply-Message attributes
 * (RFC 2865 §5.18) instead of the request going unanswered (4.0.2, fact 45). The total is capped so the
 * packet stays well under 4096 bytes next to State, Proxy-State and carried attributes: 8 attributes.
 */
export const REPLY_MESSAGE_MAX_BYTES = 8 * RADIUS_TEXT_MAX_BYTES;

/** Chunks of at most 253 bytes, cut on code point boundaries, in order; '' gives no chunk. */
export function splitReplyMessage(text: string): string[] {
  const chunks: string[] = [];
  let rest = clampReplyMessage(text);
  while (rest !== '') {
    // At most 253 UTF-16 units can fit 253 bytes; never end the window inside a surrogate pair.
    let end = Math.min(rest.length, RADIUS_TEXT_MAX_BYTES);
    if (end < rest.length && isHighSurrogate(rest.charCodeAt(end - 1)) && isLowSurrogate(rest.charCodeAt(end))) end--;
    const chunk = utf8Prefix(rest.slice(0, end), RADIUS_TEXT_MAX_BYTES);
    chunks.push(chunk);
    rest = rest.slice(chunk.length);
  }
  return chunks;
}

const isHighSurrogate = (u: number) => u >= 0xd800 && u <= 0xdbff;
const isLowSurrogate = (u: number) => u >= 0xdc00 && u <= 0xdfff;

export function clampReplyMessage(text: string): string {
  return utf8Length(text) > REPLY_MESSAGE_MAX_BYTES ? utf8Prefix(text, REPLY_MESSAGE_MAX_BYTES) : text;
}

function reply(code: 2 | 3 | 11, message: string | undefined, carried: readonly WireAttribute[]): LoginReply {
  const text = message ? clampReplyMessage(message) : '';
  // A non-empty Reply-Message replaces any carried over (§5.2 step 2); an empty one adds nothing.
  const attributes = text ? carried.filter((a) => a.type !== AttributeType.ReplyMessage) : [...carried];
  return text ? { kind: 'reply', code, replyMessage: text, attributes } : { kind: 'reply', code, attributes };
}

/** `after`: attributes that follow the Reply-Message (duo_only's Class, as Duo's proxy orders them). */
export function acceptReply(message: string | undefined, attributes: readonly WireAttribute[] = [], after: readonly WireAttribute[] = []): LoginReply {
  const r = reply(RadiusCode.AccessAccept, message, attributes);
  return after.length > 0 && r.kind === 'reply' ? { ...r, afterReplyMessage: [...after] } : r;
}

export function rejectReply(message: string | undefined, attributes: readonly WireAttribute[] = []): LoginReply {
  return reply(RadiusCode.AccessReject, message, attributes);
}

/** The engine adds the State attribute. */
export function challengeReply(prompt: string): LoginReply {
  return reply(RadiusCode.AccessChallenge, prompt, []);
}

export function dropReply(reason: string): LoginReply {
  return { kind: 'drop', reason };
}
