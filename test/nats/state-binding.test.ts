// issue 15 §1 on the shared path: a challenge State lives in the NATS KV bucket that every instance
// reads, so the binding to the issuing server section (and its Duo integration) must hold there too.
// - Two `authproxy start` processes on one nats-server, the same two sections each: a State issued
//   through A's `radius_server_challenge` is "Unknown Challenge" through B's `radius_server_challenge2`
//   and is not consumed: B's `radius_server_challenge` still accepts it.
// - Two engines that share the bucket but not a bus, whose `radius_server_challenge` sections use
//   different Duo integrations (ikeys): the State of one is "Unknown Challenge" at the other.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connectNatsBus, type NatsBus } from '../../adapters/bus/nats.ts';
import { silentLogger } from '../../adapters/log/logger.ts';
import { openNatsKvStore } from '../../adapters/store/nats-kv.ts';
import { formatProblem, loadConfig } from '../../config/index.ts';
import { type RunningProxy, startProxy } from '../../engine/proxy.ts';
import type { FixtureInput } from '../../mock-duo/index.ts';
import { type MockDuoServer, startMockDuoServer } from '../../mock-duo/server.ts';
import { device } from '../e2e/device.ts';
import { freePort } from '../harness/ports.ts';
import { type NatsServer, start } from '../harness/nats.ts';
import { type ProxyProcess, startProxyProcess } from './proxy-process.ts';

const IKEY1 = 'DISTATEBIND000000001';
const IKEY2 = 'DISTATEBIND000000002';
const SKEY = 'bindSkeyBindSkeyBindSkeyBindSkeyBindSkey';
const SECRET = 'e2e-secret'; // what test/e2e/device.ts signs with

describe('nats state binding – a State is honoured only by the section (and integration) that issued it', () => {
  let nats: NatsServer;
  let mock: MockDuoServer;
  let dir: string;
  const procs: ProxyProcess[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'authproxy-bind-'));
    nats = await start();
    mock = await startMockDuoServer({
      fixture: {
        integrations: [
          { ikey: IKEY1, skey: SKEY, api_host: 'localhost' },
          { ikey: IKEY2, skey: SKEY, api_host: 'localhost' },
        ],
        new_user_policy: 'deny',
        users: { alice: { status: 'active', devices: [{ type: 'phone', number: 'XXX-XXX-1234', capabilities: ['push', 'auto'], push: 'approve' }], passcodes: ['111111', '222222', '333333'] } },
      } as never as FixtureInput,
      caOut: join(dir, 'duo-ca.pem'),
    });
  });
  after(async () => {
    await Promise.all(procs.map((p) => p.kill()));
    await mock?.close();
    await nats?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const section = (name: string, ikey: string, port: number) =>
    [`[${name}]`, `ikey=${ikey}`, `skey=${SKEY}`, 'api_host=localhost', `api_port=${mock.port}`, 'radius_ip_1=127.0.0.1', `radius_secret_1=${SECRET}`, 'client=duo_only_client', `port=${port}`, 'failmode=secure', ''].join('\n');

  test('nats state binding – two processes: another section says Unknown Challenge and leaves the State to its own section', async () => {
    const ports = await Promise.all([0, 1, 2, 3].map(() => freePort('udp')));
    const cfg = (p1: number, p2: number) =>
      [`[main]\nhttp_ca_certs_file=${join(dir, 'duo-ca.pem')}\nnats_url=${nats.url}\n`, section('radius_server_challenge', IKEY1, p1), section('radius_server_challenge2', IKEY1, p2), '[duo_only_client]\n'].join('\n');
    const [a, b] = await Promise.all([startProxyProcess(dir, 'a', cfg(ports[0]!, ports[1]!)), startProxyProcess(dir, 'b', cfg(ports[2]!, ports[3]!))]);
    procs.push(a, b);
    const [aChallenge, bChallenge2, bChallenge] = [device(ports[0]!), device(ports[3]!), device(ports[2]!)];
    try {
      const first = await aChallenge.send('alice', 'primary');
      assert.equal(first.code, 11, 'Access-Challenge from A');
      const wrong = await bChallenge2.send('alice', '111111', { state: first.state });
      assert.deepEqual([wrong.code, wrong.replyMessages], [3, ['Unknown Challenge']], "B's other section refuses it");
      const right = await bChallenge.send('alice', '111111', { state: first.state });
      assert.deepEqual([right.code, right.replyMessages], [2, ['Success. Logging you in...']], "B's same section honours it: not consumed");
    } finally {
      await Promise.all([aChallenge.close(), bChallenge2.close(), bChallenge.close()]);
    }
  });

  test('nats state binding – two engines sharing the bucket, one section name, two ikeys: Unknown Challenge', async () => {
    const [pa, pb] = [await freePort('udp'), await freePort('udp')];
    const buses: NatsBus[] = [];
    const proxies: RunningProxy[] = [];
    const open = async (name: string, ikey: string, port: number) => {
      const file = join(dir, `${name}.cfg`);
      await writeFile(file, [`[main]\nhttp_ca_certs_file=${join(dir, 'duo-ca.pem')}\n`, section('radius_server_challenge', ikey, port), '[duo_only_client]\n'].join('\n'));
      const loaded = loadConfig(file);
      if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'));
      // Each engine its own in-process bus (so it runs its own logins), one shared KV bucket.
      const conn = await connectNatsBus({ url: nats.url });
      buses.push(conn);
      const store = await openNatsKvStore(conn.nc, { bucket: 'authproxy_challenges_bind', lifetimeMs: 300_000 });
      const proxy = await startProxy({ config: loaded.config, logger: silentLogger(), store });
      proxies.push(proxy);
    };
    const [da, db] = [device(pa), device(pb)];
    try {
      await open('ikey1', IKEY1, pa);
      await open('ikey2', IKEY2, pb);
      const first = await da.send('alice', 'primary');
      assert.equal(first.code, 11);
      const wrong = await db.send('alice', '222222', { state: first.state });
      assert.deepEqual([wrong.code, wrong.replyMessages], [3, ['Unknown Challenge']], 'the other integration refuses it');
      const right = await da.send('alice', '222222', { state: first.state });
      assert.equal(right.code, 2, 'and its own integration still honours it');
    } finally {
      await Promise.all([da.close(), db.close()]);
      await Promise.all(proxies.map((p) => p.stop(500)));
      await Promise.all(buses.map((b) => b.close()));
    }
  });
});
