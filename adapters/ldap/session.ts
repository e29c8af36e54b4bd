// Opening one LDAP session to one directory host: TCP or TLS connect, StartTLS when asked, then a
// simple or NTLM (SASL GSS-SPNEGO) bind, all under an AbortSignal that carries the per-host timeout.
// The result is a bound socket: the service pool hands it to an ldapts Client for searches, a user
// bind just unbinds and closes it. Never throws; failures are classified for the caller, which
// decides between "next host" and a final answer (reference §13).
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

export type OpenResult =
  | { ok: true; socket: net.Socket }
  /** Connect, TLS or protocol failure, or the connection dropped: try the next host. */
  | { ok: false; kind: 'network'; message: string }
  /** The server answered the bind with an error (wrong password, disabled account...). */
  | { ok: false; kind: 'rejected'; resultCode: number; message: string }
  | { ok: false; kind: 'aborted' };

const GSS_SPNEGO = 'GSS-SPNEGO';

/** Connects, secures and binds. The socket is destroyed on any failure. */
export async function openSession(ep: Endpoint, creds: BindCredentials, signal: AbortSignal): Promise<OpenResult> {
  let socket: net.Socket | undefined;
  const onAbort = (): void => {
    socket?.destroy();
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    if (signal.aborted) return { ok: false, kind: 'aborted' };
    socket = await connect(ep);
    let conv = new Conversation(socket);
    let id = 1;
    if (ep.transport === 'starttls') {
      const r = await conv.request(encodeStartTls(id), id++);
      if (r.resultCode !== ResultCode.Success) return fail(socket, `StartTLS refused: ${describe(r)}`);
      conv.detach();
      socket = await upgrade(socket, ep);
      conv = new Conversation(socket);
    }
    const result = await bind(conv, creds, () => id++);
    conv.detach();
    if (result.resultCode !== ResultCode.Success) {
      socket.destroy();
      return { ok: false, kind: 'rejected', resultCode: result.resultCode, message: describe(result) };
    }
    return { ok: true, socket };
  } catch (err) {
    socket?.destroy();
    if (signal.aborted) return { ok: false, kind: 'aborted' };
    return { ok: false, kind: 'network', message: (err as Error).message };
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** Ends a session we no longer need (the user session after its bind): an Unbind, after which the
 *  server closes the connection (so the TIME_WAIT lands on its side, not on our ephemeral ports);
 *  destroyed if it hasn't within a second. */
export function closeSession(socket: net.Socket): void {
  socket.on('error', () => {});
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

function fail(socket: net.Socket, message: string): OpenResult {
  socket.destroy();
  return { ok: false, kind: 'network', message };
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

function connect(ep: Endpoint): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const secure = ep.transport === 'ldaps';
    const socket = secure
      ? tls.connect({ ...tlsOptions(ep), port: ep.port })
      : net.connect({ host: ep.host, port: ep.port });
    socket.setNoDelay(true);
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      socket.removeListener('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

function upgrade(plain: net.Socket, ep: Endpoint): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ ...tlsOptions(ep), socket: plain });
    socket.once('secureConnect', () => {
      socket.removeListener('error', reject);
      resolve(socket);
    });
    socket.once('error', (err) => {
      plain.destroy();
      reject(err);
    });
  });
}

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
    this.socket.on('error', () => {});
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
