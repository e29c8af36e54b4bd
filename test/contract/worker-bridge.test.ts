// The bridges of [main] engine_threads (adapters/bus/worker-bridge.ts, adapters/store/worker-bridge.ts)
// against the same contracts as the memory and NATS implementations. The suites need every bus in the
// test's own thread, so they run over MessageChannel pairs (the same ports a worker gets, without the
// thread); the tests after them put the bridged side in real worker threads.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MessageChannel, Worker } from 'node:worker_threads';
import { callEngine } from '../../adapters/bus/login-rpc.ts';
import { createMemoryBus } from '../../adapters/bus/memory.ts';
import type { Bus } from '../../adapters/bus/types.ts';
import { type BusHub, connectWorkerBus, createBusHub } from '../../adapters/bus/worker-bridge.ts';
import { createMemoryStore } from '../../adapters/store/memory.ts';
import type { ChallengeStore, TakeResult } from '../../adapters/store/types.ts';
import { connectWorkerStore, serveStore } from '../../adapters/store/worker-bridge.ts';
import { busContract } from './bus-contract.ts';
import type { PeerCommand, PeerOp } from './worker-bridge-peer.ts';
import { record, storeContract, WHO } from './store-contract.ts';

/** A hub on a memory bus with `n` bridged buses attached over MessageChannels. */
function bridgedBuses(n: number): { hub: BusHub; workers: Bus[] } {
  const hub = createBusHub(createMemoryBus());
  const workers = Array.from({ length: n }, () => {
    const ch = new MessageChannel();
    hub.attach(ch.port1);
    return connectWorkerBus(ch.port2);
  });
  return { hub, workers };
}

// The publisher is the hub (the listener's side), the subscribers are bridged (the engines' side).
let current: { hub: BusHub; workers: Bus[] } | undefined;
busContract(
  'worker-bridge',
  async () => {
    current = bridgedBuses(2);
    return [current.hub.bus, ...current.workers];
  },
  async () => {
    for (const w of current?.workers ?? []) await w.close();
    await current?.hub.bus.close();
  },
);

// And the other way round: a bridged publisher, hub-side subscribers.
let reversed: { hub: BusHub; workers: Bus[] } | undefined;
busContract(
  'worker-bridge, bridged publisher',
  async () => {
    reversed = bridgedBuses(1);
    return [reversed.workers[0]!, reversed.hub.bus, reversed.hub.bus];
  },
  async () => {
    await reversed?.workers[0]!.close();
    await reversed?.hub.bus.close();
  },
);

storeContract('worker-bridge', async () => {
  const owner = createMemoryStore();
  const ch = new MessageChannel();
  serveStore(owner, ch.port1);
  const bridged = connectWorkerStore(ch.port2);
  // The suite closes what it was given; the owner (main thread's store) goes with it here.
  return { ...bridged, kind: bridged.kind, close: async () => (await bridged.close(), await owner.close()) } satisfies ChallengeStore;
});

describe('worker-bridge – hasSubscribers in a worker follows the hub', () => {
  test('worker-bridge – wildcard and exact subscriptions on the hub, and their removal, reach the worker', async () => {
    const { hub, workers } = bridgedBuses(1);
    const w = workers[0]!;
    try {
      await w.flush();
      assert.equal(w.hasSubscribers!('authproxy.events.srv.L1'), false, 'nobody listens yet');
      const observer = hub.bus.subscribe('authproxy.events.>', () => undefined);
      const exact = hub.bus.subscribe('authproxy.login.reply.L9', () => undefined);
      await w.flush();
      assert.equal(w.hasSubscribers!('authproxy.events.srv.L1'), true);
      assert.equal(w.hasSubscribers!('authproxy.login.reply.L9'), true);
      assert.equal(w.hasSubscribers!('authproxy.login.reply.L8'), false);
      observer.unsubscribe();
      exact.unsubscribe();
      await w.flush();
      assert.equal(w.hasSubscribers!('authproxy.events.srv.L1'), false);
      assert.equal(w.hasSubscribers!('authproxy.login.reply.L9'), false);
    } finally {
      await w.close();
      await hub.bus.close();
    }
  });

  test('worker-bridge – a late worker gets the whole set; its own and its siblings\' subscriptions count', async () => {
    const hub = createBusHub(createMemoryBus());
    const early = hub.bus.subscribe('a.*.c', () => undefined);
    const [c1, c2] = [new MessageChannel(), new MessageChannel()];
    hub.attach(c1.port1);
    const w1 = connectWorkerBus(c1.port2);
    w1.subscribe('mine.x', () => undefined);
    assert.equal(w1.hasSubscribers!('mine.x'), true, 'its own subscription counts before the hub answers');
    await w1.flush();
    hub.attach(c2.port1);
    const w2 = connectWorkerBus(c2.port2);
    try {
      await w2.flush();
      assert.equal(w2.hasSubscribers!('a.b.c'), true);
      assert.equal(w2.hasSubscribers!('mine.x'), true, "a sibling worker's subscription is on the hub");
      assert.equal(w2.hasSubscribers!('a.b.d'), false);
    } finally {
      early.unsubscribe();
      await w1.close();
      await w2.close();
      await hub.bus.close();
    }
  });

  test('worker-bridge – a closed worker leaves its queue group: the next message goes to the one left', async () => {
    const { hub, workers } = bridgedBuses(2);
    const [w1, w2] = workers as [Bus, Bus];
    const got: string[] = [];
    const second = new Promise<void>((resolve) => {
      w1.subscribe('work', () => got.push('w1'), { queue: 'engines' });
      w2.subscribe('work', () => (got.push('w2'), resolve()), { queue: 'engines' });
    });
    await Promise.all([w1.flush(), w2.flush()]);
    await w1.close();
    for (let i = 0; i < 3; i++) hub.bus.publish('work', { i });
    await second;
    await w2.flush();
    try {
      assert.deepEqual(got, ['w2', 'w2', 'w2']);
    } finally {
      await w2.close();
      await hub.bus.close();
    }
  });
});

/** A real worker thread running worker-bridge-peer.ts with its bridged bus and store. */
async function startPeer(hub: BusHub, store: ChallengeStore) {
  const [bus, st] = [new MessageChannel(), new MessageChannel()];
  hub.attach(bus.port1);
  serveStore(store, st.port1);
  const worker = new Worker(new URL('../../engine/ts-worker.js', import.meta.url), {
    workerData: { tsModule: new URL('./worker-bridge-peer.ts', import.meta.url).href, busPort: bus.port2, storePort: st.port2 },
    transferList: [bus.port2, st.port2],
  });
  const waiting = new Map<number, (v: unknown) => void>();
  worker.on('message', (m: { n: number; result: unknown }) => {
    waiting.get(m.n)?.(m.result);
    waiting.delete(m.n);
  });
  let n = 0;
  await new Promise((resolve) => waiting.set(0, resolve));
  const ask = <T>(c: PeerOp): Promise<T> =>
    new Promise<T>((resolve) => {
      const id = ++n;
      waiting.set(id, resolve as (v: unknown) => void);
      worker.postMessage({ ...c, n: id } satisfies PeerCommand);
    });
  return {
    ask,
    async stop() {
      await ask({ cmd: 'close' });
      await worker.terminate();
    },
  };
}

describe('worker-bridge – real worker threads', () => {
  const hub = createBusHub(createMemoryBus());
  const store = createMemoryStore();
  let peers: Awaited<ReturnType<typeof startPeer>>[] = [];
  before(async () => {
    peers = await Promise.all([startPeer(hub, store), startPeer(hub, store)]);
  });
  after(async () => {
    await Promise.all(peers.map((p) => p.stop()));
    await hub.bus.close();
    await store.close();
  });

  test('worker-bridge threads – login requests are shared by the engines queue group, each answered once', async () => {
    const threadIds = await Promise.all(peers.map((p) => p.ask<number>({ cmd: 'serve' })));
    assert.notEqual(threadIds[0], threadIds[1]);
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        callEngine(hub.bus, { loginId: `T${i}`, server: 's', clientIp: '127.0.0.1', clientPort: 1, identifier: i, authenticator: 'AA==', attributes: [], deadline: Date.now() + 5000 }, 5000),
      ),
    );
    const texts = replies.map((r) => (r?.reply.kind === 'reply' ? r.reply.replyMessage : 'none'));
    texts.forEach((t, i) => assert.match(t ?? '', new RegExp(` id ${i}$`)));
    const byThread = threadIds.map((id) => texts.filter((t) => t?.startsWith(`thread ${id} `)).length);
    assert.deepEqual(byThread, [10, 10], 'the hub round-robins the group over the two threads');
  });

  test('worker-bridge threads – an observer on the main thread: the workers see it and it gets their events', async () => {
    assert.equal(await peers[0]!.ask<boolean>({ cmd: 'has', subject: 'authproxy.events.srv.L1' }), false);
    const got: unknown[] = [];
    const arrived = new Promise<void>((resolve) => {
      const sub = hub.bus.subscribe('authproxy.events.>', (p) => {
        got.push(p);
        sub.unsubscribe();
        resolve();
      });
    });
    assert.equal(await peers[0]!.ask<boolean>({ cmd: 'has', subject: 'authproxy.events.srv.L1' }), true);
    assert.equal(await peers[1]!.ask<boolean>({ cmd: 'has', subject: 'authproxy.events.srv.L1' }), true);
    await peers[1]!.ask({ cmd: 'publish', subject: 'authproxy.events.srv.L1', payload: { loginId: 'L1', state: 'done' } });
    await arrived;
    assert.deepEqual(got, [{ loginId: 'L1', state: 'done' }]);
  });

  test('worker-bridge threads – a challenge stored by one thread is taken by another, once; a race between threads has one winner', async () => {
    assert.equal(await peers[0]!.ask({ cmd: 'put', record: record('X1') }), 'stored');
    assert.equal(await peers[1]!.ask({ cmd: 'put', record: record('X1') }), 'rejected: challenge state already exists');
    const who = WHO;
    const taken = await peers[1]!.ask<TakeResult>({ cmd: 'take', state: 'X1', ...who });
    assert.equal(taken.status, 'ok');
    assert.deepEqual(taken.status === 'ok' && taken.record.snapshot, record('X1').snapshot);
    assert.equal((await store.take('X1', who)).status, 'unknown', "gone from the main thread's store too");

    for (let round = 0; round < 10; round++) {
      const state = `R${round}`;
      await store.put(record(state));
      const results = await Promise.all([...peers, ...peers].map((p) => p.ask<TakeResult>({ cmd: 'take', state, ...who })));
      assert.deepEqual(results.map((r) => r.status).sort(), ['ok', 'unknown', 'unknown', 'unknown']);
    }
  });
});
