// The in-process bus: the embedded default, nothing to install. Delivery is asynchronous (a
// microtask later), like NATS, and each subscriber gets its own copy of the payload (structuredClone),
// as if it had crossed the wire, so code that works here does not depend on sharing objects.
//
// Subscriptions to plain subjects are kept in a map by subject: every login subscribes to its own
// reply subject, so with thousands of logins waiting on pushes a publish must not walk them all (it
// did: O(logins) per message). Wildcard subscriptions (few: event observers) are matched one by one.
import type { Bus, SubscribeOptions, Subscription } from './types.ts';
import { subjectMatches } from './wildcards.ts';

const isWildcard = (pattern: string) => pattern.includes('*') || pattern.includes('>');

interface Subscribers {
  readonly exact: Map<string, Sub[]>;
  readonly wild: Sub[];
}

/** A subscriber, and its own Subscription: every login waiting on a push holds one (its reply subject),
 *  so unsubscribe is a method rather than a closure per subscription. */
class Sub implements Subscription {
  active = true;
  constructor(
    readonly pattern: string,
    readonly queue: string | undefined,
    readonly handler: (payload: unknown, subject: string) => void,
    private readonly subscribers: Subscribers,
  ) {}

  unsubscribe(): void {
    if (!this.active) return;
    this.active = false;
    const { exact, wild } = this.subscribers;
    const list = isWildcard(this.pattern) ? wild : exact.get(this.pattern);
    const i = list?.indexOf(this) ?? -1;
    if (list && i >= 0) list.splice(i, 1);
    if (list && list.length === 0 && list !== wild) exact.delete(this.pattern);
  }
}

export function createMemoryBus(opts: { onError?: (err: unknown, subject: string) => void } = {}): Bus {
  const exact = new Map<string, Sub[]>();
  const wild: Sub[] = [];
  const subscribers: Subscribers = { exact, wild };
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
      const s = new Sub(subject, o.queue, handler, subscribers);
      if (isWildcard(subject)) wild.push(s);
      else {
        const list = exact.get(subject);
        if (list) list.push(s);
        else exact.set(subject, [s]);
      }
      return s;
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
