// Shutdown without losing what already arrived (issue 15 §2). Datagrams that reached the host before
// SIGTERM may still sit in a listener's receive buffer, unread, when the signal is handled: a burst of
// logins is read over several event-loop turns. Those are requests like any other and must run.
//
// A socket's receive queue is first in, first out. So at the signal we send each listener a marker: a
// random token, from a socket of our own, to the listener's own address. Everything read before the
// marker arrived before it (and so before the signal); everything after it is new and is refused. If
// the marker cannot be sent or does not come back in time (a firewall on the loopback), the door
// closes at the timeout instead.
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';

export interface BacklogMarker {
  /** True for the marker datagram (compare before any other check). */
  is(msg: Buffer): boolean;
  /** Resolves once the marker was read (`seen()`), or at the timeout, or when it cannot be sent. */
  readonly passed: Promise<'marker' | 'timeout' | 'send-failed'>;
  /** Called by the reader when `is(msg)`. */
  seen(): void;
}

/** Where to send to reach a socket bound to `address`: a wildcard is reached through loopback. */
export function markerTarget(address: string): string {
  if (address === '::') return '::1';
  if (address === '0.0.0.0') return '127.0.0.1';
  return address;
}

export function sendBacklogMarker(listener: Socket, timeoutMs: number): BacklogMarker {
  const token = randomBytes(32);
  let finish!: (how: 'marker' | 'timeout' | 'send-failed') => void;
  let sender: Socket | undefined;
  const passed = new Promise<'marker' | 'timeout' | 'send-failed'>((resolve) => {
    let done = false;
    finish = (how) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sender?.close();
      resolve(how);
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    try {
      const a = listener.address();
      const target = markerTarget(a.address);
      sender = createSocket(isIPv6(target) ? 'udp6' : 'udp4');
      sender.on('error', () => finish('send-failed'));
      sender.send(token, a.port, target, (err) => {
        if (err) finish('send-failed');
      });
    } catch {
      finish('send-failed');
    }
  });
  return {
    is: (msg) => msg.length === token.length && msg.equals(token),
    passed,
    seen: () => finish('marker'),
  };
}
