// Helpers for the radius_client primary tests: a section builder, a silent upstream (a UDP socket that
// records what arrives and never answers: the absence of a server, not a mock of one), reading a
// captured request with our codec, and virtual timers for the 8 s schedule.
import { createSocket, type Socket } from 'node:dgram';
import type { RadiusPrimarySection, Timers } from '../../adapters/radius/primary-client.ts';
import { decodePacket, decodePasswordText, type Packet, unhidePassword } from '../../adapters/radius/codec/index.ts';

export const SECRET = 'upstream-secret';

export function section(hosts: { host: string; port: number }[], over: Partial<RadiusPrimarySection> = {}): RadiusPrimarySection {
  return {
    name: 'radius_client',
    hosts,
    secret: SECRET,
    retries: 3,
    retryWait: 2,
    nasIp: '127.0.0.1',
    passThroughAttrNames: [],
    passThroughAll: false,
    pwCodec: 'utf-8',
    requireMessageAuthenticator: 'auto',
    ...over,
  };
}

export interface Captured {
  packet: Packet;
  from: { address: string; port: number };
  /** Which silent upstream received it (its index in the list given to silentUpstreams). */
  upstream: number;
}

export interface SilentUpstreams {
  hosts: { host: string; port: number }[];
  sockets: Socket[];
  received: Captured[];
  /** Resolves once `n` requests have arrived in all. */
  waitFor(n: number): Promise<void>;
  close(): Promise<void>;
}

/** `count` UDP sockets on 127.0.0.1 that record every datagram and answer nothing. */
export async function silentUpstreams(count: number): Promise<SilentUpstreams> {
  const received: Captured[] = [];
  const waiting: { n: number; resolve: () => void }[] = [];
  const sockets: Socket[] = [];
  const hosts: { host: string; port: number }[] = [];
  for (let i = 0; i < count; i++) {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    socket.on('message', (msg, rinfo) => {
      const r = decodePacket(msg);
      if (!r.ok) return;
      received.push({ packet: r.packet, from: { address: rinfo.address, port: rinfo.port }, upstream: i });
      for (const w of waiting.filter((x) => received.length >= x.n)) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve();
      }
    });
    sockets.push(socket);
    hosts.push({ host: '127.0.0.1', port: socket.address().port });
  }
  return {
    hosts,
    sockets,
    received,
    waitFor: (n) => (received.length >= n ? Promise.resolve() : new Promise((resolve) => waiting.push({ n, resolve }))),
    close: () => Promise.all(sockets.map((s) => new Promise<void>((r) => s.close(() => r())))).then(() => undefined),
  };
}

/** The types of a captured request, in order. */
export const typesOf = (p: Packet) => p.attributes.map((a) => a.type);

/** The password of a captured request, unhidden with the upstream secret. */
export function passwordOf(p: Packet, secret = SECRET): string | undefined {
  const hidden = p.attributes.find((a) => a.type === 2);
  if (hidden === undefined) return undefined;
  const bytes = unhidePassword(hidden.value, secret, p.authenticator);
  if (!bytes.ok) return undefined;
  const text = decodePasswordText(bytes.value);
  return text.ok ? text.text : undefined;
}

/** Timers that run only when told: `advance(ms)` fires, in time order, whatever falls due. */
export function virtualTimers(): Timers & { now(): number; advance(ms: number): void; pending(): number[] } {
  let now = 0;
  let seq = 0;
  const queue: { due: number; seq: number; fn: () => void }[] = [];
  // Like a real pending timer, a virtual one keeps the process alive (the RADIUS sockets are unref'd).
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  const track = () => {
    if (queue.length > 0) keepAlive ??= setInterval(() => {}, 60_000);
    else if (keepAlive !== undefined) {
      clearInterval(keepAlive);
      keepAlive = undefined;
    }
  };
  return {
    setTimeout(fn, ms) {
      const t = { due: now + ms, seq: seq++, fn };
      queue.push(t);
      track();
      return t;
    },
    clearTimeout(handle) {
      const i = queue.indexOf(handle as (typeof queue)[number]);
      if (i >= 0) queue.splice(i, 1);
      track();
    },
    now: () => now,
    advance(ms) {
      const end = now + ms;
      for (;;) {
        queue.sort((a, b) => a.due - b.due || a.seq - b.seq);
        const next = queue[0];
        if (next === undefined || next.due > end) break;
        queue.shift();
        now = next.due;
        next.fn();
      }
      now = end;
      track();
    },
    pending: () => queue.map((t) => t.due - now),
  };
}
