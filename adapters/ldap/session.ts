// LDAP sessions to one directory host, each step under an AbortSignal that carries the per-host
// timeout: connect (TCP, or TLS for ldaps, then StartTLS when asked), and a simple or NTLM (SASL
// GSS-SPNEGO) bind. The service pool hands a bound socket to an ldapts Client for searches; user
// binds reuse connections (bind-pool.ts). Nothing here throws: failures are classified for the
// caller, which decides between "next host" and a final answer (reference §13).
import * as net from 'node:net';
import * as tls from 'node:tls';
import { authenticateMessage, negotiateMessage, parseChallenge } from './ntlm.ts';
import {
  decodeResult,
  encodeSaslBind,
  encodeSimpleBind,
  encodeStartTls,
  encodeUnbind,
  frameLength,
  type LdapResult,
  NOTICE_OF_DISCONNECTION_OID,
  ResultCode,
} from './wire.ts';

export type Transport = 'clear' | 'ldaps' | 'starttls';

export interface Endpoint {
  host: string;
  port: number;
  transport: Transport;
  /** CA certificates (PEM) to trust instead of the system store; undefined = system store. */
  ca: string | undefined;
  verifyHostname: boolean;
}

export type BindCredentials =
  | { kind: 'simple'; dn: string; password: string }
  | {
      kind: 'ntlm';
      version: 1 | 2;
      /** The DN field of the SASL bind; AD ignores it. */
      dn: string;
      username: string;
      password: string;
      domain: string;
      workstation: string;
    };

type Failure =
  /** Connect, TLS or protocol failure, or the connection dropped: try the next host. */
  | { ok: false; kind: 'network'; message: string }
  | { ok: false; kind: 'aborted' };
/** The server answered the bind with an error (wrong password, disabled account...). */
type Rejected = { ok: false; kind: 'rejected'; resultCode: number; message: string };

export type ConnectResult = { ok: true; conn: LdapConnection } | Failure;
export type BindResult = { ok: true } | Rejected | Failure;
export type OpenResult = { ok: true; socket: net.Socket } | Rejected | Failure;

/** A connected (and secured) socket on which we send our own requests, numbered from 1. */
export interface LdapConnection {
  socket: net.Socket;
  nextId: number;
}

const GSS_SPNEGO = 'GSS-SPNEGO';

/** Connects and secures; the socket is destroyed on failure. */
export async function connectSession(ep: Endpoint, signal: AbortSignal): Promise<ConnectResult> {
  if (signal.aborted) return { ok: false, kind: 'aborted' };
  let socket: net.Socket | undefined;
  // `socket` is assigned before each wait, so an abort can always destroy what is pending (a connect
  // to a host that drops SYNs would otherwise hang for minutes).
  const onAbort = (): void => {
    socket?.destroy();
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    socket = ep.transport === 'ldaps' ? tls.connect({ ...tlsOptions(ep), port: ep.port }) : net.connect({ host: ep.host, port: ep.port });
    await connected(socket, ep.transport === 'ldaps');
    const conn: LdapConnection = { socket, nextId: 1 };
    if (ep.transport === 'starttls') {
      const conv = new Conversation(socket);
      const id = conn.nextId++;
      const r = await conv.request(encodeStartTls(id), id).finally(() => conv.detach());
      if (r.resultCode !== ResultCode.Success) throw new Error(`StartTLS refused: ${describe(r)}`);
      const plain = socket;
      socket = tls.connect({ ...tlsOptions(ep), socket: plain });
      socket.once('close', () => plain.destroy());
      await connected(socket, true);
      conn.socket = socket;
    }
    return { ok: true, conn };
  } catch (err) {
    socket?.on('error', ignoreError);
    socket?.destroy();
    return signal.aborted ? { ok: false, kind: 'aborted' } : { ok: false, kind: 'network', message: (err as Error).message };
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** Binds on a connection. A refused bind leaves it usable (for another bind); on a network failure
 *  or an abort the socket is destroyed. */
export async function bindSession(conn: LdapConnection, creds: BindCredentials, signal: AbortSignal): Promise<BindResult> {
  if (signal.aborted) {
    conn.socket.destroy();
    return { ok: false, kind: 'aborted' };
  }
  const onAbort = (): void => {
    conn.socket.destroy();
  };
  signal.addEventListener('abort', onAbort, { once: true });
  const conv = new Conversation(conn.socket);
  try {
    const r = await bind(conv, creds, () => conn.nextId++);
    if (r.resultCode === ResultCode.Success) return { ok: true };
    return { ok: false, kind: 'rejected', resultCode: r.resultCode, message: describe(r) };
  } catch (err) {
    conn.socket.destroy();
    return signal.aborted ? { ok: false, kind: 'aborted' } : { ok: false, kind: 'network', message: (err as Error).message };
  } finally {
    conv.detach();
    signal.removeEventListener('abort', onAbort);
  }
}

/** Connects, secures and binds: a socket ready for an ldapts Client. Destroyed on any failure. */
export async function openSession(ep: Endpoint, creds: BindCredentials, signal: AbortSignal): Promise<OpenResult> {
  const c = await connectSession(ep, signal);
  if (!c.ok) return c;
  const b = await bindSession(c.conn, creds, signal);
  if (!b.ok) {
    c.conn.socket.destroy();
    return b;
  }
  return { ok: true, socket: c.conn.socket };
}

/** Ends a session we no longer need: an Unbind, after which the server closes the connection (so the
 *  TIME_WAIT lands on its side, not on our ephemeral ports); destroyed if it hasn't within a second. */
export function closeSession(socket: net.Socket): void {
  socket.on('error', ignoreError);
  if (socket.destroyed) return;
  socket.write(encodeUnbind(0x7fffffff));
  const timer = setTimeout(() => socket.destroy(), 1000);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  socket.resume();
}

async function bind(conv: Conversation, creds: BindCredentials, nextId: () => number): Promise<LdapResult> {
  if (creds.kind === 'simple') {
    const id = nextId();
    return conv.request(encodeSimpleBind(id, creds.dn, creds.password), id);
  }
  let id = nextId();
  const first = await conv.request(encodeSaslBind(id, creds.dn, GSS_SPNEGO, negotiateMessage()), id);
  if (first.resultCode !== ResultCode.SaslBindInProgress) return first;
  const challenge = first.serverSaslCreds && parseChallenge(first.serverSaslCreds);
  if (!challenge) throw new Error('the server sent no usable NTLM challenge');
  const token = authenticateMessage(creds.version, challenge, creds);
  id = nextId();
  return conv.request(encodeSaslBind(id, creds.dn, GSS_SPNEGO, token), id);
}

function describe(r: LdapResult): string {
  return r.diagnosticMessage ? `${r.resultCode}: ${r.diagnosticMessage}` : `result code ${r.resultCode}`;
}

/** TLS options for ldaps and StartTLS: trust the configured CA (or the system store), check the
 *  host name unless ssl_verify_hostname=false; with neither a CA file nor host name checking there
 *  is no verification at all, as in Duo's proxy (the caller logs a warning). */
export function tlsOptions(ep: Endpoint): tls.ConnectionOptions {
  const opts: tls.ConnectionOptions = {
    host: ep.host,
    rejectUnauthorized: ep.ca !== undefined || ep.verifyHostname,
  };
  if (ep.ca !== undefined) opts.ca = ep.ca;
  if (!net.isIP(ep.host)) opts.servername = ep.host;
  if (!ep.verifyHostname) opts.checkServerIdentity = () => undefined;
  return opts;
}

/** Resolves once the socket is connected (and, for TLS, the handshake verified); rejects on error
 *  or if it closes first (e.g. destroyed by an abort). */
function connected(socket: net.Socket, secure: boolean): Promise<void> {
  socket.setNoDelay(true);
  return new Promise((resolve, reject) => {
    const done = (err?: Error): void => {
      socket.removeListener(secure ? 'secureConnect' : 'connect', onConnect);
      socket.removeListener('error', done);
      socket.removeListener('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onConnect = (): void => done();
    const onClose = (): void => done(new Error('connection closed while connecting'));
    socket.once(secure ? 'secureConnect' : 'connect', onConnect);
    socket.once('error', done);
    socket.once('close', onClose);
  });
}

const ignoreError = (): void => {};

/** One request at a time over a socket, answered by the LDAPResult with the same message id. */
class Conversation {
  private buffered: Buffer = Buffer.alloc(0);
  private pending: { id: number; resolve: (r: LdapResult) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;

  constructor(private readonly socket: net.Socket) {
    socket.on('data', this.onData);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  request(message: Buffer, id: number): Promise<LdapResult> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { id, resolve, reject };
      this.socket.write(message);
    });
  }

  /** Stops listening, so the socket can be handed on. A no-op error listener stays: until the next
   *  owner attaches its own, a reset must not become an uncaught 'error' event. */
  detach(): void {
    this.socket.removeListener('data', this.onData);
    this.socket.removeListener('error', this.onError);
    this.socket.removeListener('close', this.onClose);
    if (!this.socket.listeners('error').includes(ignoreError)) this.socket.on('error', ignoreError);
  }

  private readonly onData = (chunk: Buffer): void => {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    try {
      for (let len = frameLength(this.buffered); len !== undefined && this.buffered.length >= len; ) {
        const frame = this.buffered.subarray(0, len);
        this.buffered = this.buffered.subarray(len);
        this.onFrame(frame);
        len = frameLength(this.buffered);
      }
    } catch (err) {
      this.fail(err as Error);
      this.socket.destroy();
    }
  };

  private onFrame(frame: Buffer): void {
    const result = decodeResult(frame);
    if (!result) throw new Error('malformed LDAP response');
    if (result.messageId === 0) {
      const why = result.responseName === NOTICE_OF_DISCONNECTION_OID ? 'notice of disconnection' : 'unsolicited notification';
      throw new Error(`server sent a ${why}: ${describe(result)}`);
    }
    if (this.pending?.id === result.messageId) {
      const { resolve } = this.pending;
      this.pending = undefined;
      resolve(result);
    }
  }

  private readonly onError = (err: Error): void => {
    this.fail(err);
  };

  private readonly onClose = (): void => {
    this.fail(this.failure ?? new Error('connection closed by the server'));
  };

  private fail(err: Error): void {
    this.failure ??= err;
    const p = this.pending;
    this.pending = undefined;
    p?.reject(this.failure);
  }
}
