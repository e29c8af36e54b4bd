// The in-process bus: the embedded default, nothing to install. Delivery is asynchronous (a
// microtask later), like NATS, and each subscriber gets its own copy of the payload (structuredClone),
// as if it had crossed the wire, so code that works here does not depend on sharing objects.
//
// Subscriptions to plain subjects are kept in a map by subject: every login subscribes to its own
// reply subject, so with thousands of logins waiting on pushes a publish must not walk them all (it
// did: O(logins) per message). Wildcard subscriptions (few: event observers) are matched one by one.
import type { Bus, SubscribeOptions, Subscription } from './types.ts';
import { subjectMatches } from './wildcards.ts';

interface Sub {
  readonly pattern: string;
  readonly queue: string | undefined;
  readonly handler: (payload: unknown, subject: string) => void;
  active: boolean;
}

const isWildcard = (pattern: string) => pattern.includes('*') || pattern.includes('>');

export function createMemoryBus(opts: { onError?: (err: unknown, subject: string) => void } = {}): Bus {
  const exact = new Map<string, Sub[]>();
  const wild: Sub[] = [];
  const rr = new Map<string, number>(); // round-robin position per queue group
  let closed = false;

  const deliver = (s: Sub, payload: unknown, subject: string) => {
    queueMicrotask(() => {
      if (!s.active) return;
      try {
        s.handler(structuredClone(payload), subject);
      } catch (err) {
        opts.onError?.(err, subject);
      }
    });
  };

  /** Plain subscribers get the message; each queue group gives it to one member, in turn. */
  const offer = (matching: readonly Sub[], payload: unknown, subject: string) => {
    let groups: Map<string, Sub[]> | undefined;
    for (const s of matching) {
      if (s.queue === undefined) {
        deliver(s, payload, subject);
        continue;
      }
      groups ??= new Map();
      const key = `${s.pattern}\0${s.queue}`;
      const members = groups.get(key);
      if (members) members.push(s);
      else groups.set(key, [s]);
    }
    if (groups === undefined) return;
    for (const [key, members] of groups) {
      const i = (rr.get(key) ?? 0) % members.length;
      rr.set(key, i + 1);
      deliver(members[i]!, payload, subject);
    }
  };

  return {
    kind: 'memory',
    publish(subject, payload) {
      if (closed) return;
      const plain = exact.get(subject);
      if (plain) offer(plain, payload, subject);
      if (wild.length > 0) {
        const matching = wild.filter((s) => subjectMatches(s.pattern, subject));
        if (matching.length > 0) offer(matching, payload, subject);
      }
    },
    subscribe(subject, handler, o: SubscribeOptions = {}): Subscription {
      const s: Sub = { pattern: subject, queue: o.queue, handler, active: true };
      if (isWildcard(subject)) wild.push(s);
      else {
        const list = exact.get(subject);
        if (list) list.push(s);
        else exact.set(subject, [s]);
      }
      return {
        unsubscribe: () => {
          if (!s.active) return;
          s.active = false;
          const list = isWildcard(subject) ? wild : exact.get(subject);
          const i = list?.indexOf(s) ?? -1;
          if (list && i >= 0) list.splice(i, 1);
          if (list && list.length === 0 && list !== wild) exact.delete(subject);
        },
      };
    },
    hasSubscribers(subject) {
      return exact.has(subject) || wild.some((s) => subjectMatches(s.pattern, subject));
    },
    async flush() {
      await new Promise<void>((r) => setImmediate(r));
    },
    async close() {
      closed = true;
      await new Promise<void>((r) => setImmediate(r));
      for (const list of [...exact.values(), wild]) for (const s of list) s.active = false;
      exact.clear();
      wild.length = 0;
    },
  };
}
