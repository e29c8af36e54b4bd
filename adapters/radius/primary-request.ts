// The attributes of the upstream Access-Request of radius_client primary auth (reference §12 "Upstream
// request construction", §19.12): NAS-IP-Address, the server section's pass-through request attributes,
// User-Name, User-Password (in clear here: the encoder hides it with the upstream secret), then
// Calling-Station-Id = the client IP. The encoder puts Message-Authenticator before all of them.
// Pure: no sockets, no clocks.
import type { WireAttribute } from '../../machines/contracts.ts';
import { decodeValue, entries, toRaw } from './attributes.ts';
import { encodePasswordText } from './codec/password.ts';
import { Attr, type RawAttribute } from './codec/types.ts';
import { lookupAttribute } from './dictionary/index.ts';
import { parseIp } from './networks.ts';
import { keysOf, selectByKeys, withoutTypes } from './primary-pass-through.ts';

/** What a server section decides about the upstream request (its pass_through_* and client_ip_attr). */
export interface ServerPassThrough {
  readonly passThroughAttrNames: readonly string[];
  readonly passThroughAll: boolean;
  /** Attribute read as the client IP; default Calling-Station-Id. */
  readonly clientIpAttr?: string;
}

export const NO_PASS_THROUGH: ServerPassThrough = { passThroughAttrNames: [], passThroughAll: false };

/** Request attributes always copied upstream, so an MS-CHAPv2 login can be checked there (§12 item 2). */
export const MS_CHAP2_REQUEST_ATTRS = ['MS-CHAP-Challenge', 'MS-CHAP2-Response', 'MS-CHAP2-CPW', 'MS-CHAP-NT-Enc-PW'] as const;

const T = {
  NasIpAddress: 4,
  CallingStationId: 31,
  NasIpv6Address: 95,
} as const;

export interface UpstreamRequestInput {
  readonly username: string;
  /** undefined: no User-Password is sent (MS-CHAP). */
  readonly password: string | undefined;
  readonly requestAttributes: readonly WireAttribute[];
  /** Sent as NAS-IP-Address (IPv4) or NAS-IPv6-Address; undefined: none (the local address is unknown). */
  readonly nasIp: string | undefined;
  /** radius_client pw_codec. */
  readonly pwCodec: string;
  readonly server: ServerPassThrough;
}

export type UpstreamRequestResult =
  | { ok: true; attributes: RawAttribute[] }
  | { ok: false; error: 'password-not-encodable' | 'unknown-pw-codec' | 'bad-nas-ip' };

/** NAS-IP-Address for an IPv4 nas_ip, NAS-IPv6-Address for an IPv6 one; undefined when not an IP. */
export function nasAddressAttribute(ip: string): RawAttribute | undefined {
  const parsed = parseIp(ip);
  if (parsed === undefined) return undefined;
  const bytes = Buffer.alloc(parsed.family === 4 ? 4 : 16);
  let v = parsed.value;
  for (let i = bytes.length - 1; i >= 0; i--, v >>= 8n) bytes[i] = Number(v & 0xffn);
  return { type: parsed.family === 4 ? T.NasIpAddress : T.NasIpv6Address, value: bytes };
}

/**
 * The client IP as Duo reads it (`get_first(client_ip_attr)`), as the bytes of a Calling-Station-Id:
 * text attributes are copied as they are, addresses and numbers written as text. Empty: none (Duo's
 * `if client_ip:`).
 */
export function clientIpValue(attributes: readonly WireAttribute[], attrName = 'Calling-Station-Id'): Buffer | undefined {
  const def = lookupAttribute(attrName);
  if (def === undefined) return undefined;
  const e = entries(attributes).find((x) => x.vendorId === def.vendorId && x.type === def.type);
  if (e === undefined || e.value.length === 0) return undefined;
  const decoded = decodeValue(def, e.value);
  if (Buffer.isBuffer(decoded)) return decoded.length <= 253 ? decoded : undefined;
  const text = typeof decoded === 'string' ? decoded : String(decoded);
  return text === '' ? undefined : Buffer.from(text, 'utf8');
}

/**
 * The request attributes the server section passes upstream: everything with pass_through_all, else
 * the named ones (configured order) plus the MS-CHAPv2 request attributes. Never the ones this request
 * sets itself, Message-Authenticator (the encoder writes a fresh one) or the NAS's hidden User-Password
 * (hidden with the NAS's secret, it means nothing upstream; 4.0.2 forwards it when there is no password).
 * With pass_through_all, Proxy-State is not copied either: it belongs to the NAS hop (RFC 2865 §5.33),
 * the listener echoes it in our own answer, and attacker-chosen bytes echoed by a server are the
 * BlastRADIUS collision vector. Naming it in pass_through_attr_names still copies it.
 */
export function passedThrough(attributes: readonly WireAttribute[], server: ServerPassThrough, own: ReadonlySet<number>): WireAttribute[] {
  const never = new Set([...own, Attr.UserName, Attr.UserPassword, Attr.MessageAuthenticator]);
  if (server.passThroughAll) return withoutTypes(attributes, new Set([...never, Attr.ProxyState]));
  const { keys } = keysOf([...server.passThroughAttrNames, ...MS_CHAP2_REQUEST_ATTRS]);
  return selectByKeys(attributes, keys).filter((a) => !never.has(a.type));
}

export function buildUpstreamRequest(input: UpstreamRequestInput): UpstreamRequestResult {
  const nas = input.nasIp === undefined ? undefined : nasAddressAttribute(input.nasIp);
  if (input.nasIp !== undefined && nas === undefined) return { ok: false, error: 'bad-nas-ip' };
  const clientIp = clientIpValue(input.requestAttributes, input.server.clientIpAttr);
  const own = new Set<number>();
  if (nas !== undefined) own.add(nas.type);
  if (clientIp !== undefined) own.add(T.CallingStationId);

  const out: RawAttribute[] = [];
  if (nas !== undefined) out.push(nas);
  for (const a of passedThrough(input.requestAttributes, input.server, own)) out.push(toRaw(a));
  out.push({ type: Attr.UserName, value: Buffer.from(input.username, 'utf8') });
  if (input.password !== undefined) {
    const pw = encodePasswordText(input.password, input.pwCodec);
    if (!pw.ok) return { ok: false, error: pw.error === 'unknown-codec' ? 'unknown-pw-codec' : 'password-not-encodable' };
    out.push({ type: Attr.UserPassword, value: pw.value });
  }
  if (clientIp !== undefined) out.push({ type: T.CallingStationId, value: clientIp });
  return { ok: true, attributes: out };
}

