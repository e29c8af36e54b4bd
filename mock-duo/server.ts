// The standalone mock Duo: a thin node:http(s) adapter over the same msw handlers (msw `getResponse`).
// HTTPS with a generated CA and `localhost` certificate by default, plain HTTP on request. Listens on
// loopback (127.0.0.1 and, when available, ::1 on the same port). HTTP/1.0 and keep-alive both work.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getResponse } from 'msw';
import type { Clock } from './clock.ts';
import type { Fixture, FixtureInput } from './fixture.ts';
import { loadFixtureFile } from './fixture.ts';
import { createMockDuo, type MockDuo } from './index.ts';
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
  mock: MockDuo;
  close(): Promise<void>;
}

/** Thrown by startMockDuoServer for a fixture that does not validate; `errors` are file:line:col lines. */
export class FixtureError extends Error {
  constructor(readonly errors: string[]) {
    super(`invalid mock Duo fixture:\n${errors.join('\n')}`);
  }
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'expect', 'te', 'trailer']);

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
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

function adapter(mock: MockDuo, scheme: 'http' | 'https', port: () => number) {
  return async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const aborter = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) aborter.abort();
    });
    try {
      const body = await readBody(req);
      const url = new URL(req.url ?? '/', `${scheme}://${req.headers.host ?? `localhost:${port()}`}`);
      const headers = new Headers();
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i]!;
        if (!HOP_BY_HOP.has(name.toLowerCase())) headers.append(name, req.rawHeaders[i + 1]!);
      }
      const method = req.method ?? 'GET';
      const request = new Request(url, {
        method,
        headers,
        signal: aborter.signal,
        ...(method === 'GET' || method === 'HEAD' ? {} : { body }),
      });
      const r = await getResponse(mock.handlers, request);
      if (res.destroyed) return;
      if (!r) {
        const notFound = Buffer.from('{"stat":"FAIL","code":40401,"message":"Resource not found"}');
        res.writeHead(404, { 'Content-Type': 'application/json', 'Content-Length': notFound.length, Server: 'Duo/1.0' }).end(notFound);
        return;
      }
      if (r.type === 'error') return resetSocket(req.socket);
      const data = Buffer.from(await r.arrayBuffer());
      const out: Record<string, string | number> = {};
      for (const [k, v] of r.headers) if (k !== 'content-length' && k !== 'transfer-encoding') out[k] = v;
      out['content-length'] = data.length;
      res.writeHead(r.status, out).end(data);
    } catch (err) {
      if (res.headersSent || res.destroyed) return void res.destroy();
      const msg = Buffer.from(JSON.stringify({ stat: 'FAIL', code: 40000, message: 'Bad request', message_detail: String((err as Error).message) }));
      res.writeHead(400, { 'Content-Type': 'application/json', 'Content-Length': msg.length }).end(msg);
    }
  };
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
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
  const mock = createMockDuo({ fixture, ...(opts.clock ? { clock: opts.clock } : {}) });
  const scheme = opts.http ? 'http' : 'https';
  const tls = opts.http ? undefined : await generateMockTls();
  let actualPort = opts.port ?? 0;
  const handler = adapter(mock, scheme, () => actualPort);
  const make = () => {
    // ALPN: curl -0 offers only http/1.0, which Node's default list refuses outright.
    const options = { requestTimeout: 0, keepAliveTimeout: 5_000 };
    const server = tls ? https.createServer({ ...options, cert: tls.certPem, key: tls.keyPem, ALPNProtocols: ['http/1.1', 'http/1.0'] }, handler) : http.createServer(options, handler);
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
