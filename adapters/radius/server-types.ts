// The RADIUS server's configuration, the plain-data request its handler gets and its counters.
import type { LoginReply, WireAttribute } from '../../machines/contracts.ts';
import type { Logger } from '../log/logger.ts';
import type { DecodeFailureReason } from './codec/types.ts';
import type { ClientNetwork } from './networks.ts';

export type MessageAuthenticatorPolicy = 'true' | 'false' | 'auto';

/** One radius_server_* section as the transport needs it. */
export interface ServerSection {
  /** Section name, e.g. radius_server_auto2. */
  readonly name: string;
  readonly port: number;
  /** Listen address; '' = every address, IPv4 and IPv6. */
  readonly interface: string;
  /** radius_ip_N / radius_secret_N pairs in config order. */
  readonly clients: readonly ClientNetwork[];
  /** Default 'auto': a client IP that once sent a valid Message-Authenticator must always send one. */
  readonly requireMessageAuthenticator?: MessageAuthenticatorPolicy;
  /** Drop Access-Requests with Proxy-State but no Message-Authenticator. Default false. */
  readonly limitProxyState?: boolean;
}

/**
 * A received Access-Request as the login engine gets it: plain data that can cross the bus. The shared
 * secret is not in it (the engine finds it from its configuration with the same matcher, keyed by
 * `server` and `clientIp`); User-Password is still hidden.
 */
export interface RadiusRequest {
  readonly server: string;
  readonly clientIp: string;
  readonly clientPort: number;
  readonly code: number;
  readonly identifier: number;
  /** Request Authenticator, base64 (needed to unhide User-Password). */
  readonly authenticator: string;
  /** Every attribute in order, as received. */
  readonly attributes: WireAttribute[];
  /** Which listener it came in on. */
  readonly listener: { readonly port: number; readonly interface: string };
  /** Epoch ms when the datagram was read. */
  readonly receivedAt: number;
}

/** The handler answers with the contracts' LoginReply: a reply to encode and sign, or drop. */
export type RadiusHandler = (req: RadiusRequest) => Promise<LoginReply> | LoginReply;

export interface RadiusServerOptions {
  readonly sections: readonly ServerSection[];
  readonly handle: RadiusHandler;
  /** SO_RCVBUF to ask for; default 8 MiB. */
  readonly receiveBufferBytes?: number;
  readonly logger?: Logger;
  /** require_message_authenticator = auto across restarts: the clients learnt before, and where to tell
   *  a new one (ma-learned-file.ts). Default: memory only. */
  readonly learnedMa?: { readonly initial: Iterable<string>; learned(ip: string): void };
  /** At most one drop log line per reason per client per interval; default 60 s. */
  readonly dropLogIntervalMs?: number;
  /** How long an answer is kept for retransmissions; default 30 s. */
  readonly replyCacheMs?: number;
  /** Clock, for tests with virtual time. */
  readonly now?: () => number;
}

export const ServerDrop = {
  UnknownClient: 'unknown-client',
  /** Not Access-Request or Status-Server (Accounting, CoA, replies...). */
  WrongCode: 'wrong-code',
  /** The handler answered `{ kind: 'drop' }`. */
  HandlerDrop: 'handler-drop',
  /** The handler threw or rejected. */
  HandlerError: 'handler-error',
  /** The reply could not be encoded (e.g. an attribute other than Reply-Message over 253 bytes). */
  EncodeError: 'encode-error',
  /** The server was closed before the handler answered. */
  Closed: 'closed',
  /** A new request after refuseNew() took in the backlog (shutdown). */
  ShuttingDown: 'shutting-down',
} as const;
export type DropReason = DecodeFailureReason | (typeof ServerDrop)[keyof typeof ServerDrop];

/**
 * Counters. Every datagram read ends in exactly one bucket, so at any time:
 * received = answered + sum(dropped) + duplicates.resent + duplicates.whilePending + duplicates.afterDrop + inFlight
 */
export interface RadiusServerStats {
  received: number;
  /** Replies sent to new requests, Status-Server answers included. */
  answered: number;
  statusServer: number;
  dropped: Partial<Record<DropReason, number>>;
  duplicates: { resent: number; whilePending: number; afterDrop: number };
  inFlight: number;
  /** Not a bucket: sends the kernel refused (counted in answered or duplicates.resent as well). */
  sendErrors: number;
}

export interface ListenerAddress {
  readonly port: number;
  readonly address: string;
  /** The listener's configured interface ('' = all). */
  readonly interface: string;
  readonly receiveBufferBytes: number;
}

export type ListenResult = { ok: true; listeners: ListenerAddress[] } | { ok: false; error: string };

export interface RadiusServer {
  /** Binds every listener; on any failure the ones already bound are closed again. */
  listen(): Promise<ListenResult>;
  stats(): RadiusServerStats;
  /** Shutdown, first step: requests already in the sockets' receive buffers are still taken in; from
   *  then on new requests (and Status-Server) are dropped as `shutting-down`, while the answers of the
   *  running ones still go out. Resolves when every listener has read its backlog (or after maxWaitMs). */
  refuseNew(maxWaitMs: number): Promise<void>;
  /** A reload: the sections replace the running ones. Listeners of a port and interface that stay keep
   *  their socket (and take the new clients and secrets); new ones are bound first (if one cannot be,
   *  nothing changes: `ok: false`); a dropped one takes no new request and closes once the requests it
   *  read are answered. Requests in flight are answered with the secret they came with. */
  reconfigure(sections: readonly ServerSection[]): Promise<ListenResult>;
  /** Stops reading, closes the sockets; answers still pending are discarded (counted as `closed`). */
  close(): Promise<void>;
}
