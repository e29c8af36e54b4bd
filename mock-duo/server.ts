// The standalone mock Duo: a thin node:http(s) adapter that calls the mock's core (`mock.handle`)
// directly: no msw and no Fetch Request/Response objects on the way.
// HTTPS with a generated CA and `localhost` certificate by default, plain HTTP on request. Listens on
// loopback (127.0.0.1 and, when available, ::1 on the same port). HTTP/1.0 and keep-alive both work.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from './clock.ts';
import type { Handle } from './core.ts';
import type { CoreRequest } from './exchange.ts';
import type { Fixture, FixtureInput } from './fixture.ts';
import { loadFixtureFile } from './fixture.ts';
import { createMockCore, type MockCore } from './mock.ts';
import { generateMockTls } from './tls.ts';

export interface StartMockDuoOptions {
  fixture?: Fixture | FixtureInput;
  /** Read (and validate) the fixture from this YAML or JSON file instead. */
  fixtureFile?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Plain HTTP instead of HTTPS. */
  http?: boolean;
  /** Where to write the CA certificate (PEM); default a temporary file removed by close(). */
  caOut?: string;
  clock?: Clock;
}

export interface MockDuoServer {
  url: string;
  port: number;
  /** The CA that signed the server certificate (HTTPS only). */
  caPem?: string;
  caFile?: string;
  /** The in-process API of the mock behind the server. */
  mock: MockCore;
  close(): Promise<void>;
}

/** Thrown by startMockDuoServer for a fixture that does not validate; `errors` are file:line:col lines. */
export class FixtureError extends Error {
  constructor(readonly errors: string[]) {
    super(`invalid mock Duo fixture:\n${errors.join('\n')}`);
  }
}

/** Paths the WHATWG URL parser leaves as they are (no dot segments, no leading `//`, nothing it would
 *  encode) with a printable ASCII query and no fragment: taken as sent. Anything else goes through
 *  URL, as every request used to. */
const PLAIN_TARGET = /^(?!.*%2e)(?!\/\/)\/[A-Za-z0-9\-_~%!$&'()*+,;=:@/]*(?:\?[\x21-\x22\x24-\x7e]*)?$/i;

function splitTarget(target: string): { path: string; query: string; host?: string } {
  if (PLAIN_TARGET.test(target)) {
    const q = target.indexOf('?');
    return q < 0 ? { path: target, query: '' } : { path: target.slice(0, q), query: target.slice(q + 1) };
  }
  const url = new URL(target, 'http://localhost');
  return { path: url.pathname, query: url.search.slice(1), ...(/^[a-z][a-z0-9+.-]*:\/\//i.test(target) ? { host: url.host } : {}) };
}

/** Header names lower-cased and repeated values joined with ', ', as Fetch Headers has them (Node's
 *  own req.headers would keep only the first Authorization or Date). */
function headerRecord(raw: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const prev = out[name];
    out[name] = prev === undefined ? raw[i + 1]! : `${prev}, ${raw[i + 1]!}`;
  }
  return out;
}

function resetSocket(socket: import('node:net').Socket): void {
  try {
    // A real TCP RST, like a crashed server; fall back to a plain close.
    if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
    else socket.destroy();
  } catch {
    socket.destroy();
  }
}

/** One request as the core sees it. Its AbortSignal is made only if someone reads it (a request that
 *  waits on a push, a long-poll, a latency fault or a hang): most requests never need one. */
class ServerRequest implements CoreRequest {
  #controller: AbortController | undefined;
  #gone = false;

  constructor(
    readonly method: string,
    readonly path: string,
    readonly query: string,
    readonly headers: Readonly<Record<string, string>>,
    readonly body: Uint8Array | string,
  ) {}

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#gone) this.#controller.abort();
    }
    return this.#controller.signal;
  }

  /** The response closed before it was sent: the client went away. */
  gone(): void {
    this.#gone = true;
    this.#controller?.abort();
  }
}

const BAD_REQUEST = (detail: string) => Buffer.from(JSON.stringify({ stat: 'FAIL', code: 40000, message: 'Bad request', message_detail: detail }));

function adapter(handle: Handle, port: () => number): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => res.destroy());
    req.on('end', () => {
      let call: ServerRequest;
      try {
        const target = splitTarget(req.url ?? '/');
        const headers = headerRecord(req.rawHeaders);
        headers['host'] ??= target.host ?? `localhost:${port()}`;
        const body = chunks.length === 0 ? '' : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        call = new ServerRequest(req.method ?? 'GET', target.path, target.query, headers, body);
      } catch (err) {
        return void fail(res, err);
      }
      res.once('close', () => {
        if (!res.writableFinished) call.gone();
      });
      handle(call).then(
        (answer) => {
          if (res.destroyed) return;
          if (answer.kind !== 'reply') return resetSocket(req.socket);
          // A string body goes out in one write with the head (Node joins them); bytes in a second chunk.
          const body = answer.body;
          const length = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength;
          res.writeHead(answer.status, answer.headers.concat('content-length', String(length))).end(body);
        },
        (err) => fail(res, err),
      );
    });
  };
}

function fail(res: http.ServerResponse, err: unknown): void {
  if (res.headersSent || res.destroyed) return void res.destroy();
  const msg = BAD_REQUEST(String((err as Error).message));
  res.writeHead(400, { 'Content-Type': 'application/json', 'Content-Length': msg.length }).end(msg);
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    // A deep backlog: a burst of 2,000+ new connections (a RADIUS burst through a proxy) is queued by
    // the kernel, not refused and retried a second later.
    server.listen({ port, host, backlog: 4096 }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Long-polls, pending pushes and hung requests would otherwise hold close() forever.
    server.closeAllConnections();
  });
}

export async function startMockDuoServer(opts: StartMockDuoOptions): Promise<MockDuoServer> {
  let fixture = opts.fixture;
  if (fixture === undefined) {
    if (opts.fixtureFile === undefined) throw new Error('startMockDuoServer needs fixture or fixtureFile');
    const loaded = await loadFixtureFile(opts.fixtureFile);
    if (!loaded.ok) throw new FixtureError(loaded.errors);
    fixture = loaded.value;
  }
  const mock = createMockCore({ fixture, ...(opts.clock ? { clock: opts.clock } : {}) });
  const scheme = opts.http ? 'http' : 'https';
  const tls = opts.http ? undefined : await generateMockTls();
  let actualPort = opts.port ?? 0;
  const handler = adapter(mock.handle, () => actualPort);
  // One ticket key for both listeners, so a session resumed on ::1 works on 127.0.0.1 too.
  const ticketKeys = randomBytes(48);
  const make = () => {
    // Keep-alive well past a client's idle pool; no request timeout and headers allowed 90 s, since a
    // synchronous /auth holds its request open while the push waits (60 s by default).
    const options = { requestTimeout: 0, headersTimeout: 90_000, keepAliveTimeout: 65_000, noDelay: true };
    // ALPN: curl -0 offers only http/1.0, which Node's default list refuses outright. An ECDSA P-256
    // certificate (tls.ts) and session tickets keep handshakes cheap.
    const server = tls
      ? https.createServer({ ...options, cert: tls.certPem, key: tls.keyPem, ALPNProtocols: ['http/1.1', 'http/1.0'], ticketKeys }, handler)
      : http.createServer(options, handler);
    // server.maxConnections stays unset: no cap (10,000 pushes held at once each keep a connection).
    return server as http.Server;
  };
  const servers: http.Server[] = [make()];
  await listen(servers[0]!, actualPort, '127.0.0.1');
  actualPort = (servers[0]!.address() as AddressInfo).port;
  const v6 = make();
  try {
    await listen(v6, actualPort, '::1');
    servers.push(v6);
  } catch {
    // No IPv6 loopback here, or the port is taken on it: 127.0.0.1 is enough.
  }

  let caFile: string | undefined;
  let tempDir: string | undefined;
  if (tls) {
    if (opts.caOut !== undefined) caFile = opts.caOut;
    else {
      tempDir = await mkdtemp(join(tmpdir(), 'mock-duo-'));
      caFile = join(tempDir, 'ca.pem');
    }
    await writeFile(caFile, tls.caPem);
  }
  return {
    url: `${scheme}://localhost:${actualPort}`,
    port: actualPort,
    ...(tls ? { caPem: tls.caPem } : {}),
    ...(caFile !== undefined ? { caFile } : {}),
    mock,
    async close() {
      await Promise.all(servers.map(closeServer));
      if (tempDir !== undefined) await rm(tempDir, { recursive: true, force: true });
    },
  };
}
