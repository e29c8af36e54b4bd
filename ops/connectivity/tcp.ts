// A bare TCP connect (Duo's ConnectResult checks): connect, then close at once. Never throws, always
// ends within timeoutMs.
import * as net from 'node:net';

export type TcpOutcome = { ok: true } | { ok: false; message: string };

export function tcpConnect(host: string, port: number, timeoutMs: number): Promise<TcpOutcome> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => done({ ok: false, message: `no connection within ${timeoutMs} ms` }), timeoutMs);
    function done(outcome: TcpOutcome): void {
      clearTimeout(timer);
      socket.removeAllListeners('connect');
      socket.on('error', () => {});
      socket.destroy();
      resolve(outcome);
    }
    socket.once('connect', () => done({ ok: true }));
    socket.once('error', (err: NodeJS.ErrnoException) => done({ ok: false, message: err.message }));
  });
}
