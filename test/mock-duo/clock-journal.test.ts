// Virtual time, the journal's redaction, and the parser of Duo proxy `auto=` values.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { manualClock, systemClock } from '../../mock-duo/clock.ts';
import { parseAutoFactor } from '../../mock-duo/engine.ts';
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
