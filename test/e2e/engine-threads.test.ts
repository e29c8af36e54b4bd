// [main] engine_threads = 2 end to end: `authproxy start` as an admin runs it (real UDP, the standalone
// mock Duo over HTTPS), with the login engines in two worker threads. Each login's log line names the
// thread that ran it, which shows a challenge issued by one thread and answered by the other, the
// replayed State refused, and SIGTERM draining logins that run in the threads.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { createMemoryBus } from '../../adapters/bus/memory.ts';
import { Subjects } from '../../adapters/bus/subjects.ts';
import { createBusHub } from '../../adapters/bus/worker-bridge.ts';
import { createLogger } from '../../adapters/log/logger.ts';
import { createMemoryStore } from '../../adapters/store/memory.ts';
import { parseConfigText } from '../../config/index.ts';
import { startEngineThreads } from '../../engine/engine-threads.ts';
import type { FixtureInput } from '../../mock-duo/index.ts';
import { type MockDuoServer, startMockDuoServer } from '../../mock-duo/server.ts';
import { freePort } from '../harness/ports.ts';
import { device } from './device.ts';
import { IKEY, SECRET, SKEY } from './stack.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'authproxy.js');
type Line = Record<string, unknown>;

const phone = (afterMs: number) => ({ type: 'phone', number: 'XXX-XXX-1234', capabilities: ['push', 'phone', 'sms', 'mobile_otp', 'auto'], push: 'approve', phone: 'approve', after_ms: afterMs });

/** `authproxy start` with its JSON lines collected; `line(pred)` resolves with the first line, past
 *  or future, that matches. */
async function startCli(cfg: string, args: string[]) {
  const child: ChildProcess = spawn(process.execPath, [BIN, 'start', '-c', cfg, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const lines: Line[] = [];
  const waiters: { pred: (l: Line) => boolean; resolve: (l: Line) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (text) => {
    const l = JSON.parse(text) as Line;
    lines.push(l);
    for (const w of [...waiters])
      if (w.pred(l)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(l);
      }
  });
  const line = (pred: (l: Line) => boolean, what: string) =>
    new Promise<Line>((resolve, reject) => {
      const seen = lines.find(pred);
      if (seen) return resolve(seen);
      waiters.push({ pred, resolve });
      void exited.then(() => reject(new Error(`exited before ${what}\n${stderr}`)));
    });
  return { child, exited, lines, line, stderr: () => stderr };
}

describe('e2e engine_threads = 2', () => {
  let dir: string;
  let mock: MockDuoServer;
  let cli: Awaited<ReturnType<typeof startCli>>;
  let onlyPort: number;
  let challengePort: number;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'authproxy-threads-'));
    mock = await startMockDuoServer({
      fixture: {
        integrations: [{ ikey: IKEY, skey: SKEY, api_host: 'localhost' }],
        new_user_policy: 'deny',
        users: {
          alice: { status: 'active', devices: [phone(0)], passcodes: ['123456'] },
          // Pushes answered after 700 ms: long enough to be in flight when SIGTERM arrives.
          slow: { status: 'active', devices: [phone(700)] },
        },
      } as never as FixtureInput,
      caOut: join(dir, 'duo-ca.pem'),
    });
    [onlyPort, challengePort] = [await freePort('udp'), await freePort('udp')];
    const duo = `ikey=${IKEY}\nskey=${SKEY}\napi_host=localhost\napi_port=${mock.port}\nradius_ip_1=127.0.0.1\nradius_secret_1=${SECRET}\n`;
    const cfg = join(dir, 'authproxy.cfg');
    await writeFile(
      cfg,
      `[main]\nhttp_ca_certs_file=duo-ca.pem\nengine_threads=2\n\n` +
        `[radius_server_duo_only]\n${duo}port=${onlyPort}\nfailmode=secure\n\n` +
        `[radius_server_challenge]\n${duo}client=duo_only_client\nport=${challengePort}\nfailmode=secure\n\n[duo_only_client]\n`,
    );
    // debug: the main thread's transition log must hear the threads' events.
    cli = await startCli(cfg, ['--log-level', 'debug']);
    await cli.line((l) => l.event === 'ready', 'ready');
  });
  after(async () => {
    cli?.child.kill('SIGKILL');
    await mock?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const loginLine = (server: string, result: string, after: number) =>
    cli.line((l) => l.event === 'login' && l.server === server && l.result === result && cli.lines.indexOf(l) >= after, `${server} ${result}`);

  test('engine threads – two threads start; a duo_only push login runs in one of them and is accepted', async () => {
    const started = await cli.line((l) => l.event === 'engine-threads', 'engine-threads line');
    assert.equal(started.count, 2);
    const mark = cli.lines.length;
    const d = device(onlyPort);
    try {
      const r = await d.send('alice', 'push');
      assert.deepEqual([r.code, r.replyMessages], [2, ['Success. Logging you in...']]);
    } finally {
      await d.close();
    }
    const logged = await loginLine('radius_server_duo_only', 'Access-Accept', mark);
    assert.ok(logged.thread === 1 || logged.thread === 2, `thread ${String(logged.thread)}`);
    // The transitions are logged once, by the main thread (no thread field), not again by the workers.
    const transitions = cli.lines.filter((l) => l.event === 'login-transition' && (l.login as { loginId?: string }).loginId === logged.loginId);
    assert.ok(transitions.length > 0, 'the main thread heard the worker thread\'s events');
    assert.ok(transitions.every((l) => l.thread === undefined));
  });

  test('engine threads – a challenge issued by one thread is answered through the other; the replayed State is unknown', async () => {
    const mark = cli.lines.length;
    const d = device(challengePort);
    try {
      const first = await d.send('alice', 'primary');
      assert.equal(first.code, 11, 'Access-Challenge');
      const issued = await loginLine('radius_server_challenge', 'Access-Challenge', mark);
      const answer = await d.send('alice', '123456', { state: first.state });
      assert.deepEqual([answer.code, answer.replyMessages], [2, ['Success. Logging you in...']]);
      const accepted = await loginLine('radius_server_challenge', 'Access-Accept', mark);
      // The hub hands login requests to the two threads in turn: the answer lands on the other one,
      // which finds the challenge in the main thread's store.
      assert.deepEqual([issued.thread, accepted.thread].sort(), [1, 2]);
      const replay = await d.send('alice', '123456', { state: first.state });
      assert.deepEqual([replay.code, replay.replyMessages], [3, ['Unknown Challenge']]);
      const unknown = await cli.line((l) => l.event === 'login' && l.reason === 'unknown_challenge' && cli.lines.indexOf(l) >= mark, 'unknown_challenge login line');
      assert.match(String(unknown.msg), /no such State/);
      // The challenge login kept one loginId over its two rounds.
      assert.equal(accepted.loginId, issued.loginId);
    } finally {
      await d.close();
    }
  });

  test('engine threads – SIGTERM with logins in flight in both threads: all answered, exit 0', async () => {
    const mark = cli.lines.length;
    const devices = Array.from({ length: 4 }, () => device(onlyPort));
    try {
      const logins = devices.map((d) => d.send('slow', 'push'));
      // Every login is in a thread before the signal: its preauth has been answered, its push is next.
      const preauths = () => mock.mock.journal.entries().filter((e) => e.user === 'slow' && e.path.endsWith('/preauth')).length;
      await new Promise<void>((resolve) => {
        if (preauths() >= 4) return resolve();
        const stop = mock.mock.journal.subscribe(() => preauths() >= 4 && (stop(), resolve()));
      });
      cli.child.kill('SIGTERM');
      const replies = await Promise.all(logins);
      assert.deepEqual(replies.map((r) => r.code), [2, 2, 2, 2]);
      assert.equal(await cli.exited, 0, cli.stderr());
      const logged = cli.lines.filter((l, i) => i >= mark && l.event === 'login' && l.result === 'Access-Accept');
      assert.deepEqual(logged.map((l) => l.thread).sort(), [1, 1, 2, 2], 'each thread finished its two logins before it was stopped');
      assert.ok(cli.lines.some((l) => l.event === 'stopped'));
    } finally {
      await Promise.all(devices.map((d) => d.close()));
    }
  });
});

test('engine threads – a thread that dies is logged at error, leaves the queue group and is reported', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'authproxy-threads-'));
  const parsed = parseConfigText(
    `[main]\nengine_threads=1\n\n[radius_server_duo_only]\nikey=${IKEY}\nskey=${SKEY}\napi_host=localhost\nradius_ip_1=127.0.0.1\nradius_secret_1=${SECRET}\nport=${await freePort('udp')}\n`,
    join(dir, 'authproxy.cfg'),
  );
  assert.ok(parsed.ok);
  const lines: Line[] = [];
  // At error level the thread logs nothing of its own here; the main thread's lines are captured.
  const logger = createLogger({ level: 'error', destination: new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk)) as Line), done()) }) });
  const hub = createBusHub(createMemoryBus());
  const store = createMemoryStore();
  let died: (index: number) => void = () => undefined;
  const death = new Promise<number>((resolve) => (died = resolve));
  const threads = await startEngineThreads({ count: 1, config: parsed.config, logger, bridge: { hub, store }, onDeath: (i) => died(i) });
  try {
    await hub.bus.flush();
    assert.equal(hub.bus.hasSubscribers!(Subjects.loginRequest), true, 'the thread serves the login queue group');
    // From the manager's point of view, a thread ending that it did not stop is a death.
    await threads.workers[0]!.terminate();
    assert.equal(await death, 1);
    assert.equal(hub.bus.hasSubscribers!(Subjects.loginRequest), false, 'no login is handed to the dead thread');
    assert.deepEqual(
      lines.filter((l) => l.event === 'engine-thread-died').map((l) => [l.level, l.thread]),
      [['error', 1]],
    );
  } finally {
    await threads.stop(0);
    await hub.bus.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
});
