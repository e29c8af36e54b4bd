// The in-process bus: the embedded default, nothing to install. Delivery is asynchronous (a
// microtask later), like NATS, so code that works here does not depend on synchronous delivery.
import type { Bus, SubscribeOptions, Subscription } from './types.ts';
import { subjectMatches } from './wildcards.ts';

interface Sub {
  pattern: string;
  queue: string | undefined;
  handler: (payload: unknown, subject: string) => void;
}

export function createMemoryBus(opts: { onError?: (err: unknown, subject: string) => void } = {}): Bus {
  const subs = new Set<Sub>();
  const rr = new Map<string, number>(); // round-robin position per queue group
  let closed = false;
  const deliver = (s: Sub, payload: unknown, subject: string) => {
    queueMicrotask(() => {
      if (!subs.has(s)) return;
      try {
        s.handler(structuredClone(payload), subject);
      } catch (err) {
        opts.onError?.(err, subject);
      }
    });
  };
  return {
    kind: 'memory',
    publish(subject, payload) {
      if (closed) return;
      const groups = new Map<string, Sub[]>();
      for (const s of subs) {
        if (!subjectMatches(s.pattern, subject)) continue;
        if (s.queue === undefined) deliver(s, payload, subject);
        else groups.set(`${s.pattern}\0${s.queue}`, [...(groups.get(`${s.pattern}\0${s.queue}`) ?? []), s]);
      }
      for (const [key, members] of groups) {
        const i = (rr.get(key) ?? 0) % members.length;
        rr.set(key, i + 1);
        deliver(members[i]!, payload, subject);
      }
    },
    subscribe(subject, handler, o: SubscribeOptions = {}): Subscription {
      const s: Sub = { pattern: subject, queue: o.queue, handler };
      subs.add(s);
      return { unsubscribe: () => void subs.delete(s) };
    },
    hasSubscribers(subject) {
      for (const s of subs) if (subjectMatches(s.pattern, subject)) return true;
      return false;
    },
    async flush() {
      await new Promise<void>((r) => setImmediate(r));
    },
    async close() {
      closed = true;
      await new Promise<void>((r) => setImmediate(r));
      subs.clear();
    },
  };
}
