// The challenge store across worker threads of one process ([main] engine_threads): the main thread
// owns the store (memory.ts), each worker thread gets a ChallengeStore that asks it over a MessagePort.
// A challenge issued by one thread can so be answered by any other.
//
// Consume-once stays atomic: every put and take, from whichever thread, runs on the main thread's
// event loop one message at a time, and the memory store's take does not yield between its check and
// its delete.
import type { MessagePort } from 'node:worker_threads';
import type { ChallengeRecord, ChallengeRequester, ChallengeStore, TakeResult } from './types.ts';

type Op = { t: 'put'; record: ChallengeRecord } | { t: 'take'; state: string; who: ChallengeRequester };
type Request = Op & { id: number };

/** Only the error's message crosses: the store's errors carry no secrets, and an Error with a cause
 *  chain need not survive structured clone. */
type Response = { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string };

/** Answers one worker's requests from `store` until detach() or until the port closes. The store stays
 *  open: it belongs to the main thread. */
export function serveStore(store: ChallengeStore, port: MessagePort): { detach(): void } {
  let attached = true;
  const answer = (r: Response) => {
    if (attached) port.postMessage(r);
  };
  const onMessage = (m: Request) => {
    const op = m.t === 'put' ? store.put(m.record) : store.take(m.state, m.who);
    (op as Promise<unknown>).then(
      (value) => answer({ id: m.id, ok: true, value }),
      (err: unknown) => answer({ id: m.id, ok: false, message: err instanceof Error ? err.message : String(err) }),
    );
  };
  const detach = () => {
    if (!attached) return;
    attached = false;
    port.off('message', onMessage);
    port.close();
  };
  port.on('message', onMessage);
  port.once('close', detach);
  return { detach };
}

/** The worker thread's ChallengeStore over a port served by `serveStore`. */
export function connectWorkerStore(port: MessagePort): ChallengeStore {
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const inflight = new Set<Promise<unknown>>();
  let nextId = 1;
  let closed = false;

  port.on('message', (r: Response) => {
    const p = pending.get(r.id);
    if (!p) return;
    pending.delete(r.id);
    if (r.ok) p.resolve(r.value);
    else p.reject(new Error(r.message));
  });
  // The main thread is gone: nothing will answer. Failing is right; a store failure is never turned
  // into "Unknown Challenge" by the engine.
  port.once('close', () => {
    closed = true;
    for (const p of pending.values()) p.reject(new Error('challenge store: main thread gone'));
    pending.clear();
  });

  const call = <T>(m: Op): Promise<T> => {
    if (closed) return Promise.reject(new Error('challenge store closed'));
    const id = nextId++;
    const p = new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      port.postMessage({ ...m, id } satisfies Request);
    });
    inflight.add(p);
    const forget = () => inflight.delete(p);
    p.then(forget, forget);
    return p;
  };

  return {
    kind: 'worker-bridge',
    async put(record) {
      await call<void>({ t: 'put', record });
    },
    take: (state, who) => call<TakeResult>({ t: 'take', state, who }),
    async close() {
      if (closed) return;
      closed = true;
      // Answers already asked for still arrive; only then the port goes.
      await Promise.allSettled([...inflight]);
      port.close();
    },
  };
}
