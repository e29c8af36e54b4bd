// Connecting to NATS at startup: an unreachable or silent server is a clear, bounded error naming the
// URL (never its credentials); `waitForServer` keeps trying instead; user/password auth works.
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connectNatsBus } from '../../adapters/bus/nats.ts';
import { connectNatsBackplane } from '../../adapters/bus/nats-backplane.ts';
import { generateMockTls } from '../../mock-duo/tls.ts';
import { makeTempDir, removeTempDir } from '../harness/tmp.ts';
import { freePort, isTcpOpen } from '../harness/ports.ts';
import { start } from '../harness/nats.ts';
import { eventually } from './helpers.ts';

test('nats connect – nothing listening: rejects with the URL in the message and no credentials', async () => {
  const port = await freePort();
  await assert.rejects(connectNatsBus({ url: `nats://someone:hunter2@127.0.0.1:${port}` }), (err: Error) => {
    assert.match(err.message, new RegExp(`^NATS: cannot connect to nats://127\\.0\\.0\\.1:${port}: `));
    assert.doesNotMatch(err.message, /hunter2|someone/);
    return true;
  });
});

test('nats connect – a server that accepts but never speaks: rejects after the connect timeout', async (t) => {
  const sockets = new Set<Socket>();
  const silent: Server = createServer((s) => void sockets.add(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  t.after(() => {
    for (const s of sockets) s.destroy();
    silent.close();
  });
  const { port } = silent.address() as { port: number };
  await assert.rejects(connectNatsBus({ url: `nats://127.0.0.1:${port}`, connectTimeoutMs: 300 }), new RegExp(`cannot connect to nats://127\\.0\\.0\\.1:${port}`));
});

test('nats connect – waitForServer keeps retrying until the server comes up', async (t) => {
  const srv = await start({ jetstream: false });
  t.after(() => srv.stop());
  srv.kill('SIGKILL');
  await eventually('the port is closed', async () => ((await isTcpOpen(srv.port)) ? undefined : true), 5000);
  let connected = false;
  const pending = connectNatsBus({ url: srv.url, waitForServer: true, reconnectTimeWaitMs: 100, reconnectJitterMs: 50 }).then((b) => {
    connected = true;
    return b;
  });
  // Several attempts (every 100-150 ms) fail while nothing listens; the promise stays pending.
  await sleep(400);
  assert.equal(connected, false);
  await srv.restart();
  const bus = await pending;
  t.after(() => bus.close());
  const got = new Promise((resolve) => bus.subscribe('hello', resolve));
  await bus.flush();
  bus.publish('hello', { hi: 1 });
  assert.deepEqual(await got, { hi: 1 });
});

test('nats connect – user and password: right ones connect, wrong ones fail without echoing the password', async (t) => {
  const srv = await start({ jetstream: false, args: ['--user', 'proxy', '--pass', 's3cret-pw'] });
  t.after(() => srv.stop());
  const bus = await connectNatsBus({ url: srv.url, user: 'proxy', password: 's3cret-pw' });
  await bus.flush();
  await bus.close();
  await assert.rejects(connectNatsBus({ url: srv.url, user: 'proxy', password: 'wrong-pw' }), (err: Error) => {
    assert.match(err.message, /^NATS: cannot connect to nats:\/\/127\.0\.0\.1:\d+: .*(auth|Authorization)/i);
    assert.doesNotMatch(err.message, /wrong-pw|s3cret-pw/);
    return true;
  });
});

test('nats connect – TLS: the server certificate is verified against nats_ca_file; without it the connect fails', async (t) => {
  const dir = await makeTempDir('nats-tls');
  t.after(() => removeTempDir(dir));
  const tls = await generateMockTls();
  const [ca, cert, key] = [join(dir, 'ca.pem'), join(dir, 'cert.pem'), join(dir, 'key.pem')];
  await Promise.all([writeFile(ca, tls.caPem), writeFile(cert, tls.certPem), writeFile(key, tls.keyPem)]);
  const srv = await start({ jetstream: false, args: ['--tls', '--tlscert', cert, '--tlskey', key] });
  t.after(() => srv.stop());
  const url = `tls://localhost:${srv.port}`;
  const bus = await connectNatsBus({ url, caFile: ca });
  t.after(() => bus.close());
  const got = new Promise((resolve) => bus.subscribe('over.tls', resolve));
  await bus.flush();
  bus.publish('over.tls', { ok: true });
  assert.deepEqual(await got, { ok: true });
  await assert.rejects(connectNatsBus({ url }), new RegExp(`^Error: NATS: cannot connect to tls://localhost:${srv.port}: `));
});

test('nats backplane – no nats_url: undefined; with it: a bus and a KV store on one connection; no JetStream: a clear error', async (t) => {
  assert.equal(await connectNatsBackplane({ natsServers: [] }, { challengeLifetimeMs: 300_000 }), undefined);
  const srv = await start();
  t.after(() => srv.stop());
  const bp = await connectNatsBackplane({ natsServers: [srv.url] }, { challengeLifetimeMs: 300_000, role: 'engine' });
  assert.ok(bp);
  t.after(() => bp.close());
  assert.deepEqual([bp.bus.kind, bp.store.kind], ['nats', 'nats-kv']);
  const noJs = await start({ jetstream: false });
  t.after(() => noJs.stop());
  await assert.rejects(connectNatsBackplane({ natsServers: [noJs.url] }, { challengeLifetimeMs: 300_000 }), /^Error: NATS: cannot open the challenge bucket \(is JetStream enabled/);
});
