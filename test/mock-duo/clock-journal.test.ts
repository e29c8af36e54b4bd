// Virtual time, the journal's redaction, and the parser of Duo proxy `auto=` values.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { manualClock, systemClock } from '../../mock-duo/clock.ts';
import { parseAutoFactor } from '../../mock-duo/engine.ts';
import { MinHeap } from '../../mock-duo/heap.ts';
import { Journal, REDACTED, redactParams } from '../../mock-duo/journal.ts';

describe('mock duo clock', () => {
  test('mock duo clock – manual: sleepers wake in deadline order as time is advanced', async () => {
    const clock = manualClock({ start: 1000 });
    const woke: string[] = [];
    const a = clock.sleep(300).then(() => woke.push(`a@${clock.now()}`));
    const b = clock.sleep(100).then(() => woke.push(`b@${clock.now()}`));
    const c = clock.sleep(200).then(() => woke.push(`c@${clock.now()}`));
    assert.equal(clock.pending(), 3);
    await clock.advance(250);
    assert.deepEqual(woke, ['b@1100', 'c@1200']);
    assert.equal(clock.now(), 1250);
    await clock.advance(50);
    await Promise.all([a, b, c]);
    assert.deepEqual(woke, ['b@1100', 'c@1200', 'a@1300']);
  });

  test('mock duo clock – auto: a 60 s wait finishes at once with the time moved on', async () => {
    const clock = manualClock({ start: 0, auto: true });
    await clock.sleep(60_000);
    assert.equal(clock.now(), 60_000);
    const order: number[] = [];
    await Promise.all([clock.sleep(30).then(() => order.push(clock.now())), clock.sleep(10).then(() => order.push(clock.now()))]);
    assert.deepEqual(order, [60_010, 60_030]);
  });

  test('mock duo clock – an aborted sleep ends early and is no longer pending', async () => {
    const clock = manualClock({ start: 0 });
    const ac = new AbortController();
    const p = clock.sleep(1000, ac.signal);
    await clock.whenSleeping(1);
    ac.abort();
    await p;
    assert.equal(clock.pending(), 0);
    assert.equal(clock.now(), 0);
    const sys = systemClock(1000);
    const before = sys.now();
    await sys.sleep(1000); // one real millisecond
    assert.ok(sys.now() - before >= 1000);
  });
});

describe('mock duo clock – many sleepers', () => {
  test('mock duo clock – 10,000 sleepers, half of them given up: the rest wake in deadline then arrival order', async () => {
    const clock = manualClock({ start: 0 });
    const woke: number[] = [];
    const deadlines = Array.from({ length: 10_000 }, (_, i) => (i * 7919) % 5000);
    const controllers = deadlines.map(() => new AbortController());
    const sleeps = deadlines.map((ms, i) => clock.sleep(ms + 1, controllers[i]!.signal).then(() => woke.push(i)));
    assert.equal(clock.pending(), 10_000);
    for (let i = 0; i < deadlines.length; i += 2) controllers[i]!.abort();
    await Promise.all(sleeps.filter((_, i) => i % 2 === 0));
    assert.equal(clock.pending(), 5000);
    woke.length = 0;
    await clock.advance(5001);
    await Promise.all(sleeps);
    const expected = deadlines
      .map((ms, i) => ({ ms, i }))
      .filter(({ i }) => i % 2 === 1)
      .sort((a, b) => a.ms - b.ms || a.i - b.i)
      .map(({ i }) => i);
    assert.deepEqual(woke, expected);
    assert.equal(clock.pending(), 0);
  });

  test('mock duo heap – pops in (at, seq) order whatever the pushes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }), (ats) => {
        const heap = new MinHeap<{ at: number; seq: number }>();
        ats.forEach((at, seq) => {
          heap.push({ at, seq });
        });
        const out: { at: number; seq: number }[] = [];
        for (let x = heap.pop(); x !== undefined; x = heap.pop()) out.push(x);
        assert.deepEqual(
          out,
          ats.map((at, seq) => ({ at, seq })).sort((a, b) => a.at - b.at || a.seq - b.seq),
        );
      }),
    );
  });
});

describe('mock duo journal', () => {
  test('mock duo journal – passcodes and auto= passcodes are redacted; factor names stay', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.constantFrom('push', 'phone', 'sms', 'auto', 'push1', 'phone12', 'sms3'), (secret, factor) => {
        fc.pre(!/^(auto|push|phone|sms)\d*$/.test(secret));
        const out = redactParams({ user: 'alice', passcode: secret, auto: secret });
        assert.equal(out['passcode'], REDACTED);
        assert.equal(out['auto'], REDACTED);
        assert.equal(out['user'], 'alice');
        assert.equal(redactParams({ auto: factor })['auto'], factor);
      }),
    );
  });

  test('mock duo journal – filter, waitFor and the size limit', async () => {
    const j = new Journal(3);
    const base = { at: 0, method: 'POST', api: 'rest_v1' as const, params: {}, status: 200, durationMs: 0 };
    const waiting = j.waitFor((e) => e.user === 'bob');
    for (const user of ['a', 'b', 'bob', 'c']) j.add({ ...base, path: '/rest/v1/auth', user });
    assert.equal((await waiting)?.user, 'bob');
    assert.deepEqual(j.entries().map((e) => e.user), ['b', 'bob', 'c']);
    assert.deepEqual(j.entries({ user: 'c' }).map((e) => e.seq), [4]);
  });

  test('mock duo journal – a ring: always the last `limit` entries, oldest first', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 30 }), (limit, n) => {
        const j = new Journal(limit);
        for (let i = 1; i <= n; i++) j.add({ at: i, method: 'POST', api: 'rest_v1', path: '/rest/v1/auth', params: {}, status: 200, durationMs: 0 });
        const want = Array.from({ length: Math.min(n, limit) }, (_, k) => n - Math.min(n, limit) + k + 1);
        assert.deepEqual(j.entries().map((e) => e.seq), want);
        assert.deepEqual(j.entries().map((e) => e.at), want);
        j.clear();
        assert.deepEqual(j.entries(), []);
      }),
    );
  });
});

describe('mock duo auto= values', () => {
  test('mock duo auto= – factor names with an optional device number, anything else is a passcode', () => {
    assert.deepEqual(parseAutoFactor('push'), { kind: 'push', device: 'auto' });
    assert.deepEqual(parseAutoFactor('phone2'), { kind: 'phone', device: 2 });
    assert.deepEqual(parseAutoFactor('sms1'), { kind: 'sms', device: 1 });
    fc.assert(
      fc.property(fc.string(), (s) => {
        const f = parseAutoFactor(s);
        if (f.kind === 'passcode') assert.equal(f.passcode, s);
        else assert.match(s, /^(push|phone|sms|auto)\d*$/);
      }),
    );
  });
});
