// One HTTP exchange with Duo over undici keep-alive connections. Duo's own proxy builds a TLS context and a
// connection per call and tops out near 100 logins/s; here one secure context and one pool of
// keep-alive connections serve every call of an integration. undici rather than node:http: the same
// exchange costs about a quarter less CPU, which is most of what the proxy spends per login.
//
// Timing follows api_timeout (reference §6.4): the connect phase (TCP + TLS, or CONNECT + TLS) is
// bounded by connectTimeoutMs; once connected, what is left of budgetMs (at least 100 ms) bounds the
// rest. The caller's AbortSignal bounds everything. Never rejects: failures are results.
import { readFileSync } from 'node:fs';
import type http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { createRequire } from 'node:module';
import type { buildConnector as BuildConnector, Client as UndiciClient, Dispatcher } from 'undici';
import { proxyConnector } from './connect-proxy.ts';

// undici's Client and connector, loaded by their own modules: the package's index also loads fetch,
// WebSocket, the caches and more (~9 MB of resident memory and ~70 ms of start-up) that the proxy
// never uses. Same objects the index re-exports; the version is pinned in package.json.
const requireCjs = createRequire(import.meta.url);
const Client = requireCjs('undici/lib/dispatcher/client.js') as typeof UndiciClient;
const buildConnector = requireCjs('undici/lib/core/connect.js') as typeof BuildConnector;

export interface TransportOptions {
  scheme: 'https' | 'http';
  host: string;
  port: number;
  caFile?: string;
  httpProxy?: { host: string; port: number };
  userAgent: string;
  /** Bounds the opening of a connection (TCP, the proxy's CONNECT, TLS) even when no request waits for it any more. */
  connectTimeoutMs: number;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  /** Path with its query string. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  connectTimeoutMs: number;
  /** Bound on the whole exchange, counted from its start; at least MIN_EXCHANGE_MS remain once connected.
   *  Infinity: none (api_timeout = 0; the caller's signal still ends it). */
  budgetMs: number;
  signal?: AbortSignal;
  /** May be sent again on a fresh connection when a pooled one turns out closed (never an /auth: a second push). */
  retryOnStaleSocket?: boolean;
}

export type HttpResult =
  | { ok: true; status: number; headers: http.IncomingHttpHeaders; body: string }
  | { ok: false; kind: 'network' | 'timeout'; message: string };

export interface Transport {
  request(req: HttpRequest): Promise<HttpResult>;
  close(): void;
}

/** Once connected, an exchange gets at least this long, whatever is left of its budget. */
export const MIN_EXCHANGE_MS = 100;
const MAX_BODY_BYTES = 1 << 20;
/** How a pooled connection the server closed while idle fails a request written on it: at once, before any
 *  byte of an answer (undici's SocketError 'other side closed', or the OS's reset). Sent again on a fresh one. */
const STALE_SOCKET_CODES = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE', 'ECONNABORTED']);
const MAX_STALE_RETRIES = 2;
/** Idle pooled connections are closed after this, or sooner when the server's Keep-Alive hint says so
 *  (its timeout less a second, as node:http's agent does). */
const IDLE_SOCKET_MS = 15_000;
const KEEP_ALIVE_HINT_MARGIN_MS = 1000;

/** Reads the CA bundle once. A file that names no certificate is refused: it would not verify anything. */
function loadSecureContext(caFile: string | undefined): tls.SecureContext {
  if (caFile === undefined) return tls.createSecureContext();
  const pem = readFileSync(caFile, 'utf8');
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`http_ca_certs_file ${caFile} contains no PEM certificate`);
  return tls.createSecureContext({ ca: pem });
}

/** Duo's proxy sends the api host, with `:port` only when the port is not 443 (reference §6.2). */
export function hostHeader(host: string, port: number): string {
  const name = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return port === 443 ? name : `${name}:${port}`;
}

function describe(err: Error & { code?: string }): string {
  if (err.code === 'UND_ERR_SOCKET') return `connection closed by Duo (${err.message})`;
  return err.code && !err.message.includes(err.code) && !err.code.startsWith('UND_ERR') ? `${err.code}: ${err.message}` : err.message;
}

type Attempt = HttpResult | { ok: false; kind: 'stale'; message: string };

/**
 * One keep-alive connection: undici's Client runs one at a time and opens the next when it is asked for
 * a request after the last one closed. It counts the requests written on its current connection, so an
 * exchange knows whether it went out on a kept-alive one: only those can meet a connection the server
 * already closed.
 */
class Connection extends Client {
  written = 0;
  idle = false;
  constructor(origin: string, opts: UndiciClient.Options) {
    super(origin, opts);
    this.on('connect', () => {
      this.written = 0;
    });
  }
}

/**
 * The connections of one integration. Not undici's Pool: it hands a request to the first connection that
 * has finished its previous exchange *and* been resumed by undici one event-loop turn later, so a call
 * made right after an answer (preauth then auth) opened a second connection; and it keeps every Client it
 * ever made and scans them on each request, which a few thousand held pushes make slow. Here a finished
 * exchange gives its connection back at once, the most recently used goes first (as node:http's agent
 * with LIFO scheduling), and a connection that closes while idle is forgotten.
 */
class Connections {
  /** Most recently released last. A connection dropped while in it stays until popped (`idle` false) or swept. */
  private idle: Connection[] = [];
  private dead = 0;
  private readonly open = new Set<Connection>();
  constructor(
    private readonly origin: string,
    private readonly options: UndiciClient.Options,
  ) {}

  acquire(): Connection {
    for (let kept = this.idle.pop(); kept; kept = this.idle.pop()) {
      if (kept.idle) {
        kept.idle = false;
        return kept;
      }
      this.dead--;
    }
    const c = new Connection(this.origin, this.options);
    c.on('disconnect', () => {
      if (c.idle) this.drop(c);
    });
    this.open.add(c);
    return c;
  }

  /** After a complete answer: the connection serves the next request (undici writes it once the last is done). */
  release(c: Connection): void {
    if (!this.open.has(c) || c.idle) return;
    c.idle = true;
    this.idle.push(c);
  }

  /** After a failure: its socket is gone or going, and a request it still holds was given up. */
  drop(c: Connection): void {
    if (!this.open.delete(c)) return;
    if (c.idle) {
      // Thousands of idle connections time out together after a burst of pushes: sweep once, not per close.
      c.idle = false;
      if (++this.dead > 64 && this.dead * 2 > this.idle.length) {
        this.idle = this.idle.filter((k) => k.idle);
        this.dead = 0;
      }
    }
    c.destroy().catch(() => {});
  }

  destroyAll(): void {
    for (const c of this.open) c.destroy().catch(() => {});
    this.open.clear();
    this.idle = [];
    this.dead = 0;
  }
}

/** One attempt: undici's dispatch handler, the two timers of §6.4 and the caller's signal. It keeps what
 *  it needs of the request, not the request: a push waits here for up to a minute. */
class Exchange implements Dispatcher.DispatchHandler {
  private client: Connection | undefined;
  private readonly started = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private controller: Dispatcher.DispatchController | undefined;
  private settled = false;
  private reused = false;
  private responding = false;
  private status = 0;
  private headers: http.IncomingHttpHeaders | undefined;
  private chunks: Buffer[] | undefined;
  private size = 0;
  private readonly signal: AbortSignal | undefined;
  private readonly connectTimeoutMs: number;
  private readonly budgetMs: number;
  private readonly retryOnStaleSocket: boolean;

  constructor(
    r: HttpRequest,
    private readonly connections: Connections,
    private readonly resolve: (a: Attempt) => void,
  ) {
    this.signal = r.signal;
    this.connectTimeoutMs = r.connectTimeoutMs;
    this.budgetMs = r.budgetMs;
    this.retryOnStaleSocket = r.retryOnStaleSocket === true;
  }

  start(r: HttpRequest, host: string): void {
    if (r.signal?.aborted) {
      this.settle({ ok: false, kind: 'timeout', message: 'the login deadline passed before the request was sent' });
      return;
    }
    // The exchange itself is the listener (handleEvent): no closure per request.
    r.signal?.addEventListener('abort', this, { once: true });
    this.timer = setTimeout(() => this.fail('timeout', `no connection to Duo within ${this.connectTimeoutMs} ms`), r.connectTimeoutMs);
    this.client = this.connections.acquire();
    this.client.dispatch({ method: r.method, path: r.path, headers: { Host: host, ...r.headers }, body: r.body ?? null }, this);
  }

  /** The caller's signal aborted. */
  handleEvent(): void {
    this.fail('timeout', 'the login deadline passed before Duo answered');
  }

  private settle(res: Attempt): void {
    if (this.settled) return;
    this.settled = true;
    if (this.timer) clearTimeout(this.timer);
    this.signal?.removeEventListener('abort', this);
    this.resolve(res);
  }

  /** Ends the attempt now. Before it was written, undici has no way to withdraw it: it is dropped once a
   *  connection takes it (onRequestStart), or fails with that connection. */
  private fail(kind: 'network' | 'timeout', message: string): void {
    if (this.settled) return;
    this.settle({ ok: false, kind, message });
    this.controller?.abort(new Error(message));
  }

  /** The request is about to be written on a connected (TCP + TLS) socket: the connect phase is over. */
  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.settled) {
      controller.abort(new Error('abandoned before it was sent'));
      return;
    }
    this.controller = controller;
    this.reused = this.client!.written++ > 0;
    if (this.timer) clearTimeout(this.timer);
    const { budgetMs } = this;
    // setTimeout would take Infinity (or anything over 2^31 - 1 ms) as 1 ms.
    if (!Number.isFinite(budgetMs)) return;
    const left = Math.max(budgetMs - (Date.now() - this.started), MIN_EXCHANGE_MS);
    this.timer = setTimeout(() => this.fail('timeout', `Duo did not answer within ${budgetMs} ms`), left);
  }

  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    this.responding = true;
    this.status = statusCode;
    // undici lower-cases the names as node:http does; a repeated header is an array rather than joined.
    this.headers = headers as http.IncomingHttpHeaders;
  }

  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return;
    this.size += chunk.length;
    if (this.size > MAX_BODY_BYTES) this.fail('network', `response larger than ${MAX_BODY_BYTES} bytes`);
    else (this.chunks ??= []).push(chunk);
  }

  onResponseEnd(): void {
    if (this.settled) return;
    this.connections.release(this.client!);
    const chunks = this.chunks ?? [];
    const body = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
    this.settle({ ok: true, status: this.status, headers: this.headers ?? {}, body });
  }

  onResponseError(_c: Dispatcher.DispatchController | undefined, err: Error & { code?: string }): void {
    if (this.client) this.connections.drop(this.client);
    if (this.settled) return;
    const code = err.code ?? '';
    if (this.responding) {
      this.settle({
        ok: false,
        kind: 'network',
        message: STALE_SOCKET_CODES.has(code) ? 'connection closed in the middle of the response' : describe(err),
      });
    } else if (this.retryOnStaleSocket && this.reused && STALE_SOCKET_CODES.has(code)) {
      this.settle({ ok: false, kind: 'stale', message: describe(err) });
    } else if (code === 'UND_ERR_CONNECT_TIMEOUT') {
      this.settle({ ok: false, kind: 'timeout', message: `no connection to Duo within ${this.connectTimeoutMs} ms` });
    } else {
      this.settle({ ok: false, kind: 'network', message: describe(err) });
    }
  }
}

export function createTransport(o: TransportOptions): Transport {
  const secure = o.scheme === 'https';
  const secureContext = secure ? loadSecureContext(o.caFile) : undefined;
  const host = hostHeader(o.host, o.port);
  const origin = `${o.scheme}://${net.isIPv6(o.host) ? `[${o.host}]` : o.host}:${o.port}`;

  // The connector's timeout closes a connection attempt nobody waits for any more (each request's own
  // timer gives its answer); the TLS servername is the api host, from the Host header.
  const direct = buildConnector({ ...(secureContext ? { secureContext } : {}), timeout: o.connectTimeoutMs });
  const connect = o.httpProxy
    ? proxyConnector(
        { proxyHost: o.httpProxy.host, proxyPort: o.httpProxy.port, host: o.host, port: o.port, userAgent: o.userAgent, connectTimeoutMs: o.connectTimeoutMs, tls: secure },
        direct,
      )
    : direct;
  const connections = new Connections(origin, {
    connect,
    pipelining: 1,
    keepAliveTimeout: IDLE_SOCKET_MS,
    keepAliveMaxTimeout: IDLE_SOCKET_MS,
    keepAliveTimeoutThreshold: KEEP_ALIVE_HINT_MARGIN_MS,
    // The exchange's own timers bound it (a push long-polls for up to a minute).
    headersTimeout: 0,
    bodyTimeout: 0,
  });

  function once(r: HttpRequest): Promise<Attempt> {
    return new Promise((resolve) => new Exchange(r, connections, resolve).start(r, host));
  }

  /** Sends a request that may go out again when a kept-alive connection turns out closed. */
  async function withRetries(r: HttpRequest): Promise<HttpResult> {
    const started = Date.now();
    for (let i = 0; ; i++) {
      const spent = Date.now() - started;
      const res = await once(
        i === 0 ? r : { ...r, budgetMs: Math.max(r.budgetMs - spent, MIN_EXCHANGE_MS), connectTimeoutMs: Math.max(r.connectTimeoutMs - spent, MIN_EXCHANGE_MS) },
      );
      if (res.ok || res.kind !== 'stale') return res;
      if (i >= MAX_STALE_RETRIES) return { ok: false, kind: 'network', message: res.message };
    }
  }

  return {
    request(r) {
      // An exchange that is never sent again (an /auth, which may wait a minute on a push) is the attempt's
      // own promise: no frame keeps the request's path, headers and body alive while it waits. Only an
      // exchange allowed to go out again ends 'stale'.
      return r.retryOnStaleSocket ? withRetries(r) : (once(r) as Promise<HttpResult>);
    },
    // Drops every connection, busy ones included; a later request opens a new one.
    close() {
      connections.destroyAll();
    },
  };
}
