// Shapes of the RADIUS client (the upstream leg: radius_client, connectivity checks, load generation).
import type { WireAttribute } from '../../machines/contracts.ts';
import type { Logger } from '../log/logger.ts';
import type { EncodeError } from './codec/encode.ts';
import type { DecodeFailureReason, RawAttribute, Secret } from './codec/types.ts';
import type { MessageAuthenticatorPolicy } from './server-types.ts';

export interface Upstream {
  readonly host: string;
  readonly port: number;
}

export interface RadiusClientOptions {
  readonly secret: Secret;
  /** Replies: 'true' requires MA, 'false' checks it only when present, 'auto' (default) requires it
   *  from an upstream (host:port) once that upstream has sent a valid one. */
  readonly requireMessageAuthenticator?: MessageAuthenticatorPolicy;
  /** Source sockets per address family; each has its own 256 identifiers. Default 4. */
  readonly sockets?: number;
  /** SO_RCVBUF of each source socket; default 1 MiB (many replies can arrive at once). */
  readonly receiveBufferBytes?: number;
  /** Sent first in every request unless the request has its own (NAS-IP-Address, NAS-Identifier...). */
  readonly nasAttributes?: readonly WireAttribute[];
  readonly logger?: Logger;
  /** Source address for IPv4 sockets; default any. */
  readonly bindAddress4?: string;
  readonly bindAddress6?: string;
}

export interface ExchangeRequest {
  /** Access-Request (default) or Status-Server. */
  readonly code?: 1 | 12;
  /** In order; a User-Password is given IN CLEAR and hidden by the encoder. */
  readonly attributes: readonly (WireAttribute | RawAttribute)[];
  /** Replies are accepted from any of these (Duo accepts any configured host, reference §12). The first
   *  one decides the socket family. */
  readonly upstreams: readonly Upstream[];
  /** Default true; false sends no Message-Authenticator (only to simulate a legacy device). */
  readonly messageAuthenticator?: boolean;
}

export type ReplyOutcome =
  | { ok: true; code: number; attributes: WireAttribute[]; from: Upstream; identifier: number }
  | { ok: false; error: 'cancelled' | 'closed' | 'timeout' }
  /** Only from `request()`: the request could not be built or sent (e.g. password-too-long). */
  | { ok: false; error: 'not-sent'; reason: Exclude<OpenResult, { ok: true }>['error'] };

/** One request in flight: the caller decides when (and to which upstream) to send or resend it. */
export interface Exchange {
  readonly identifier: number;
  /** Sends the same bytes again (a retransmission keeps id and authenticator). */
  send(to: Upstream): void;
  /** Settles with the first valid reply, or when cancelled/closed. */
  readonly reply: Promise<ReplyOutcome>;
  /** Gives the identifier back; a late reply is then dropped. */
  cancel(): void;
}

export type OpenResult =
  | { ok: true; exchange: Exchange }
  | { ok: false; error: EncodeError | 'too-many-requests' | 'closed' | 'bad-upstream' };

export type ClientDrop = DecodeFailureReason | 'unknown-source' | 'no-pending-request';

export interface RadiusClientStats {
  requests: number;
  sends: number;
  replies: number;
  dropped: Partial<Record<ClientDrop, number>>;
  inFlight: number;
}

export interface RequestOptions {
  /** Whole-request timeout; default 8000 ms (Duo: (retries + 1) * retry_wait). */
  readonly timeoutMs?: number;
  /** Resend to the same upstream after this long; default 2000 ms; 0 = never. */
  readonly retransmitMs?: number;
}

export interface RadiusClient {
  open(req: ExchangeRequest): OpenResult;
  /** Sends to one upstream, retransmitting, until a valid reply or the timeout. */
  request(to: Upstream, attributes: readonly (WireAttribute | RawAttribute)[], opts?: RequestOptions & { code?: 1 | 12; messageAuthenticator?: boolean }): Promise<ReplyOutcome>;
  stats(): RadiusClientStats;
  close(): Promise<void>;
}
