// SIGTERM on `authproxy start` (issue 15 §2, issue 11 §3):
// - a burst of logins that reached the proxy before the signal (some still unread in the socket's
//   receive buffer when it arrives) is run to the end within the grace; only datagrams sent after the
//   signal are refused;
// - a login that cannot finish within the grace gets no answer (the NAS retries elsewhere): the Duo call
//   our own shutdown aborts is never decided by failmode, and the log says how many were left.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { attr } from '../../adapters/radius/attributes.ts';
import { createRadiusClient } from '../../adapters/radius/client.ts';
import { device } from '../e2e/device.ts';
import { SECRET } from '../e2e/stack.ts';
import { freePort } from '../harness/ports.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'authproxy.js');

interface Started {
  child: ChildProcess;
  port: number;
  lines: Record<string, unknown>[];
  exited: Promise<number | null>;
  /** Resolves with the first log line that matches. */
  line(pred: (l: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

async function startProxy(t: TestContext, fixture: string, extra: string, args: string[] = []): Promise<Started> {
  const dir = await mkdtemp(join(tmpdir(), 'authproxy-sigterm-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const port = await freePort('udp');
  await writeFile(join(dir, 'duo.yaml'), fixture);
  const cfg = join(dir, 'authproxy.cfg');
  await writeFile(cfg, `[radius_server_duo_only]\nikey=DIDEMO00000000000000\nskey=demoSkeyDemoSkeyDemoSkeyDemoSkeyDemoSkey\napi_host=localhost\nradius_ip_1=127.0.0.1\nradius_secret_1=${SECRET}\nport=${port}\n${extra}`);
  const child = spawn(process.execPath, [BIN, 'start', '-c', cfg, '--mock-duo', join(dir, 'duo.yaml'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => child.kill('SIGKILL'));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const lines: Record<string, unknown>[] = [];
  const waiters: { pred: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (text) => {
    let l: Record<string, unknown>;
    try {
      l = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    lines.push(l);
    for (const w of [...waiters])
      if (w.pred(l)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(l);
      }
  });
  const line = (pred: (l: Record<string, unknown>) => boolean) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const seen = lines.find(pred);
      if (seen) return resolve(seen);
      waiters.push({ pred, resolve });
      void exited.then(() => reject(new Error(`exited without the expected line\n${lines.map((x) => JSON.stringify(x)).join('\n')}`)));
    });
  await line((l) => l.event === 'ready');
  return { child, port, lines, exited, line };
}

const user = (name: string, afterMs: number) =>
  `  ${name}:\n    status: active\n    devices:\n      - { id: DP${name.toUpperCase().padEnd(18, '0')}, type: phone, number: XXX-XXX-1234, capabilities: [auto, push], push: approve, after_ms: ${afterMs} }\n`;
const fixture = (users: string) => `integrations:\n  - { ikey: DIDEMO00000000000000, skey: demoSkeyDemoSkeyDemoSkeyDemoSkeyDemoSkey, api_host: localhost }\nnew_user_policy: deny\nusers:\n${users}`;

test('sigterm – every login received before the signal is answered; a datagram sent after it is refused (issue 15 §2)', async (t) => {
  // A long grace: this test is about the backlog, and on a busy machine 300 logins may take seconds.
  const p = await startProxy(t, fixture(user('alice', 800)), 'failmode=secure\n', ['--grace', '40']);
  // Many source sockets, so each request is a distinct packet; no retransmission.
  const client = createRadiusClient({ secret: SECRET, sockets: 32, requireMessageAuthenticator: 'true' });
  t.after(() => client.close());
  const N = 300;
  const answers = Array.from({ length: N }, () => client.request({ host: '127.0.0.1', port: p.port }, [attr('User-Name', 'alice'), { type: 2, value: Buffer.from('push') }], { timeoutMs: 45_000, retransmitMs: 0 }));
  // The burst is in the proxy's receive buffer (partly unread): the signal comes now.
  await sleep(5);
  p.child.kill('SIGTERM');
  await p.line((l) => l.event === 'stopping');
  await sleep(300);
  const late = device(p.port);
  const lateAnswer = late.send('alice', 'push');
  const results = await Promise.all(answers);
  const codes = results.map((r) => (r.ok ? r.code : 0));
  assert.equal(codes.filter((c) => c === 2).length, N, `every login sent before SIGTERM is accepted (${codes.filter((c) => c === 0).length} unanswered)`);
  assert.equal((await lateAnswer).code, undefined, 'a request sent after the signal gets no answer');
  await late.close();
  assert.equal(await p.exited, 0);
  assert.ok(!p.lines.some((l) => l.event === 'radius_no_reply'), 'no request of the burst was dropped');
});

test('sigterm – a login still waiting on Duo when the grace ends gets no answer, not a failmode decision, and the log counts it (issue 11 §3)', async (t) => {
  // failmode=safe: a Duo call that our shutdown aborts must not turn into an Accept.
  const p = await startProxy(t, fixture(user('slow', 30_000) + user('quick', 0)), 'failmode=safe\n', ['--grace', '1']);
  const d = device(p.port);
  t.after(() => d.close());
  assert.equal((await d.send('quick', 'push')).code, 2, 'the proxy answers');
  const pending = d.send('slow', 'push');
  await sleep(300);
  const signalled = Date.now();
  p.child.kill('SIGTERM');
  const r = await pending;
  assert.equal(r.code, undefined, 'no answer: the NAS retries elsewhere');
  assert.equal(await p.exited, 0);
  assert.ok(Date.now() - signalled < 4000, 'stopped soon after the 1 s grace');
  const stoppedAt = p.lines.findIndex((l) => l.event === 'stopped');
  assert.ok(stoppedAt > 0, 'stopped is logged');
  const abandoned = p.lines.find((l) => l.event === 'shutdown_abandoned');
  assert.equal(abandoned?.logins, 1, 'the log says one login was left unanswered');
  const decided = p.lines.filter((l) => l.event === 'login' && l.result !== 'drop' && l.result !== undefined);
  assert.equal(decided.length, 1, `only quick's login was decided: ${JSON.stringify(decided)}`);
  assert.ok(p.lines.slice(stoppedAt + 1).every((l) => l.event !== 'login'), 'nothing about a login after stopped');
});
