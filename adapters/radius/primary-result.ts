// What an upstream answer (or its absence) means for primary auth (reference §12 "Result in PAP/MS-CHAP
// mode", §18 facts 43-44, §19.12). Pure: no sockets, no clocks.
import type { PrimaryAuthResult, WireAttribute } from '../../machines/contracts.ts';
import { Attr } from './codec/types.ts';
import { keysOf, selectByKeys, withoutTypes } from './primary-pass-through.ts';

/** Reply attributes always carried, whatever the client section says (MS-CHAPv2 answers). */
export const MS_CHAP2_RESPONSE_ATTRS = ['MS-CHAP2-Success', 'MS-CHAP-Error', 'MS-CHAP-Domain'] as const;

const ERROR = 'Error performing primary authentication: ';

/** Exact texts; those marked 4.0.2 are Duo's, the others ours in the same form. */
export const PrimaryRadiusMessages = {
  /** 4.0.2 `AuthResult.from_radius_packet`: an Accept or Reject without Reply-Message. */
  noReplyMessage: 'No reply message in packet',
  /** 4.0.2, fact 43. */
  timedOut: `${ERROR}RADIUS auth request timed out`,
  /** 4.0.2 `cleanup_all` when the client stops with requests in flight. */
  shuttingDown: `${ERROR}RADIUS client shutting down`,
  /** Ours: the login gave up (its deadline) while we waited. */
  cancelled: `${ERROR}RADIUS auth request cancelled`,
  /** 4.0.2 `_IdentifierList` (an unhandled exception there, so no answer; ours drops too). */
  tooManyRequests: 'Too many concurrent requests!',
  /** The log text of 4.0.2 for an answer that is neither Accept nor Reject (fact 44: no answer to the NAS). */
  notAcceptOrReject: (code: number) => `response packet is not Access-Accept or Access-Reject (code ${code})`,
  /** Ours: the request could not be built (4.0.2 raises and answers nothing; we reject and say why). */
  cannotBuild: (why: string) => `${ERROR}cannot build the RADIUS request (${why})`,
  /** Ours: PrimaryAuth never throws; a bug inside it becomes this. */
  unexpected: `${ERROR}unexpected error in the RADIUS client`,
} as const;

/** What the client section (radius_client) carries from the upstream answer into ours. */
export interface ClientPassThrough {
  readonly passThroughAttrNames: readonly string[];
  readonly passThroughAll: boolean;
}

/**
 * The reply attributes carried to the proxy's final answer: all of them with pass_through_all, else the
 * named ones (configured order) and the MS-CHAPv2 answers. Message-Authenticator and Proxy-State never:
 * both belong to the upstream hop (the listener writes its own and echoes the NAS's).
 */
export function carriedAttributes(reply: readonly WireAttribute[], client: ClientPassThrough): WireAttribute[] {
  const hop = new Set<number>([Attr.MessageAuthenticator, Attr.ProxyState]);
  if (client.passThroughAll) return withoutTypes(reply, hop);
  const { keys } = keysOf([...client.passThroughAttrNames, ...MS_CHAP2_RESPONSE_ATTRS]);
  return selectByKeys(reply, keys).filter((a) => !hop.has(a.type));
}

/** The first Reply-Message as text, or Duo's default. */
export function replyMessageOf(reply: readonly WireAttribute[]): string {
  const first = reply.find((a) => a.type === Attr.ReplyMessage);
  return first === undefined ? PrimaryRadiusMessages.noReplyMessage : Buffer.from(first.value, 'base64').toString('utf8');
}

/** Accept → ok; Reject → not ok (both with the message and carried attributes); anything else → drop. */
export function resultFromReply(code: number, reply: readonly WireAttribute[], client: ClientPassThrough): PrimaryAuthResult {
  if (code === 2) return { ok: true, message: replyMessageOf(reply), attributes: carriedAttributes(reply, client) };
  if (code === 3) return { ok: false, message: replyMessageOf(reply), attributes: carriedAttributes(reply, client) };
  return { ok: false, drop: true, message: PrimaryRadiusMessages.notAcceptOrReject(code), attributes: [] };
}

export const errorResult = (message: string): PrimaryAuthResult => ({ ok: false, message, attributes: [] });
export const dropResult = (message: string): PrimaryAuthResult => ({ ok: false, drop: true, message, attributes: [] });
