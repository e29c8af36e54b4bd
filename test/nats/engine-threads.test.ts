// [main] engine_threads with nats_url: each engine thread is its own NATS engine (its own connection in
// the `engines` queue group, the challenge store in KV), as separate engine processes would be. The
// main thread runs only the listeners.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FixtureInput } from '../../mock-duo/index.ts';
import { type MockDuoServer, startMockDuoServer } from '../../mock-duo/server.ts';
import { device } from '../e2e/device.ts';
import { IKEY, SECRET, SKEY } from '../e2e/stack.ts';
import { type NatsServer, start } from '../harness/nats.ts';
import { freePort } from '../harness/ports.ts';
import { type ProxyProcess, startProxyProcess } from './proxy-process.ts';

let nats: NatsServer;
let mock: MockDuoServer;
let dir: string;
let proxy: ProxyProcess | undefined;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'authproxy-nats-threads-'));
  nats = await start();
  mock = await startMockDuoServer({
    fixture: {
      integrations: [{ ikey: IKEY, skey: SKEY, api_host: 'localhost' }],
      new_user_policy: 'deny',
      users: { alice: { status: 'active', devices: [{ type: 'phone', number: 'XXX-XXX-1234', capabilities: ['push', 'auto'], push: 'approve' }], passcodes: ['123456', '234567'] } },
    } as never as FixtureInput,
    caOut: join(dir, 'duo-ca.pem'),
  });
});
after(async () => {
  await proxy?.kill();
  await mock?.close();
  await nats?.stop();
  await rm(dir, { recursive: true, force: true });
});

test('nats engine threads – logins run in the threads over NATS; a challenge is answered, a replay is unknown; SIGTERM stops', async () => {
  const port = await freePort('udp');
  const cfg =
    `[main]\nhttp_ca_certs_file=${join(dir, 'duo-ca.pem')}\nnats_url=${nats.url}\nengine_threads=2\n\n` +
    `[radius_server_challenge]\nikey=${IKEY}\nskey=${SKEY}\napi_host=localhost\napi_port=${mock.port}\nradius_ip_1=127.0.0.1\nradius_secret_1=${SECRET}\n` +
    `client=duo_only_client\nport=${port}\nfailmode=secure\n\n[duo_only_client]\n`;
  proxy = await startProxyProcess(dir, 'threads', cfg);
  assert.deepEqual([proxy.ready.bus, proxy.ready.store], ['nats', 'nats-kv']);
  const d = device(port);
  try {
    for (const passcode of ['123456', '234567']) {
      const first = await d.send('alice', 'primary');
      assert.equal(first.code, 11);
      const answer = await d.send('alice', passcode, { state: first.state });
      assert.equal(answer.code, 2);
      const replay = await d.send('alice', passcode, { state: first.state });
      assert.deepEqual([replay.code, replay.replyMessages], [3, ['Unknown Challenge']]);
    }
  } finally {
    await d.close();
  }
  await proxy.stop();
  // Written by the threads (the main thread runs no engine): every login line names one.
  const logins = proxy.lines.filter((l) => l.event === 'login');
  assert.deepEqual(logins.map((l) => l.result).sort(), ['Access-Accept', 'Access-Accept', 'Access-Challenge', 'Access-Challenge', 'Access-Reject', 'Access-Reject']);
  assert.ok(logins.every((l) => l.thread === 1 || l.thread === 2), JSON.stringify(logins.map((l) => l.thread)));
  assert.equal(logins.filter((l) => l.reason === 'unknown_challenge').length, 2);
  assert.ok(proxy.lines.some((l) => l.event === 'stopped'));
});
