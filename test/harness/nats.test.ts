import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import * as nats from './nats.ts';
import { isTcpOpen } from './ports.ts';

/** Resolves once `nc` reports it has reconnected. */
async function reconnected(nc: NatsConnection): Promise<void> {
  for await (const status of nc.status()) if (status.type === 'reconnect') return;
}

test('nats – pub/sub and a JetStream KV put/get work, stop() closes the port and removes the dir', async (t) => {
  const srv = await nats.start();
  t.after(() => srv.stop());
  assert.equal(srv.url, `nats://127.0.0.1:${srv.port}`);
  const nc = await connect({ servers: srv.url });
  t.after(() => nc.close());

  const sub = nc.subscribe('harness.ping', { max: 1 });
  nc.publish('harness.ping', 'hello');
  for await (const msg of sub) assert.equal(msg.string(), 'hello');

  const kv = await new Kvm(nc).create('harness');
  await kv.put('k1', 'v1');
  assert.equal((await kv.get('k1'))?.string(), 'v1');

  await nc.close();
  await srv.stop();
  assert.equal(existsSync(srv.dir), false);
  assert.equal(await isTcpOpen(srv.port), false);
});

test('nats – restart() and kill() + restart() come back on the same port with the same store', async (t) => {
  const srv = await nats.start();
  t.after(() => srv.stop());
  const nc = await connect({ servers: srv.url, reconnectTimeWait: 50, maxReconnectAttempts: -1 });
  t.after(() => nc.close());
  const kv = await new Kvm(nc).create('outage');
  await kv.put('before', '1');
  const firstPid = srv.pid;

  const back = reconnected(nc);
  await srv.restart();
  await back;
  assert.notEqual(srv.pid, firstPid);
  assert.equal((await kv.get('before'))?.string(), '1');

  srv.kill('SIGKILL');
  const backAgain = reconnected(nc);
  await srv.restart();
  await backAgain;
  await kv.put('after', '2');
  assert.equal((await kv.get('before'))?.string(), '1');

  // a fresh client finds it at the same URL
  const other = await connect({ servers: srv.url });
  t.after(() => other.close());
  assert.equal((await (await new Kvm(other).open('outage')).get('after'))?.string(), '2');
});
