// A few bound service-account connections to one directory host, shared by concurrent logins. LDAP
// multiplexes requests by message id, so a connection is never checked out exclusively: a login takes
// the least busy one and a new one is opened only while every connection is busy and the pool is below
// its size. A connection that closes (directory restart, idle timeout, operation timeout) leaves the
// pool by itself; one that fails mid-search is discarded by the caller, who retries once.
import * as net from 'node:net';
import { Client } from 'ldapts';
import { untilAborted } from './abort.ts';
import type { OpenResult } from './session.ts';
import { closeSession } from './session.ts';

export type Lease =
  | { ok: true; client: Client; release(): void; discard(): void }
  | { ok: false; kind: 'network' | 'rejected'; message: string }
  | { ok: false; kind: 'aborted' };

interface Slot {
  ready: Promise<{ ok: true; client: Client } | Exclude<OpenResult, { ok: true }>>;
  inflight: number;
  dead: boolean;
  socket?: net.Socket;
  client?: Client;
}

export interface ServicePoolOptions {
  size: number;
  /** Bounds opening a connection, and every ldapts operation on it (ldapts then drops the socket). */
  timeoutMs: number;
  /** Opens and binds one service connection. */
  open(signal: AbortSignal): Promise<OpenResult>;
}

export class ServicePool {
  private slots: Slot[] = [];
  private closed = false;
  /** Aborts connections still being opened when the pool closes. */
  private readonly closing = new AbortController();

  constructor(private readonly opts: ServicePoolOptions) {}

  /** A bound connection, or why none could be had. Resolves early with `aborted` on `signal`. */
  async acquire(signal: AbortSignal): Promise<Lease> {
    if (this.closed) return { ok: false, kind: 'network', message: 'client closed' };
    this.slots = this.slots.filter((s) => !s.dead);
    let slot = this.slots.reduce<Slot | undefined>((best, s) => (best && best.inflight <= s.inflight ? best : s), undefined);
    if (!slot || (slot.inflight > 0 && this.slots.length < this.opts.size)) slot = this.openSlot();
    slot.inflight++;
    // `ready` never rejects: a rejection here is the signal aborting.
    const r = await untilAborted(slot.ready, signal).catch(() => ({ ok: false, kind: 'aborted' }) as const);
    if (!r.ok) {
      slot.inflight--;
      if (r.kind === 'aborted') return { ok: false, kind: 'aborted' };
      return { ok: false, kind: r.kind, message: r.message };
    }
    const s = slot;
    let done = false;
    return {
      ok: true,
      client: r.client,
      release: () => {
        if (!done) s.inflight--;
        done = true;
      },
      discard: () => {
        if (!done) s.inflight--;
        done = true;
        this.kill(s);
      },
    };
  }

  /** Unbinds and closes every connection. */
  async close(): Promise<void> {
    this.closed = true;
    this.closing.abort();
    const slots = this.slots;
    this.slots = [];
    await Promise.all(slots.map((s) => s.ready.then(() => this.kill(s))));
  }

  /** Number of live connections (for tests and metrics). */
  get size(): number {
    return this.slots.filter((s) => !s.dead && s.socket !== undefined).length;
  }

  private openSlot(): Slot {
    const slot: Slot = { inflight: 0, dead: false, ready: undefined as never };
    slot.ready = this.opts.open(AbortSignal.any([AbortSignal.timeout(this.opts.timeoutMs), this.closing.signal])).then((r) => {
      if (!r.ok) {
        slot.dead = true;
        return r;
      }
      if (this.closed || slot.dead) {
        closeSession(r.socket);
        slot.dead = true;
        return { ok: false, kind: 'network', message: 'client closed' } as const;
      }
      slot.socket = r.socket;
      r.socket.once('close', () => {
        slot.dead = true;
      });
      slot.client = handOver(r.socket, this.opts.timeoutMs);
      return { ok: true, client: slot.client } as const;
    });
    this.slots.push(slot);
    return slot;
  }

  private kill(slot: Slot): void {
    slot.dead = true;
    this.slots = this.slots.filter((s) => s !== slot);
    if (slot.socket) closeSession(slot.socket);
  }
}

/** An ldapts Client that talks over a socket we connected, secured and bound ourselves. If ldapts
 *  ever tries to reconnect (the socket died between two operations) it gets a socket that fails at
 *  once: a service connection must never come back unauthenticated. */
function handOver(socket: net.Socket, timeoutMs: number): Client {
  let first = true;
  const createConnection = (): net.Socket => {
    if (first) {
      first = false;
      return socket;
    }
    const dead = new net.Socket();
    process.nextTick(() => dead.destroy(new Error('service connection closed')));
    return dead;
  };
  // The host and port in the URL are never dialled; createConnection supplies the socket.
  return new Client({ url: 'ldap://127.0.0.1', timeout: timeoutMs, createConnection: createConnection as typeof net.connect });
}
