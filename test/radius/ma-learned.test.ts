// issue 15 §8: BlastRADIUS auto-learn (require_message_authenticator = auto) survives a restart. A
// client that once sent a valid Message-Authenticator must always send one; the learnt fact used to be
// lost at restart, which gave an attacker who could race a restart one window. It is kept in a small
// state file ([main] ma_state_file, default authproxy-ma-learned.json beside the config), written
// atomically.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import fc from 'fast-check';
import { attr } from '../../adapters/radius/attributes.ts';
import { createRadiusClient } from '../../adapters/radius/client.ts';
import { decodeLearnedMa, encodeLearnedMa, openLearnedMaFile } from '../../adapters/radius/ma-learned-file.ts';
import { freePort } from '../harness/ports.ts';
import { logSink } from './helpers.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const SECRET = 'ma-learned-secret';

/** `authproxy start` until ready; returns a stop() that SIGTERMs it and waits for the exit. */
async function start(cfg: string, env: NodeJS.ProcessEnv = process.env): Promise<{ stop(): Promise<void>; lines: Record<string, unknown>[] }> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'authproxy.js'), 'start', '-c', cfg, '--mock-duo', join(ROOT, 'fixtures', 'demo-duo.yaml')], { stdio: ['ignore', 'pipe', 'pipe'], env });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const lines: Record<string, unknown>[] = [];
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (l) => {
      const j = JSON.parse(l) as Record<string, unknown>;
      lines.push(j);
      if (j.event === 'ready') resolve();
    });
    void exited.then(() => reject(new Error('exited before ready')));
  });
  return {
    lines,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

test('ma learned – a client that sent Message-Authenticator before a restart must still send it after (issue 15 §8)', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'authproxy-ma-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const port = await freePort('udp');
  const cfg = join(dir, 'authproxy.cfg');
  await writeFile(cfg, `[radius_server_duo_only]\nikey=DIDEMO00000000000000\nskey=demoSkeyDemoSkeyDemoSkeyDemoSkeyDemoSkey\napi_host=localhost\nradius_ip_1=127.0.0.1\nradius_secret_1=${SECRET}\nport=${port}\n`);
  const client = createRadiusClient({ secret: SECRET, sockets: 1, requireMessageAuthenticator: 'true' });
  t.after(() => client.close());
  const login = (messageAuthenticator: boolean) =>
    client.request({ host: '127.0.0.1', port }, [attr('User-Name', 'erin'), { type: 2, value: Buffer.from('push') }], { timeoutMs: 3000, retransmitMs: 0, messageAuthenticator });

  const first = await start(cfg);
  assert.equal((await login(true)).ok, true, 'answered with Message-Authenticator');
  await first.stop();

  const second = await start(cfg);
  const without = await login(false);
  await second.stop();
  assert.equal(without.ok, false, 'after the restart, a request without Message-Authenticator from that client is dropped');
  assert.ok(second.lines.some((l) => l.event === 'radius_drop' && l.reason === 'ma-missing'));
  assert.deepEqual(await readdir(dir).then((f) => f.filter((n) => n.includes('ma-learned')).sort()), ['authproxy-ma-learned.json'], 'one state file, no temporary left');
});

test('ma learned – under systemd (StateDirectory= sets $STATE_DIRECTORY) the file goes there, not beside the read-only config', async (t) => {
  // The shipped unit makes /etc read-only (ProtectSystem=strict): the default place beside
  // /etc/authproxy/authproxy.cfg cannot be written, which would silently lose issue 15 §8 in production.
  const dir = await mkdtemp(join(tmpdir(), 'authproxy-ma-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const conf = join(dir, 'conf');
  const state = join(dir, 'state');
  await Promise.all([mkdir(conf), mkdir(state)]);
  const port = await freePort('udp');
  const cfg = join(conf, 'authproxy.cfg');
  await writeFile(cfg, `[radius_server_duo_only]\nikey=DIDEMO00000000000000\nskey=demoSkeyDemoSkeyDemoSkeyDemoSkeyDemoSkey\napi_host=localhost\nradius_ip_1=127.0.0.1\nradius_secret_1=${SECRET}\nport=${port}\n`);
  const client = createRadiusClient({ secret: SECRET, sockets: 1, requireMessageAuthenticator: 'true' });
  t.after(() => client.close());
  const proxy = await start(cfg, { ...process.env, STATE_DIRECTORY: state });
  const reply = await client.request({ host: '127.0.0.1', port }, [attr('User-Name', 'erin'), { type: 2, value: Buffer.from('push') }], { timeoutMs: 3000, retransmitMs: 0, messageAuthenticator: true });
  await proxy.stop();
  assert.equal(reply.ok, true);
  assert.deepEqual(await readdir(state), ['authproxy-ma-learned.json']);
  assert.deepEqual(await readdir(conf), ['authproxy.cfg'], 'nothing written beside the config');
  assert.deepEqual(decodeLearnedMa(await readFile(join(state, 'authproxy-ma-learned.json'), 'utf8')), ['127.0.0.1']);
});

test('ma learned – property: the state file round-trips any set of client addresses', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.oneof(fc.ipV4(), fc.ipV6()), { maxLength: 50 }), (ips) => {
      assert.deepEqual(decodeLearnedMa(encodeLearnedMa(ips)).sort(), [...ips].sort());
    }),
  );
});

test('ma learned – property: a corrupt or foreign file never throws and yields only valid addresses', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify({ version: 1, clients: v }))), (text) => {
      const got = decodeLearnedMa(text);
      assert.ok(Array.isArray(got) && got.every((ip) => typeof ip === 'string' && /^[0-9a-f.:]+$/i.test(ip)));
    }),
  );
});

test('ma learned – writes are atomic and coalesced; an unwritable place is one warning, learning goes on in memory', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'authproxy-ma-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const { logger, lines } = logSink();
  const file = join(dir, 'learned.json');
  const store = openLearnedMaFile(file, logger);
  for (let i = 1; i <= 50; i++) store.learned(`10.0.0.${i}`);
  await store.close();
  assert.deepEqual(decodeLearnedMa(await readFile(file, 'utf8')).length, 50);
  assert.deepEqual(await readdir(dir), ['learned.json']);
  assert.deepEqual(openLearnedMaFile(file, logger).initial.length, 50, 'read back on the next start');

  const bad = openLearnedMaFile(join(dir, 'no', 'such', 'dir', 'learned.json'), logger);
  bad.learned('10.0.0.1');
  bad.learned('10.0.0.2');
  await bad.close();
  assert.equal(lines().filter((l) => l.event === 'ma_state_unwritable').length, 1);
});
