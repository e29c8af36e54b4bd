// The bus and store contracts against a real nats-server (test/harness/nats.ts), each "instance" on
// its own connection, plus the consume-once races that only a shared store can lose.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { type KvDeleteOptions, Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import fc from 'fast-check';
import { connectNatsBus } from '../../adapters/bus/nats.ts';
import type { Bus } from '../../adapters/bus/types.ts';
import { challengeStoreOverKv, openNatsKvStore } from '../../adapters/store/nats-kv.ts';
import type { ChallengeStore } from '../../adapters/store/types.ts';
import { start } from '../harness/nats.ts';
import { busContract } from './bus-contract.ts';
import { record, storeContract, WHO } from './store-contract.ts';

const nats = await start();
after(() => nats.stop());

let bucketSeq = 0;
const freshBucket = () => `authproxy_challenges_t${process.pid}_${bucketSeq++}`;

// Three instances, each on its own connection. A test may use only two of them, and done() gets only
// those, so close every connection that make() opened.
let opened: Bus[] = [];
busContract(
  'nats',
  async () => (opened = await Promise.all([0, 1, 2].map((i) => connectNatsBus({ url: nats.url, name: `contract-${i}` })))),
  async () => {
    await Promise.all(opened.map((b) => b.close()));
  },
);

storeContract('nats-kv', async () => {
  const bus = await connectNatsBus({ url: nats.url });
  const store = await openNatsKvStore(bus.nc, { bucket: freshBucket(), lifetimeMs: 300_000 });
  return {
    ...store,
    kind: store.kind,
    close: async () => {
      await store.close();
      await bus.close();
    },
  };
});

describe('nats-kv – consume-once across instances', () => {
  test('nats-kv – 200 concurrent takes of one State over 2 connections: exactly one ok', async () => {
    const bucket = freshBucket();
    const [a, b] = await Promise.all([connectNatsBus({ url: nats.url }), connectNatsBus({ url: nats.url })]);
    try {
      const sa = await openNatsKvStore(a.nc, { bucket, lifetimeMs: 300_000 });
      const sb = await openNatsKvStore(b.nc, { bucket, lifetimeMs: 300_000 });
      // A realistic State: 44 base64 characters, with the '+', '/' and '=' NATS keys do not allow.
      const state = 'ab+/cdEFghIJklMNopQRstUVwxYZ0123456789+/AB==';
      await sa.put(record(state));
      const who = WHO;
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? sa : sb).take(state, who)));
      assert.equal(results.filter((r) => r.status === 'ok').length, 1);
      assert.equal(results.filter((r) => r.status === 'unknown').length, 199);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test('nats-kv – scheduled interleavings of get and compare-and-delete never let two instances win', async () => {
    const bucket = freshBucket();
    const ncs = await Promise.all([connect({ servers: nats.url }), connect({ servers: nats.url })]);
    try {
      await openNatsKvStore(ncs[0]!, { bucket, lifetimeMs: 300_000 }); // creates the bucket
      const kvs = await Promise.all(ncs.map((nc) => new Kvm(nc).open(bucket)));
      let n = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.scheduler(),
          // Each taker: which instance it goes through, and whether it comes from the issuing IP.
          fc.array(fc.record({ via: fc.integer({ min: 0, max: 1 }), rightIp: fc.boolean() }), { minLength: 2, maxLength: 4 }),
          async (s, takers) => {
            // Every KV call of every instance resolves (or fails) when the scheduler says so.
            const later = scheduled(s);
            const stores: ChallengeStore[] = kvs.map((kv) =>
              challengeStoreOverKv({
                create: later((k: string, v: string) => kv.create(k, v)),
                get: later((k: string) => kv.get(k)),
                update: later((k: string, v: string, rev: number) => kv.update(k, v, rev)),
                delete: later((k: string, o?: Partial<KvDeleteOptions>) => kv.delete(k, o)),
              }),
            );
            const state = `sched-${n++}`;
            await s.waitFor(stores[0]!.put(record(state)));
            const results = await s.waitFor(
              Promise.all(takers.map((t) => stores[t.via]!.take(state, { ...WHO, clientIp: t.rightIp ? '10.0.0.1' : '10.9.9.9' }))),
            );
            const oks = results.filter((r) => r.status === 'ok').length;
            // (On failure fast-check prints the scheduler's interleaving as the counterexample.)
            assert.equal(oks, takers.some((t) => t.rightIp) ? 1 : 0);
            takers.forEach((t, i) => {
              const r = results[i]!.status;
              assert.ok(t.rightIp ? r === 'ok' || r === 'unknown' : r === 'wrong-ip' || r === 'unknown');
            });
          },
        ),
        { numRuns: 200 },
      );
    } finally {
      await Promise.all(ncs.map((nc) => nc.close()));
    }
  });
});

/** s.scheduleFunction for calls that may reject: the real call's failure is held as a value until the
 *  scheduler releases it (a bare rejection would be "unhandled" while it waits), then rethrown. */
function scheduled(s: fc.Scheduler) {
  return <A extends unknown[], R>(f: (...a: A) => Promise<R>) => {
    const held = s.scheduleFunction((...a: A) => f(...a).then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error })));
    return async (...a: A): Promise<R> => {
      const r = await held(...a);
      if (r.ok) return r.value;
      throw r.error;
    };
  };
}
