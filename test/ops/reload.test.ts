// SIGHUP through `authproxy start` (issue 11 §3): a valid new file replaces the sections without
// dropping a login in flight (answered on the socket it came in on) or an open challenge of a section
// that still exists; a changed port is rebound and the old one released; an invalid file is reported
// and the running configuration keeps answering.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { device } from '../e2e/device.ts';
import { SECRET } from '../e2e/stack.ts';
import { freePort } from '../harness/ports.ts';
import { type ProxyProcess, startProxyProcess } from '../nats/proxy-process.ts';

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'demo-duo.yaml');
const DUO = 'ikey=DIDEMO00000000000000\nskey=demoSkeyDemoSkeyDemoSkeyDemoSkeyDemoSkey\napi_host=localhost\n';
const duoOnly = (port: number, extra = '') => `[radius_server_duo_only]\n${DUO}radius_ip_1=127.0.0.1\nradius_secret_1=${SECRET}\nport=${port}\n${extra}`;
const challenge = (port: number, extra = '') => `[radius_server_challenge]\n${DUO}client=duo_only_client\nradius_ip_1=127.0.0.1\nradius_secret_1=${SECRET}\nport=${port}\n${extra}`;

/** Waits for the next log line with this event (after the ones already seen). */
async function nextEvent(p: ProxyProcess, event: string, from: number, timeoutMs = 10_000): Promise<Record<string, unknown>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const hit = p.lines.slice(from).find((l) => l.event === event);
    if (hit) return hit;
    if (Date.now() > until) throw new Error(`no ${event} line; got ${p.lines.slice(from).map((l) => JSON.stringify(l)).join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Whether nothing holds the UDP port any more (we can bind it). */
function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, '0.0.0.0', () => s.close(() => resolve(true)));
  });
}

test('reload – SIGHUP with a push in flight and a changed port: the push is answered, the new port serves, the old is released', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'authproxy-reload-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const [a, b] = [await freePort('udp'), await freePort('udp')];
  // debug: the listener's radius_request line says when the push has been read (see below).
  const proxy = await startProxyProcess(dir, 'reload', duoOnly(a), ['--mock-duo', FIXTURE, '--log-level', 'debug']);
  t.after(() => proxy.kill());
  const onA = device(a);
  const onB = device(b);
  t.after(async () => {
    await onA.close();
    await onB.close();
  });
  // alice's push takes 1.5 s; the reload lands while it waits: once the listener has read the request
  // (not after a fixed sleep, which a loaded machine can outlast with the request still unread).
  const before = proxy.lines.length;
  const inFlight = onA.send('alice', 'push');
  await nextEvent(proxy, 'radius_request', before);
  const seen = proxy.lines.length;
  await writeFile(join(dir, 'reload.cfg'), duoOnly(b, 'failmode=secure\n'));
  process.kill(proxy.pid, 'SIGHUP');
  const reloaded = await nextEvent(proxy, 'reloaded', seen);
  assert.deepEqual((reloaded.listeners as { port: number }[]).map((l) => l.port), [b]);

  const r0 = await inFlight;
  assert.equal(r0.code, 2, 'the login in flight is answered, on the socket it came in on');
  assert.deepEqual((await onB.send('alice', 'push')).replyMessages, ['Success. Logging you in...']);
  // Once its last answer is out, the retired socket closes: the port is free again.
  let free = false;
  for (let i = 0; i < 40 && !free; i++) {
    free = await udpFree(a);
    if (!free) await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(free, `port ${a} still held after the reload`);
  assert.ok(proxy.lines.every((l) => l.event !== 'stopped'), 'still running');
  await proxy.stop();
});

test('reload – an open challenge survives a reload; an invalid file is refused and the old sections keep answering', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'authproxy-reload-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const [c, d] = [await freePort('udp'), await freePort('udp')];
  const cfg = (extra: string) => `[duo_only_client]\n\n${challenge(c)}\n${duoOnly(d)}${extra}`;
  const proxy = await startProxyProcess(dir, 'reload', cfg(''), ['--mock-duo', FIXTURE]);
  t.after(() => proxy.kill());
  const dev = device(c);
  t.after(() => dev.close());

  const first = await dev.send('alice', 'any-password');
  assert.equal(first.code, 11, 'Access-Challenge with the factor menu');
  assert.ok(first.state);

  // An invalid file: refused, reported with its line, and nothing changes.
  let seen = proxy.lines.length;
  await writeFile(join(dir, 'reload.cfg'), cfg('fail_mode=secure\n'));
  process.kill(proxy.pid, 'SIGHUP');
  const failed = await nextEvent(proxy, 'reload-failed', seen);
  assert.match(String(failed.msg), /reload refused: 1 configuration error\(s\) in .*reload\.cfg; still running the previous configuration/);
  assert.ok(proxy.lines.slice(seen).some((l) => /reload\.cfg:\d+ \[radius_server_duo_only\] fail_mode: .*did you mean 'failmode'/.test(String(l.msg))));

  // A valid one that changes the duo_only section (failmode) and adds nothing else: the challenge of
  // the section that still exists can be answered afterwards.
  seen = proxy.lines.length;
  await writeFile(join(dir, 'reload.cfg'), cfg('failmode=secure\n'));
  process.kill(proxy.pid, 'SIGHUP');
  await nextEvent(proxy, 'reloaded', seen);
  const answer = await dev.send('alice', '1', { state: first.state });
  assert.equal(answer.code, 2, JSON.stringify(answer.replyMessages));
  assert.ok(proxy.lines.every((l) => l.event !== 'stopped'));
  await proxy.stop();
});

test('reload – with engine_threads the thread takes the new sections too (a new shared secret decodes the password)', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'authproxy-reload-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const port = await freePort('udp');
  const withSecret = (secret: string) => `[main]\nengine_threads=1\n[radius_server_duo_only]\n${DUO}radius_ip_1=127.0.0.1\nradius_secret_1=${secret}\nport=${port}\n`;
  const proxy = await startProxyProcess(dir, 'threads', withSecret('old-shared-secret'), ['--mock-duo', FIXTURE]);
  t.after(() => proxy.kill());
  const seen = proxy.lines.length;
  await writeFile(join(dir, 'threads.cfg'), withSecret(SECRET));
  process.kill(proxy.pid, 'SIGHUP');
  await nextEvent(proxy, 'reloaded', seen);
  // The listener (main thread) checks the request with the new secret; the engine (worker thread)
  // unhides User-Password with it: "push" only reads as push if the thread reloaded too.
  const d = device(port);
  t.after(() => d.close());
  const reply = await d.send('alice', 'push');
  assert.deepEqual([reply.code, reply.replyMessages], [2, ['Success. Logging you in...']]);
  await proxy.stop();
});
