// The bus across worker threads of one process ([main] engine_threads, docs/scaling.md): the main
// thread keeps the hub (the in-process bus), each worker thread gets a Bus that forwards to it over a
// MessagePort. Payloads cross by postMessage (structured clone), the same copy the memory bus makes
// for every subscriber, so nothing that works on the memory bus depends on sharing objects.
//
// Queue groups are the hub's: a worker's queue subscription is one member of the group on the hub, so
// the hub's round-robin spreads login requests over the workers.
//
// hasSubscribers must be answered synchronously in the worker (the engine asks it for every login to
// decide whether to pay for XState inspection), so the hub pushes the set of subscribed subjects and
// patterns to every worker when it changes, batched once per event-loop turn. A worker's view lags by
// at most that turn; `flush()` in a worker waits for it (the hub answers the flush after pushing).
import type { MessagePort } from 'node:worker_threads';
import type { Bus, SubscribeOptions, Subscription } from './types.ts';
import { subjectMatches } from './wildcards.ts';

/** Worker → hub. */
type Up =
  | { t: 'sub'; id: number; subject: string; queue: string | undefined }
  | { t: 'unsub'; id: number }
  | { t: 'pub'; subject: string; payload: unknown }
  | { t: 'ping'; id: number }
  | { t: 'close' };

/** Hub → worker. `all`: the hub's bus cannot tell (NATS), so every subject may have subscribers. */
type Down =
  | { t: 'msg'; id: number; subject: string; payload: unknown }
  | { t: 'pong'; id: number }
  | { t: 'interest'; all?: boolean; reset?: boolean; add: string[]; remove: string[] }
  | { t: 'closed' };

const isWildcard = (pattern: string) => pattern.includes('*') || pattern.includes('>');

export interface BusHub {
  /** The hub bus for main-thread users (listeners, observers): the inner bus, with subscriptions
   *  counted so that workers learn about them. */
  bus: Bus;
  /** Serves one worker's port until detach() or until the port closes (the worker ended). */
  attach(port: MessagePort): { detach(): void };
}

export function createBusHub(inner: Bus): BusHub {
  const known = typeof inner.hasSubscribers === 'function';
  const counts = new Map<string, number>();
  const told = new Set<string>(); // what the workers have been sent
  const dirty = new Set<string>();
  const ports = new Set<MessagePort>();
  let scheduled = false;

  const pushInterest = () => {
    scheduled = false;
    if (dirty.size === 0) return;
    const add: string[] = [];
    const remove: string[] = [];
    for (const p of dirty) {
      if (counts.has(p) && !told.has(p)) {
        told.add(p);
        add.push(p);
      } else if (!counts.has(p) && told.has(p)) {
        told.delete(p);
        remove.push(p);
      }
    }
    dirty.clear();
    if (add.length === 0 && remove.length === 0) return;
    const m: Down = { t: 'interest', add, remove };
    for (const port of ports) port.postMessage(m);
  };
  const changed = (pattern: string) => {
    // With no worker attached there is nobody to tell; attach() sends the whole set.
    if (!known || ports.size === 0) return;
    dirty.add(pattern);
    if (!scheduled) {
      scheduled = true;
      setImmediate(pushInterest);
    }
  };

  const subscribe = (subject: string, handler: (payload: unknown, subject: string) => void, o?: SubscribeOptions): Subscription => {
    const inner_ = inner.subscribe(subject, handler, o);
    const n = counts.get(subject) ?? 0;
    counts.set(subject, n + 1);
    if (n === 0) changed(subject);
    let active = true;
    return {
      unsubscribe() {
        if (!active) return;
        active = false;
        inner_.unsubscribe();
        const left = (counts.get(subject) ?? 1) - 1;
        if (left > 0) counts.set(subject, left);
        else {
          counts.delete(subject);
          changed(subject);
        }
      },
    };
  };

  const bus: Bus = {
    kind: inner.kind,
    publish: (subject, payload, opts) => inner.publish(subject, payload, opts),
    subscribe,
    flush: () => inner.flush(),
    close: async () => {
      for (const port of [...ports]) port.close();
      await inner.close();
    },
    ...(known ? { hasSubscribers: (subject: string) => inner.hasSubscribers!(subject) } : {}),
  };

  const attach = (port: MessagePort) => {
    const subs = new Map<number, Subscription>();
    let attached = true;
    const send = (m: Down) => {
      if (attached) port.postMessage(m);
    };
    const detach = () => {
      if (!attached) return;
      attached = false;
      ports.delete(port);
      // A worker that is gone must leave its queue groups, or the hub would keep handing it logins.
      for (const s of subs.values()) s.unsubscribe();
      subs.clear();
      port.off('message', onMessage);
      port.close();
    };
    const onMessage = (m: Up) => {
      switch (m.t) {
        case 'sub':
          subs.set(
            m.id,
            subscribe(m.subject, (payload, subject) => send({ t: 'msg', id: m.id, subject, payload }), m.queue === undefined ? {} : { queue: m.queue }),
          );
          break;
        case 'unsub':
          subs.get(m.id)?.unsubscribe();
          subs.delete(m.id);
          break;
        case 'pub':
          inner.publish(m.subject, m.payload);
          break;
        case 'ping':
          // Everything this worker sent before the ping is on the hub now; push pending interest
          // changes first so that the worker's hasSubscribers is current when its flush resolves.
          pushInterest();
          send({ t: 'pong', id: m.id });
          break;
        case 'close':
          send({ t: 'closed' });
          detach();
          break;
      }
    };
    // The ports already attached get the pending changes; the new one starts from the whole set, and
    // from here on every port is told the same diffs.
    pushInterest();
    told.clear();
    for (const p of counts.keys()) told.add(p);
    ports.add(port);
    port.on('message', onMessage);
    port.once('close', detach);
    send(known ? { t: 'interest', reset: true, add: [...told], remove: [] } : { t: 'interest', all: true, add: [], remove: [] });
    return { detach };
  };

  return { bus, attach };
}

/** The worker thread's Bus over a port attached to the hub with `attach`. */
export function connectWorkerBus(port: MessagePort, opts: { onError?: (err: unknown, subject: string) => void } = {}): Bus {
  interface Local {
    subject: string;
    handler: (payload: unknown, subject: string) => void;
    active: boolean;
  }
  const local = new Map<number, Local>();
  const localCounts = new Map<string, number>();
  // The hub's interest, as last pushed.
  let all = false;
  const exact = new Set<string>();
  const wild = new Set<string>();
  const pings = new Map<number, () => void>();
  let closedAck: (() => void) | undefined;
  let nextId = 1;
  let closed = false;

  const post = (m: Up) => port.postMessage(m);
  const matchesSet = (subject: string) => {
    if (exact.has(subject)) return true;
    for (const p of wild) if (subjectMatches(p, subject)) return true;
    return false;
  };

  port.on('message', (m: Down) => {
    switch (m.t) {
      case 'msg': {
        const s = local.get(m.id);
        if (!s?.active) return; // unsubscribed while the message was on its way
        try {
          s.handler(m.payload, m.subject);
        } catch (err) {
          opts.onError?.(err, m.subject);
        }
        break;
      }
      case 'pong':
        pings.get(m.id)?.();
        pings.delete(m.id);
        break;
      case 'interest':
        if (m.all) all = true;
        if (m.reset) {
          exact.clear();
          wild.clear();
        }
        for (const p of m.remove) (isWildcard(p) ? wild : exact).delete(p);
        for (const p of m.add) (isWildcard(p) ? wild : exact).add(p);
        break;
      case 'closed':
        closedAck?.();
        break;
    }
  });
  // The hub is gone (main thread stopping): nothing more will arrive.
  port.once('close', () => {
    closed = true;
    for (const r of pings.values()) r();
    pings.clear();
    closedAck?.();
  });

  return {
    kind: 'worker-bridge',
    publish(subject, payload) {
      if (closed) return;
      post({ t: 'pub', subject, payload });
    },
    subscribe(subject, handler, o: SubscribeOptions = {}): Subscription {
      const id = nextId++;
      const s: Local = { subject, handler, active: !closed };
      if (closed) return { unsubscribe: () => undefined };
      local.set(id, s);
      localCounts.set(subject, (localCounts.get(subject) ?? 0) + 1);
      post({ t: 'sub', id, subject, queue: o.queue });
      return {
        unsubscribe() {
          if (!s.active) return;
          s.active = false;
          local.delete(id);
          const left = (localCounts.get(subject) ?? 1) - 1;
          if (left > 0) localCounts.set(subject, left);
          else localCounts.delete(subject);
          if (!closed) post({ t: 'unsub', id });
        },
      };
    },
    hasSubscribers(subject) {
      if (all || matchesSet(subject)) return true;
      // Our own subscriptions count at once, before the hub's push comes back.
      for (const p of localCounts.keys()) if (subjectMatches(p, subject)) return true;
      return false;
    },
    async flush() {
      if (closed) return;
      const id = nextId++;
      await new Promise<void>((resolve) => {
        pings.set(id, resolve);
        post({ t: 'ping', id });
      });
    },
    async close() {
      if (closed) return;
      const acked = new Promise<void>((resolve) => (closedAck = resolve));
      // Publishes made before close() are ahead of this message on the port: the hub has them first.
      post({ t: 'close' });
      closed = true;
      for (const s of local.values()) s.active = false;
      local.clear();
      localCounts.clear();
      await acked;
      port.close();
    },
  };
}
