// Test helpers: a raw UDP peer that records what it receives, and a log sink.
import { createSocket, type Socket } from 'node:dgram';
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../adapters/log/logger.ts';
import { encodeRequest, type RawAttribute } from '../../adapters/radius/codec/index.ts';
import type { RadiusServer } from '../../adapters/radius/server.ts';

export interface Peer {
  readonly socket: Socket;
  readonly received: Buffer[];
  port(): number;
  send(bytes: Buffer, port: number, host?: string): void;
  /** The next datagram not yet returned by next(). */
  next(): Promise<Buffer>;
  close(): void;
}

export async function udpPeer(type: 'udp4' | 'udp6' = 'udp4', address = type === 'udp4' ? '127.0.0.1' : '::1'): Promise<Peer> {
  const socket = createSocket(type);
  const received: Buffer[] = [];
  let waiters: ((b: Buffer) => void)[] = [];
  let taken = 0;
  socket.on('message', (m) => {
    received.push(m);
    const w = waiters.shift();
    if (w) {
      taken++;
      w(m);
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, address, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  // Tests send bursts; the default buffer (~200 datagrams) would lose some.
  socket.setRecvBufferSize(4 * 1024 * 1024);
  return {
    socket,
    received,
    port: () => socket.address().port,
    send: (bytes, port, host = type === 'udp4' ? '127.0.0.1' : '::1') => socket.send(bytes, port, host),
    next: () =>
      new Promise<Buffer>((resolve) => {
        if (taken < received.length) resolve(received[taken++]!);
        else waiters.push(resolve);
      }),
    close: () => {
      waiters = [];
      socket.close();
    },
  };
}

/** Resolves when the server has read `count` datagrams and answered or dropped all of them. */
export async function settled(target: RadiusServer | { server: RadiusServer }, count: number): Promise<void> {
  const server = 'server' in target ? target.server : target;
  for (;;) {
    const s = server.stats();
    if (s.received >= count && s.inFlight === 0) return;
    await new Promise((r) => setTimeout(r, 2));
  }
}

export function accessRequest(secret: string, attributes: RawAttribute[], id = 1, authenticator?: Buffer): Buffer {
  const r = encodeRequest({ id, secret, attributes, ...(authenticator ? { authenticator } : {}) });
  if (!r.ok) throw new Error(r.error);
  return r.bytes;
}

/** Removes the Message-Authenticator that encodeRequest always adds (for "no MA" cases). */
export function withoutMa(bytes: Buffer): Buffer {
  const out = Buffer.concat([bytes.subarray(0, 20), bytes.subarray(38)]);
  out.writeUInt16BE(out.length, 2);
  return out;
}

export function logSink(): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  return {
    logger: createLogger({ level: 'debug', destination }),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

export const u = (type: number, value: string | Buffer): RawAttribute => ({ type, value: Buffer.from(value) });
