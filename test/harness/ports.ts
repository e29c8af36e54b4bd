// Ephemeral loopback ports. A port read back from a closed probe socket can be taken by someone else
// before the server binds it, so callers start through withFreePorts(), which retries on EADDRINUSE.
import { createSocket } from 'node:dgram';
import { connect, createServer } from 'node:net';

export type PortKind = 'tcp' | 'udp';

export const LOOPBACK = '127.0.0.1';

/** Asks the kernel for a free port by binding port 0 on 127.0.0.1 and reading the port back. */
export function freePort(kind: PortKind = 'tcp'): Promise<number> {
  return kind === 'tcp' ? freeTcpPort() : freeUdpPort();
}

function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port read back'));
      });
    });
  });
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.unref();
    socket.once('error', reject);
    socket.bind(0, LOOPBACK, () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

/** Whether something accepts TCP connections on host:port right now. */
export function isTcpOpen(port: number, host = LOOPBACK, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Errors whose text says a listening port was already taken (Node, slapd, radiusd, nats-server). */
export function isAddressInUse(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);
  return /EADDRINUSE|address already in use|errno=98\b/i.test(text);
}

/**
 * Picks `count` distinct free ports of `kind` and runs `start(ports)`; when start fails because a port
 * was taken in the meantime, picks new ports and tries again (up to `attempts` times).
 */
export async function withFreePorts<T>(
  kind: PortKind,
  count: number,
  start: (ports: number[]) => Promise<T>,
  attempts = 5,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const ports: number[] = [];
    while (ports.length < count) {
      const port = await freePort(kind);
      if (!ports.includes(port)) ports.push(port);
    }
    try {
      return await start(ports);
    } catch (error) {
      if (attempt >= attempts || !isAddressInUse(error)) throw error;
    }
  }
}
