// Shared by the ldap tests: a logger whose lines can be inspected, a TCP tap that records what a
// client sends, and servers that misbehave (accept and never answer).
import * as net from 'node:net';
import { Writable } from 'node:stream';
import type { PrimaryAuthRequest } from '../../machines/contracts.ts';
import { createLogger, type Logger } from '../../adapters/log/logger.ts';

export function captureLogger(): { logger: Logger; messages: () => string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ level: 'debug', destination: sink });
  return { logger, messages: () => lines.map((l) => (JSON.parse(l) as { msg: string }).msg) };
}

export function login(username: string, password: string | undefined): PrimaryAuthRequest {
  return { username, password, requestAttributes: [], server: 'radius_server_auto' };
}

export interface Tap {
  port: number;
  /** Every byte clients sent, in order. */
  sent(): Buffer;
  /** Connections accepted so far. */
  connections(): number;
  /** Resets every open connection the moment its client next sends something (a connection that
   *  died unnoticed: the request is lost and the client sees the connection drop). */
  breakOpenConnections(): void;
  close(): Promise<void>;
}

/** A TCP relay on listenHost:<ephemeral or given port> to 127.0.0.1:upstreamPort that keeps every
 *  byte the client sent. */
export async function startTap(upstreamPort: number, listenHost = '127.0.0.1', listenPort = 0): Promise<Tap> {
  const chunks: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const doomed = new Set<net.Socket>();
  let count = 0;
  const server = net.createServer((client) => {
    count++;
    const upstream = net.connect({ port: upstreamPort, host: '127.0.0.1' });
    sockets.add(client).add(upstream);
    client.on('data', (d: Buffer) => {
      if (doomed.has(client)) {
        client.resetAndDestroy();
        upstream.destroy();
        return;
      }
      chunks.push(Buffer.from(d));
      upstream.write(d);
    });
    upstream.pipe(client);
    client.on('end', () => upstream.end());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => sockets.delete(client));
    upstream.on('close', () => sockets.delete(upstream));
  });
  await new Promise<void>((r) => server.listen(listenPort, listenHost, r));
  return {
    port: (server.address() as net.AddressInfo).port,
    sent: () => Buffer.concat(chunks),
    connections: () => count,
    breakOpenConnections: () => {
      for (const s of sockets) doomed.add(s);
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/** A server that accepts TCP connections and never writes a byte (a hung directory). */
export async function startSilentServer(host = '127.0.0.1', port = 0): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let count = 0;
  const server = net.createServer((s) => {
    count++;
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(port, host, r));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => count,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/** A loopback port with nothing listening on it (connection refused). */
export async function unusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}
