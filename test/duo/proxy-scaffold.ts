// Test scaffolding, not a Duo mock: an HTTP CONNECT proxy (like squid would be) that records what
// it was asked and tunnels to a chosen local port, or refuses; a TCP server that accepts and never
// speaks (a TLS handshake that never completes); a plain HTTP server that records raw requests.
import http from 'node:http';
import net from 'node:net';

export interface Scaffold {
  port: number;
  close(): Promise<void>;
}

export interface ConnectProxy extends Scaffold {
  /** Every CONNECT received: its target and User-Agent. */
  connects: { target: string; userAgent: string | undefined }[];
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

function closer(server: net.Server, sockets: Set<net.Socket>): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
}

/** `tunnelTo` picks the local port for a target; `refuse` answers that status line instead. */
export async function startConnectProxy(opts: { tunnelTo?: (target: string) => number; refuse?: string }): Promise<ConnectProxy> {
  const connects: ConnectProxy['connects'] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((_req, res) => res.writeHead(405).end());
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('connect', (req, client: net.Socket, head: Buffer) => {
    connects.push({ target: req.url ?? '', userAgent: req.headers['user-agent'] });
    if (opts.refuse !== undefined || !opts.tunnelTo) {
      client.end(`HTTP/1.1 ${opts.refuse ?? '502 Bad Gateway'}\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const upstream = net.connect(opts.tunnelTo(req.url ?? ''), '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  const port = await listen(server);
  return { port, connects, close: closer(server, sockets) };
}

/** Accepts TCP connections and never sends a byte. */
export async function startSilentServer(): Promise<Scaffold> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  const port = await listen(server);
  return { port, close: closer(server, sockets) };
}

export interface CaptureServer extends Scaffold {
  requests: { method: string; url: string; headers: http.IncomingHttpHeaders; rawHeaders: string[]; body: string }[];
}

/** Plain HTTP: records each request and answers `answer` (a Duo-shaped JSON body). */
export async function startCaptureServer(answer: unknown): Promise<CaptureServer> {
  const requests: CaptureServer['requests'] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders, body });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const port = await listen(server);
  return { port, requests, close: closer(server, sockets) };
}
