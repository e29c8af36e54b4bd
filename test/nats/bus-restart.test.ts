// The NATS bus through a nats-server restart and crash, under load: it reconnects by itself, logins
// work again soon after the server is back, a queue group never gets a message twice, and publishes
// made while the connection is down are lost (core NATS is at-most-once), which we measure.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { callEngine, serveEngine } from '../../adapters/bus/login-rpc.ts';
import { busIsUp, connectNatsBus, type NatsBus } from '../../adapters/bus/nats.ts';
import { createMemoryBus } from '../../adapters/bus/memory.ts';
import { start } from '../harness/nats.ts';
import { eventually, loginRequest } from './helpers.ts';

/** The bound: logins succeed again within 5 s of NATS being back. */
const BACK_WITHIN_MS = 5000;

for (const how of ['restart', 'crash'] as const) {
  test(`nats bus – after a nats-server ${how} under load it reconnects, answers logins again and never delivers twice`, async (t) => {
    const srv = await start();
    const buses: NatsBus[] = [];
    t.after(async () => {
      await Promise.all(buses.map((b) => b.close()));
      await srv.stop();
    });
    const [listener, e1, e2] = await Promise.all(['listener', 'engine-1', 'engine-2'].map((name) => connectNatsBus({ url: srv.url, name })));
    buses.push(listener!, e1!, e2!);

    // Raw load on a queue group: every sequence number is counted where it lands.
    const landed = new Map<number, number>();
    for (const e of [e1!, e2!]) e.subscribe('load.work', (p) => landed.set((p as { n: number }).n, (landed.get((p as { n: number }).n) ?? 0) + 1), { queue: 'engines' });
    // Logins: each handled login id is counted too.
    const handled = new Map<string, number>();
    for (const e of [e1!, e2!]) {
      serveEngine(e, async (req) => {
        handled.set(req.loginId, (handled.get(req.loginId) ?? 0) + 1);
        return { kind: 'reply', code: 2, attributes: [] };
      });
    }
    await Promise.all(buses.map((b) => b.flush()));

    let n = 0;
    const downSeqs: number[] = [];
    let pumping = true;
    const pump = (async () => {
      while (pumping) {
        if (!listener!.isUp()) downSeqs.push(n);
        listener!.publish('load.work', { n: n++ });
        await sleep(2);
      }
    })();

    assert.ok(await callEngine(listener!, loginRequest('before'), 2000), 'a login works before the outage');
    await eventually('load flowing', () => (landed.size >= 50 ? true : undefined), 5000);

    if (how === 'restart') await srv.restart();
    else {
      srv.kill('SIGKILL');
      await eventually('every bus sees the crash', () => (buses.every((b) => !b.isUp()) ? true : undefined), 5000);
      assert.equal(busIsUp(listener!), false);
      await srv.restart();
    }
    const back = Date.now();

    // Logins again: one attempt after another until one is answered.
    let attempt = 0;
    await eventually('a login answered after the outage', async () => callEngine(listener!, loginRequest(`after-${attempt++}`), 250), BACK_WITHIN_MS);
    const loginsBackMs = Date.now() - back;

    await eventually('all connections up again', () => (buses.every((b) => b.isUp() && busIsUp(b)) ? true : undefined), BACK_WITHIN_MS);
    await Promise.all(buses.map((b) => b.flush()));
    const firstSafe = n; // published once every connection was back and had flushed its subscriptions
    await eventually('load flowing again', () => (landed.has(firstSafe + 50) ? true : undefined), 5000);
    pumping = false;
    await pump;
    await listener!.flush();
    await eventually('the last message landed', () => (landed.has(n - 1) ? true : undefined), 5000);

    const twice = [...landed].filter(([, c]) => c > 1);
    assert.deepEqual(twice, [], 'no message delivered twice to the queue group');
    assert.ok([...handled.values()].every((c) => c === 1), 'no login handled twice');
    const missingAfterRecovery = [];
    for (let i = firstSafe; i < n; i++) if (!landed.has(i)) missingAfterRecovery.push(i);
    assert.deepEqual(missingAfterRecovery, [], 'nothing published after recovery is lost');
    assert.ok(listener!.stats().reconnects >= 1 && e1!.stats().reconnects >= 1 && e2!.stats().reconnects >= 1);

    const lost = n - landed.size;
    const lostWhileDown = downSeqs.filter((s) => !landed.has(s)).length;
    t.diagnostic(
      `${how}: logins answered again ${loginsBackMs} ms after the server was back; published ${n}, lost ${lost}; ` +
        `${downSeqs.length} published while the listener was down, ${lostWhileDown} of them lost; 0 duplicates`,
    );
  });
}

describe('nats bus – status and handler faults', () => {
  test('nats bus – busIsUp: a memory bus is always up, a NATS bus not while the server is gone', async (t) => {
    const srv = await start();
    const bus = await connectNatsBus({ url: srv.url });
    t.after(async () => {
      await bus.close();
      await srv.stop();
    });
    assert.equal(busIsUp(createMemoryBus()), true);
    assert.equal(busIsUp(bus), true);
    srv.kill('SIGKILL');
    await eventually('the bus sees the crash', () => (busIsUp(bus) ? undefined : true), 5000);
    // Publishing while down neither throws nor blocks, and flush() does not wait for a reconnect.
    bus.publish('x.y', { a: 1 });
    assert.equal(bus.stats().publishedWhileDown, 1);
    await bus.flush();
    await srv.restart();
    await eventually('the bus is back', () => (busIsUp(bus) ? true : undefined), BACK_WITHIN_MS);
    await bus.close();
    assert.equal(busIsUp(bus), false);
  });

  test('nats bus – close() while the server is gone closes at once (nothing to drain to)', async (t) => {
    const srv = await start({ jetstream: false });
    t.after(() => srv.stop());
    const bus = await connectNatsBus({ url: srv.url });
    srv.kill('SIGKILL');
    await eventually('the bus sees the crash', () => (bus.isUp() ? undefined : true), 5000);
    await bus.close();
    assert.equal(bus.nc.isClosed(), true);
    bus.publish('after.close', {}); // ignored, like the in-process bus
    assert.equal(bus.stats().publishFailed, 1);
  });

  test('nats bus – a throwing handler or a non-JSON payload is reported, and delivery goes on', async (t) => {
    const srv = await start({ jetstream: false });
    const errors: string[] = [];
    const bus = await connectNatsBus({ url: srv.url, onError: (err, subject) => errors.push(`${subject}: ${(err as Error).message}`) });
    t.after(async () => {
      await bus.close();
      await srv.stop();
    });
    const got: unknown[] = [];
    bus.subscribe('a.*', (p) => {
      if ((p as { boom?: boolean }).boom) throw new Error('handler bug');
      got.push(p);
    });
    await bus.flush();
    bus.publish('a.1', { boom: true });
    bus.nc.publish('a.2', 'not json {');
    bus.publish('a.3', { ok: 1 });
    await eventually('the good message', () => (got.length === 1 ? true : undefined), 5000);
    assert.deepEqual(got, [{ ok: 1 }]);
    assert.equal(errors.length, 2);
    assert.match(errors[0]!, /^a\.1: handler bug$/);
    assert.match(errors[1]!, /^a\.2: /);
    assert.equal(bus.stats().handlerErrors, 2);
  });
});
