// One HTTP exchange with Duo over a keep-alive agent. Duo's own proxy builds a TLS context and a
// connection per call and tops out near 100 logins/s; here one secure context and one pool of
// connections serve every call of an integration.
//
// Timing follows api_timeout (reference §6.4): the connect phase (TCP + TLS, or CONNECT + TLS) is
// bounded by connectTimeoutMs; once connected, what is left of budgetMs (at least 100 ms) bounds the
// rest. The caller's AbortSignal bounds everything. Never rejects: failures are results.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import tls from 'node:tls';
import { tunnelThroughProxy } from './connect-proxy.ts';

export interface TransportOptions {
  scheme: 'https' | 'http';
  host: string;
  port: number;
  caFile?: string;
  httpProxy?: { host: string; port: number };
  userAgent: string;
  /** Used for the proxy's CONNECT exchange. */
  connectTimeoutMs: number;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  /** Path with its query string. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  connectTimeoutMs: number;
  /** Bound on the whole exchange, counted from its start; at least MIN_EXCHANGE_MS remain once connected. */
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

const MIN_EXCHANGE_MS = 100;
const MAX_BODY_BYTES = 1 << 20;
/** A pooled connection the server closed while idle fails at once; such a request is sent again on a fresh one. */
const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);
const MAX_STALE_RETRIES = 2;
/** Idle pooled connections are closed after this, or sooner when the server's Keep-Alive hint says so. */
const IDLE_SOCKET_MS = 15_000;

/** Reads the CA bundle once. A file that names no certificate is refused: it would not verify anything. */
function loadSecureContext(caFile: string | undefined): tls.SecureContext {
  if (caFile === undefined) return tls.createSecureContext();
  const pem = readFileSync(caFile, 'utf8');
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`http_ca_certs_file ${caFile} contains no PEM certificate`);
  return tls.createSecureContext({ ca: pem });
}

function makeAgent(o: TransportOptions): http.Agent {
  // `timeout` only closes idle pooled sockets (and lets Node apply the server's Keep-Alive timeout hint).
  const common = { keepAlive: true, scheduling: 'lifo' as const, maxFreeSockets: 256, timeout: IDLE_SOCKET_MS };
  const agent =
    o.scheme === 'https' ? new https.Agent({ ...common, secureContext: loadSecureContext(o.caFile) }) : new http.Agent(common);
  if (o.httpProxy) {
    tunnelThroughProxy(agent, {
      proxyHost: o.httpProxy.host,
      proxyPort: o.httpProxy.port,
      userAgent: o.userAgent,
      connectTimeoutMs: o.connectTimeoutMs,
      tls: o.scheme === 'https',
    });
  }
  return agent;
}

function describe(err: Error & { code?: string }): string {
  return err.code && !err.message.includes(err.code) ? `${err.code}: ${err.message}` : err.message;
}

type Attempt = HttpResult | { ok: false; kind: 'stale'; message: string };

/** Duo's proxy sends the api host, with `:port` only when the port is not 443 (reference §6.2). */
export function hostHeader(host: string, port: number): string {
  const name = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return port === 443 ? name : `${name}:${port}`;
}

export function createTransport(o: TransportOptions): Transport {
  const agent = makeAgent(o);
  const mod = o.scheme === 'https' ? https : http;
  const host = hostHeader(o.host, o.port);

  function once(r: HttpRequest): Promise<Attempt> {
    return new Promise((resolve) => {
      const started = Date.now();
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      let responding = false;
      const settle = (res: Attempt): void => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        r.signal?.removeEventListener('abort', onAbort);
        resolve(res);
      };
      const req = mod.request({
        host: o.host,
        port: o.port,
        method: r.method,
        path: r.path,
        headers: { Host: host, ...r.headers },
        agent,
      });
      const fail = (kind: 'network' | 'timeout', message: string): void => {
        settle({ ok: false, kind, message });
        req.destroy();
      };
      function onAbort(): void {
        fail('timeout', 'the login deadline passed before Duo answered');
      }
      if (r.signal?.aborted) {
        settle({ ok: false, kind: 'timeout', message: 'the login deadline passed before the request was sent' });
        return;
      }
      r.signal?.addEventListener('abort', onAbort, { once: true });
      timer = setTimeout(() => fail('timeout', `no connection to Duo within ${r.connectTimeoutMs} ms`), r.connectTimeoutMs);
      const connected = (): void => {
        if (settled) return;
        if (timer) clearTimeout(timer);
        const left = Math.max(r.budgetMs - (Date.now() - started), MIN_EXCHANGE_MS);
        timer = setTimeout(() => fail('timeout', `Duo did not answer within ${r.budgetMs} ms`), left);
      };
      req.on('socket', (socket: Socket) => {
        const secure = o.scheme === 'https';
        if (req.reusedSocket || (secure ? (socket as TLSSocket).authorized === true : !socket.connecting && !socket.pending)) {
          connected();
        } else {
          socket.once(secure ? 'secureConnect' : 'connect', connected);
        }
      });
      req.on('error', (err: Error & { code?: string }) => {
        if (settled) return;
        if (r.retryOnStaleSocket && req.reusedSocket && !responding && err.code && STALE_SOCKET_CODES.has(err.code)) {
          settle({ ok: false, kind: 'stale', message: describe(err) });
          return;
        }
        fail('network', describe(err));
      });
      req.on('response', (res) => {
        responding = true;
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY_BYTES) fail('network', `response larger than ${MAX_BODY_BYTES} bytes`);
          else chunks.push(c);
        });
        res.on('end', () =>
          settle({ ok: true, status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', (err) => fail('network', describe(err)));
        res.on('close', () => {
          if (!res.complete) fail('network', 'connection closed in the middle of the response');
        });
      });
      req.end(r.body);
    });
  }

  return {
    async request(r) {
      const started = Date.now();
      for (let i = 0; ; i++) {
        const spent = Date.now() - started;
        const res = await once(
          i === 0 ? r : { ...r, budgetMs: Math.max(r.budgetMs - spent, MIN_EXCHANGE_MS), connectTimeoutMs: Math.max(r.connectTimeoutMs - spent, MIN_EXCHANGE_MS) },
        );
        if (res.ok || res.kind !== 'stale') return res;
        if (i >= MAX_STALE_RETRIES) return { ok: false, kind: 'network', message: res.message };
      }
    },
    close() {
      agent.destroy();
    },
  };
}
