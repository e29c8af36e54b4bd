// The pieces of the RADIUS server (server.ts) that hold no state of their own: a listener's shape and
// how sections group into listeners, the answer's target and attributes, drop texts.
import type { RemoteInfo, Socket } from 'node:dgram';
import type { LoginReply } from '../../machines/contracts.ts';
import { toRaw } from './attributes.ts';
import type { ReplyTarget } from './codec/encode.ts';
import { Attr, type Packet, type RawAttribute, type Secret } from './codec/types.ts';
import type { BacklogMarker } from './backlog-marker.ts';
import { type ClientMatcher, createClientMatcher } from './networks.ts';
import type { CacheToken, FingerprintParts } from './reply-cache.ts';
import type { ListenerAddress, RadiusRequest, RadiusServerOptions, ServerSection } from './server-types.ts';

/** Log text per reason, in Duo's words where Duo has them (reference §5.1). */
export const DROP_TEXT: Record<string, string> = {
  'too-short': 'Packet header is corrupt',
  'length-mismatch': 'Packet has invalid length',
  'too-long': 'Packet is longer than 4096 bytes',
  'bad-attribute-length': 'Packet attribute has invalid length',
  'unknown-code': 'Unknown packet code',
  'wrong-code': 'non-AccessRequest packet received',
  'ma-missing': 'Message-Authenticator required but missing',
  'proxy-state-without-ma': 'Proxy-State without Message-Authenticator (limit_proxy_state)',
  'shutting-down': 'shutting down: new requests are refused',
};

export interface Listener {
  readonly port: number;
  readonly iface: string;
  /** Replaced by a reload (reconfigure) that keeps this port and interface. */
  matcher: ClientMatcher;
  socket?: Socket;
  bound?: ListenerAddress;
  /** Requests read on this socket whose answer is not decided yet, and answers not yet sent. */
  pending: number;
  sending: number;
  /** A reload dropped this port/interface: no new request; closed once `pending` is 0. */
  retired?: boolean;
  /** Shutdown: the marker behind the backlog (backlog-marker.ts), then refusing once it is read. */
  marker?: BacklogMarker;
  refusing?: boolean;
}

/** IPv4 peers of a dual-stack socket show as ::ffff:a.b.c.d; log and match them as a.b.c.d. */
export function displayIp(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** The listeners of these sections, one per (port, interface) (reference §1), not bound yet. */
export function listenersFor(sections: readonly ServerSection[]): Map<string, Listener> {
  const groups = new Map<string, ServerSection[]>();
  for (const s of sections) {
    const key = `${s.port}|${s.interface}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  const out = new Map<string, Listener>();
  for (const [key, list] of groups)
    out.set(key, { port: list[0]!.port, iface: list[0]!.interface, matcher: createClientMatcher(list.map((s) => ({ section: s.name, clients: s.clients }))), pending: 0, sending: 0 });
  return out;
}

/** What answering one request needs while its handler runs. */
export interface Pending {
  readonly listener: Listener;
  readonly socket: Socket;
  readonly rinfo: RemoteInfo;
  readonly ip: string;
  readonly secret: Secret;
  readonly key: string;
  readonly token: CacheToken;
  readonly target: ReplyTarget;
}

const NO_ATTRIBUTES: readonly RawAttribute[] = [];

/** What the reply takes from its request (encodeReply): the identifier, the authenticator, and the
 *  Proxy-State attributes it echoes (usually none). */
export function replyTarget(packet: Packet): ReplyTarget {
  const proxyStates = packet.attributes.some((a) => a.type === Attr.ProxyState) ? packet.attributes.filter((a) => a.type === Attr.ProxyState) : NO_ATTRIBUTES;
  return { id: packet.id, authenticator: packet.authenticator, attributes: proxyStates };
}

/** The handler's answer as a promise; a handler that throws synchronously rejects it. */
export function callHandler(handle: RadiusServerOptions['handle'], req: RadiusRequest): Promise<LoginReply> {
  try {
    return Promise.resolve(handle(req));
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}

export function invalidMaText(reason: string, ip: string): string | undefined {
  return reason === 'ma-invalid' ? `Invalid Message-Authenticator from ${ip}` : undefined;
}

/** What the duplicate cache compares (reply-cache.ts): the first User-Name and User-Password, in one pass. */
export function requestParts(p: Packet): FingerprintParts {
  let userName: Buffer | undefined;
  let password: Buffer | undefined;
  for (const a of p.attributes) {
    if (a.type === Attr.UserName) userName ??= a.value;
    else if (a.type === Attr.UserPassword) password ??= a.value;
  }
  return { authenticator: p.authenticator, userName, password };
}

/** The handler's attributes, with `replyMessage` (when non-empty) replacing any Reply-Message (reference
 *  §5.2), then the ones that follow it (duo_only's Class). */
export function replyAttributes(reply: Extract<LoginReply, { kind: 'reply' }>): RawAttribute[] {
  const attrs = reply.attributes.map(toRaw);
  const after = reply.afterReplyMessage?.map(toRaw) ?? [];
  if (!reply.replyMessage) return [...attrs, ...after];
  return [...attrs.filter((a) => a.type !== Attr.ReplyMessage), { type: Attr.ReplyMessage, value: Buffer.from(reply.replyMessage, 'utf8') }, ...after];
}
