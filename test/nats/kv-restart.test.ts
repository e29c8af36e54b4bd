// The NATS KV challenge store through a nats-server restart: records survive (file storage),
// consume-once still holds across instances, and an outage is an error, never a silent 'unknown'.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kvm } from '@nats-io/kv';
import { connectNatsBus, type NatsBus } from '../../adapters/bus/nats.ts';
import { openNatsKvStore } from '../../adapters/store/nats-kv.ts';
import { record, WHO } from '../contract/store-contract.ts';
import { start } from '../harness/nats.ts';
import { eventually } from './helpers.ts';

const who = WHO;

test('nats-kv – records put before a nats-server restart are there after it, and are consumed once across instances', async (t) => {
  const srv = await start();
  const buses: NatsBus[] = [];
  t.after(async () => {
    await Promise.all(buses.map((b) => b.close()));
    await srv.stop();
  });
  const [a, b] = await Promise.all([connectNatsBus({ url: srv.url }), connectNatsBus({ url: srv.url })]);
  buses.push(a!, b!);
  const sa = await openNatsKvStore(a!.nc, { lifetimeMs: 300_000 });
  const sb = await openNatsKvStore(b!.nc, { lifetimeMs: 300_000 });
  const states = Array.from({ length: 20 }, (_, i) => `restart-${i}-AbC+/=`);
  for (const s of states) await sa.put(record(s));
  // One is consumed before the restart: it must stay consumed after it.
  assert.equal((await sa.take(states[0]!, who)).status, 'ok');

  await srv.restart();
  await eventually('both connections back', () => (a!.isUp() && b!.isUp() ? true : undefined), 10_000);

  assert.equal((await sb.take(states[0]!, who)).status, 'unknown', 'a State consumed before the restart stays consumed');
  for (const s of states.slice(1)) {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? sa : sb).take(s, who)));
    assert.equal(results.filter((r) => r.status === 'ok').length, 1, `exactly one take of ${s} wins`);
  }
  // And new records work on the restarted server.
  await sb.put(record('after-restart'));
  assert.equal((await sa.take('after-restart', who)).status, 'ok');
});

test('nats-kv – while nats-server is down a take fails (no answer) instead of saying unknown, and consumes nothing', async (t) => {
  const srv = await start();
  const bus = await connectNatsBus({ url: srv.url });
  t.after(async () => {
    await bus.close();
    await srv.stop();
  });
  const store = await openNatsKvStore(bus.nc, { lifetimeMs: 300_000, timeoutMs: 500 });
  await store.put(record('down-1'));
  srv.kill('SIGKILL');
  await eventually('the connection sees the crash', () => (bus.isUp() ? undefined : true), 5000);
  await assert.rejects(store.take('down-1', who));
  await assert.rejects(store.put(record('down-2')));
  await srv.restart();
  await eventually('the connection is back', () => (bus.isUp() ? true : undefined), 10_000);
  assert.equal((await store.take('down-1', who)).status, 'ok');
});

test('nats-kv – an existing bucket with a shorter TTL is raised to the challenge lifetime', async (t) => {
  const srv = await start();
  const bus = await connectNatsBus({ url: srv.url });
  t.after(async () => {
    await bus.close();
    await srv.stop();
  });
  await openNatsKvStore(bus.nc, { bucket: 'ttl_check', lifetimeMs: 1000 });
  await openNatsKvStore(bus.nc, { bucket: 'ttl_check', lifetimeMs: 300_000 });
  const status = await (await new Kvm(bus.nc).open('ttl_check')).status();
  assert.equal(status.ttl, 300_000);
});
