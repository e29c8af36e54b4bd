import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { createMemoryBus, deepFreeze } from '../../adapters/bus/memory.ts';
import type { Bus } from '../../adapters/bus/types.ts';
import { createMemoryStore } from '../../adapters/store/memory.ts';
import { busContract } from './bus-contract.ts';
import { storeContract } from './store-contract.ts';

// In process, "several instances" share one bus object.
let shared: Bus | undefined;
busContract(
  'memory',
  async () => {
    shared = createMemoryBus();
    return [shared, shared, shared];
  },
  async () => {
    await shared?.close();
  },
);
storeContract('memory', async () => createMemoryStore());

// What the in-process bus promises beyond the contract: a subscriber never shares objects with the
// publisher or another subscriber in a way that lets one's writes reach the other (NATS copies over the
// wire). Plain publishes are cloned per delivery; handed-over ones (PublishOptions.handOver) are frozen.
describe('memory bus – copies and hand-over', () => {
  const twoSubscribers = async (bus: Bus, subject: string) => {
    const got: unknown[] = [];
    const both = new Promise<void>((resolve) => {
      const h = (p: unknown) => (got.push(p), got.length === 2 && resolve());
      bus.subscribe(subject, h);
      bus.subscribe('x.>', h);
    });
    return { got, both };
  };

  test('a plain publish: each subscriber gets its own copy; later writes by anyone reach no one else', async () => {
    const bus = createMemoryBus();
    const { got, both } = await twoSubscribers(bus, 'x.y');
    const payload = { n: 1, list: [{ v: 'a' }] };
    bus.publish('x.y', payload);
    payload.n = 2;
    payload.list[0]!.v = 'changed';
    await both;
    assert.deepEqual(got, [{ n: 1, list: [{ v: 'a' }] }, { n: 1, list: [{ v: 'a' }] }]);
    assert.notEqual(got[0], got[1]);
    (got[0] as { n: number }).n = 3;
    assert.equal((got[1] as { n: number }).n, 1);
    await bus.close();
  });

  test('a handed-over publish: one deeply frozen object; neither the publisher nor a subscriber can change it', async () => {
    const bus = createMemoryBus();
    const { got, both } = await twoSubscribers(bus, 'x.y');
    const payload = { n: 1, list: [{ v: 'a' }], nested: { deeper: { s: 'b' } } };
    bus.publish('x.y', payload, { handOver: true });
    assert.throws(() => (payload.n = 2), TypeError);
    assert.throws(() => payload.list.push({ v: 'new' }), TypeError);
    assert.throws(() => (payload.list[0]!.v = 'changed'), TypeError);
    await both;
    assert.equal(got[0], got[1]);
    const seen = got[0] as typeof payload;
    assert.deepEqual(seen, { n: 1, list: [{ v: 'a' }], nested: { deeper: { s: 'b' } } });
    assert.throws(() => (seen.nested.deeper.s = 'c'), TypeError);
    await bus.close();
  });

  test('a handed-over payload that is not plain JSON (a Buffer inside) is copied per subscriber as before', async () => {
    const bus = createMemoryBus();
    const { got, both } = await twoSubscribers(bus, 'x.y');
    const payload = { n: 1, bytes: Buffer.from('ab') };
    bus.publish('x.y', payload, { handOver: true });
    await both;
    assert.notEqual(got[0], got[1]);
    assert.notEqual((got[0] as typeof payload).bytes, payload.bytes);
    assert.deepEqual([...(got[0] as typeof payload).bytes], [0x61, 0x62]);
    await bus.close();
  });

  test('hasSubscribers and delivery follow any sequence of subscribes and unsubscribes (subjects of equal lengths included)', async () => {
    const subjectArb = fc.constantFrom('a.b', 'a.c', 'b.b', 'a.bc', 'x.yz', 'a.*', 'a.>', 'q');
    const opArb = fc.oneof(
      fc.record({ op: fc.constant('sub' as const), subject: subjectArb }),
      fc.record({ op: fc.constant('unsub' as const), index: fc.nat() }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 30 }), async (ops) => {
        const bus = createMemoryBus();
        const live: { subject: string; sub: { unsubscribe(): void }; got: string[] }[] = [];
        for (const o of ops) {
          if (o.op === 'sub') {
            const got: string[] = [];
            live.push({ subject: o.subject, sub: bus.subscribe(o.subject, (_p, s) => got.push(s)), got });
          } else if (live.length > 0) live.splice(o.index % live.length, 1)[0]!.sub.unsubscribe();
        }
        const matches = (pattern: string, subject: string) =>
          pattern === subject || (pattern.endsWith('.*') && subject.startsWith(pattern.slice(0, -1)) && !subject.slice(pattern.length - 1).includes('.')) || (pattern.endsWith('.>') && subject.startsWith(pattern.slice(0, -1)) && subject.length > pattern.length - 1);
        for (const subject of ['a.b', 'a.c', 'b.b', 'a.bc', 'x.yz', 'q', 'zz.z']) {
          assert.equal(bus.hasSubscribers!(subject), live.some((l) => matches(l.subject, subject)), subject);
          bus.publish(subject, {});
        }
        await bus.flush();
        for (const l of live) assert.deepEqual(l.got, ['a.b', 'a.c', 'b.b', 'a.bc', 'x.yz', 'q', 'zz.z'].filter((s) => matches(l.subject, s)));
        await bus.close();
      }),
      { numRuns: 200 },
    );
  });

  test('deepFreeze: any JSON value stays equal to itself and ends frozen all the way down', () => {
    const allFrozen = (v: unknown): boolean => typeof v !== 'object' || v === null || (Object.isFrozen(v) && Object.values(v).every(allFrozen));
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const before = structuredClone(v);
        assert.equal(deepFreeze(v), true);
        assert.deepEqual(v, before);
        assert.ok(allFrozen(v));
      }),
    );
    assert.equal(deepFreeze({ a: [new Map()] }), false);
    assert.equal(deepFreeze({ a: new Date(0) }), false);
  });
});
