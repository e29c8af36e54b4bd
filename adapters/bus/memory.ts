// The in-process bus: the embedded default, nothing to install. Delivery is asynchronous (a
// microtask later), like NATS, and each subscriber gets its own copy of the payload (structuredClone),
// as if it had crossed the wire, so code that works here does not depend on sharing objects. A payload
// the publisher hands over (PublishOptions.handOver: the login request and reply, built for their one
// message) is frozen instead, deeply, and that one object delivered: nobody can change it any more, so
// no subscriber sees another's or the publisher's later writes, at a fifth of a clone's cost.
//
// Subscriptions to plain subjects are kept in a map by subject: every login subscribes to its own
// reply subject, so with thousands of logins waiting on pushes a publish must not walk them all (it
// did: O(logins) per message). Wildcard subscriptions (few: event observers) are matched one by one.
import type { Bus, PublishOptions, SubscribeOptions, Subscription } from './types.ts';
import { subjectMatches } from './wildcards.ts';

const isWildcard = (pattern: string) => pattern.includes('*') || pattern.includes('>');

/**
 * Freezes a JSON value and everything in it. False when it holds something else (a Buffer or other
 * typed array cannot be frozen; a Map, Date or class instance is not what the wire carries): such a
 * payload is cloned per delivery as before. Bus payloads are plain JSON values (types.ts): no cycles.
 */
export function deepFreeze(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return true;
  const proto = Object.getPrototypeOf(v) as unknown;
  // Arrays by index, and no call for a primitive member: ~0.45 µs for a login's request and reply (was 0.8).
  if (proto === Array.prototype) {
    const list = v as unknown[];
    Object.freeze(list);
    for (let i = 0; i < list.length; i++) {
      const x = list[i];
      if (typeof x === 'object' && x !== null && !deepFreeze(x)) return false;
    }
    return true;
  }
  if (proto !== Object.prototype && proto !== null) return false;
  Object.freeze(v);
  for (const k in v) {
    const x = (v as Record<string, unknown>)[k];
    if (typeof x === 'object' && x !== null && !deepFreeze(x)) return false;
  }
  return true;
}

/**
 * Plain-subject subscribers by subject, and how many of those subjects have each length: a subject of a
 * length nobody subscribed to is answered without hashing it. hasSubscribers is asked about every login
 * event's subject, a fresh ~76-character string nobody subscribes to; hashing it cost ~0.16 µs, 4 per login.
 */
class ExactSubscribers {
  readonly #bySubject = new Map<string, Sub[]>();
  readonly #lengths = new Map<number, number>();

  get(subject: string): Sub[] | undefined {
    return this.#lengths.has(subject.length) ? this.#bySubject.get(subject) : undefined;
  }

  add(s: Sub): void {
    const list = this.#bySubject.get(s.pattern);
    if (list) return void list.push(s);
    this.#bySubject.set(s.pattern, [s]);
    this.#lengths.set(s.pattern.length, (this.#lengths.get(s.pattern.length) ?? 0) + 1);
  }

  remove(s: Sub): void {
    const list = this.#bySubject.get(s.pattern);
    const i = list?.indexOf(s) ?? -1;
    if (list === undefined || i < 0) return;
    list.splice(i, 1);
    if (list.length > 0) return;
    this.#bySubject.delete(s.pattern);
    const left = (this.#lengths.get(s.pattern.length) ?? 1) - 1;
    if (left > 0) this.#lengths.set(s.pattern.length, left);
    else this.#lengths.delete(s.pattern.length);
  }

  lists(): Sub[][] {
    return [...this.#bySubject.values()];
  }

  clear(): void {
    this.#bySubject.clear();
    this.#lengths.clear();
  }
}

interface Subscribers {
  readonly exact: ExactSubscribers;
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
    if (!isWildcard(this.pattern)) return exact.remove(this);
    const i = wild.indexOf(this);
    if (i >= 0) wild.splice(i, 1);
  }
}

export function createMemoryBus(opts: { onError?: (err: unknown, subject: string) => void } = {}): Bus {
  const exact = new ExactSubscribers();
  const wild: Sub[] = [];
  const subscribers: Subscribers = { exact, wild };
  const rr = new Map<string, number>(); // round-robin position per queue group
  let closed = false;

  /** `shared`: the payload is frozen and goes to every subscriber as it is; otherwise each gets a copy,
   *  taken now, as NATS serializes at publish: a write the publisher makes after publish reaches no one. */
  const deliver = (s: Sub, payload: unknown, subject: string, shared: boolean) => {
    let copy: unknown;
    let cloneError: unknown;
    try {
      copy = shared ? payload : structuredClone(payload);
    } catch (err) {
      cloneError = err;
    }
    queueMicrotask(() => {
      if (!s.active) return;
      try {
        if (cloneError !== undefined) throw cloneError;
        s.handler(copy, subject);
      } catch (err) {
        opts.onError?.(err, subject);
      }
    });
  };

  /** Plain subscribers get the message; each queue group gives it to one member, in turn. */
  const offer = (matching: readonly Sub[], payload: unknown, subject: string, shared: boolean) => {
    // One subscriber (a login's reply subject; the one engine of a process): no grouping to do.
    if (matching.length === 1) {
      const s = matching[0]!;
      // A group of one took its turn 0: the next turn is 1, as the general path below records it.
      if (s.queue !== undefined) rr.set(`${s.pattern}\0${s.queue}`, 1);
      deliver(s, payload, subject, shared);
      return;
    }
    let groups: Map<string, Sub[]> | undefined;
    for (const s of matching) {
      if (s.queue === undefined) {
        deliver(s, payload, subject, shared);
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
      deliver(members[i]!, payload, subject, shared);
    }
  };

  return {
    kind: 'memory',
    publish(subject, payload, o?: PublishOptions) {
      if (closed) return;
      const plain = exact.get(subject);
      const matching = wild.length > 0 ? wild.filter((s) => subjectMatches(s.pattern, subject)) : undefined;
      if (plain === undefined && !matching?.length) return;
      const shared = o?.handOver === true && deepFreeze(payload);
      if (plain) offer(plain, payload, subject, shared);
      if (matching?.length) offer(matching, payload, subject, shared);
    },
    subscribe(subject, handler, o: SubscribeOptions = {}): Subscription {
      const s = new Sub(subject, o.queue, handler, subscribers);
      if (isWildcard(subject)) wild.push(s);
      else exact.add(s);
      return s;
    },
    hasSubscribers(subject) {
      return exact.get(subject) !== undefined || wild.some((s) => subjectMatches(s.pattern, subject));
    },
    async flush() {
      await new Promise<void>((r) => setImmediate(r));
    },
    async close() {
      closed = true;
      await new Promise<void>((r) => setImmediate(r));
      for (const list of [...exact.lists(), wild]) for (const s of list) s.active = false;
      exact.clear();
      wild.length = 0;
    },
  };
}
