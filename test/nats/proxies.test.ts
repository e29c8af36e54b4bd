// Several `authproxy start` processes sharing one nats-server (design.md "Scaling out"): a challenge
// issued through one instance is answered through another; a State raced through both is accepted
// once; the issuing instance may die; an engine that dies holding a login leaves the device unanswered
// (it retransmits) rather than answered wrongly.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { attr, findValues } from '../../adapters/radius/attributes.ts';
import { createRadiusClient } from '../../adapters/radius/client.ts';
import type { FixtureInput } from '../../mock-duo/index.ts';
import { type MockDuoServer, startMockDuoServer } from '../../mock-duo/server.ts';
import { device } from '../e2e/device.ts';
import { freePort } from '../harness/ports.ts';
import { type NatsServer, start } from '../harness/nats.ts';
import { eventually } from './helpers.ts';
import { type ProxyProcess, startProxyProcess } from './proxy-process.ts';

const IKEY = 'DITESTNATS0000000000';
const SKEY = 'natsSkeyNatsSkeyNatsSkeyNatsSkeyNatsSkey';
const SECRET = 'e2e-secret'; // what test/e2e/device.ts signs with

const phone = (over: Record<string, unknown> = {}) => ({ type: 'phone', number: 'XXX-XXX-1234', capabilities: ['push', 'phone', 'sms', 'mobile_otp', 'auto'], push: 'approve', phone: 'approve', ...over });

describe('nats proxies – several authproxy processes on one NATS', () => {
  let nats: NatsServer;
  let mock: MockDuoServer;
  let dir: string;
  const procs: ProxyProcess[] = [];
  // Two full instances, a listener-only and an engine-only process: three engines share the logins
  // until the last test leaves the engine-only one alone.
  type Launched = { p: ProxyProcess; port: number; autoPort: number };
  let a: Launched;
  let b: Launched;
  let l: Launched;
  let e: Launched;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'authproxy-nats-'));
    nats = await start();
    mock = await startMockDuoServer({
      fixture: {
        integrations: [{ ikey: IKEY, skey: SKEY, api_host: 'localhost' }],
        new_user_policy: 'deny',
        push_timeout_ms: 60_000,
        users: {
          alice: { status: 'active', devices: [phone()], passcodes: ['123456', '234567', '345678'] },
          slow: { status: 'active', devices: [phone({ after_ms: 30_000 })] },
        },
      } as never as FixtureInput,
      caOut: join(dir, 'duo-ca.pem'),
    });
    [a, b, l, e] = await Promise.all([
      launch('a'),
      launch('b'),
      launch('listener', ['--role', 'listener']),
      launch('engine', ['--role', 'engine']),
    ]);
  });
  after(async () => {
    await Promise.all(procs.map((p) => p.kill()));
    await mock?.close();
    await nats?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** One instance: the same sections as every other (any engine may take any login), its own UDP
   *  ports, the shared NATS and mock Duo. */
  const config = (challengePort: number, autoPort: number) =>
    [
      '[main]',
      `http_ca_certs_file=${join(dir, 'duo-ca.pem')}`,
      `nats_url=${nats.url}`,
      '',
      ...(['radius_server_challenge', 'radius_server_auto'] as const).flatMap((section) => [
        `[${section}]`,
        `ikey=${IKEY}`,
        `skey=${SKEY}`,
        'api_host=localhost',
        `api_port=${mock.port}`,
        'radius_ip_1=127.0.0.1',
        `radius_secret_1=${SECRET}`,
        'client=duo_only_client',
        `port=${section === 'radius_server_challenge' ? challengePort : autoPort}`,
        'failmode=secure',
        '',
      ]),
      '[duo_only_client]',
      '',
    ].join('\n');

  /** `port` is the challenge section's, `autoPort` the auto section's. */
  const launch = async (name: string, args: string[] = []) => {
    const [port, autoPort] = [await freePort('udp'), await freePort('udp')];
    const p = await startProxyProcess(dir, name, config(port, autoPort), args);
    procs.push(p);
    return { p, port, autoPort };
  };

  test('nats proxies – a challenge issued through A is answered through B: Access-Accept', async () => {
    assert.deepEqual([a.p.ready.bus, a.p.ready.store], ['nats', 'nats-kv']);
    const [da, db] = [device(a.port), device(b.port)];
    try {
      const first = await da.send('alice', 'primary');
      assert.equal(first.code, 11, 'Access-Challenge from A');
      const answer = await db.send('alice', '123456', { state: first.state });
      assert.equal(answer.code, 2, 'Access-Accept from B');
      const replay = await da.send('alice', '123456', { state: first.state });
      assert.deepEqual([replay.code, replay.replyMessages], [3, ['Unknown Challenge']], 'and the State is gone on A too');
    } finally {
      await Promise.all([da.close(), db.close()]);
    }
  });

  test('nats proxies – 200 answers to one State raced through both instances: exactly one Access-Accept', async () => {
    const da = device(a.port);
    // Many sockets, so the 200 requests are 200 distinct packets (no duplicate-cache hits).
    const racer = createRadiusClient({ secret: SECRET, sockets: 16, requireMessageAuthenticator: 'true' });
    try {
      const first = await da.send('alice', 'primary');
      assert.equal(first.code, 11);
      const answers = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          racer.request({ host: '127.0.0.1', port: i % 2 ? a.port : b.port }, [attr('User-Name', 'alice'), { type: 2, value: Buffer.from('234567') }, { type: 24, value: first.state! }], {
            timeoutMs: 8000,
            retransmitMs: 0,
          }),
        ),
      );
      const codes = answers.map((r) => (r.ok ? r.code : 0));
      assert.equal(codes.filter((c) => c === 2).length, 1, 'exactly one Accept');
      assert.equal(codes.filter((c) => c === 3).length, 199, 'every other answer is a Reject');
      const rejects = answers.filter((r) => r.ok && r.code === 3);
      assert.ok(rejects.every((r) => r.ok && findValues(r.attributes, 'Reply-Message').map(String).join('') === 'Unknown Challenge'));
    } finally {
      racer.close();
      await da.close();
    }
  });

  test('nats proxies – kill -9 of the issuing instance; the answer through the other still succeeds', async () => {
    const [da, db] = [device(a.port), device(b.port)];
    try {
      const first = await da.send('alice', 'primary');
      assert.equal(first.code, 11);
      await a.p.kill('SIGKILL');
      const answer = await db.send('alice', '345678', { state: first.state });
      assert.equal(answer.code, 2);
    } finally {
      await Promise.all([da.close(), db.close()]);
    }
  });

  test('nats proxies – an engine that dies while holding a login: the listener answers nothing', async () => {
    // Only the engine-only process is left to take logins (A died in the previous test).
    await b.p.stop();
    const d = device(l.autoPort);
    try {
      assert.equal((await d.send('alice', 'push')).code, 2, 'listener and engine processes work together');
      // `slow`'s push is answered after 30 s: from preauth on, the engine holds the login.
      const pending = d.send('slow', 'push');
      await eventually('the engine asked Duo about slow', () => (mock.mock.journal.entries().some((x) => x.user === 'slow' && x.path.endsWith('/preauth')) ? true : undefined), 10_000);
      await e.p.kill('SIGKILL');
      const r = await pending; // the device waits 4 s and does not retransmit
      assert.equal(r.code, undefined, 'no answer at all: the device will retransmit');
    } finally {
      await d.close();
    }
  });
});
