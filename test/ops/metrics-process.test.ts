// [main] metrics_port through `authproxy start` (issue 11 §2): /healthz, /readyz, /metrics scraped and
// parsed while a push waits (in flight) and after it (the login counted), a packet with a wrong secret
// counted as dropped; on 127.0.0.1 by default. On the way: an option without effect reported at start.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { device } from '../e2e/device.ts';
import { SECRET } from '../e2e/stack.ts';
import { freePort } from '../harness/ports.ts';
import { startProxyProcess } from '../nats/proxy-process.ts';
import { parseExposition, valueOf } from './prom-text.ts';

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'demo-duo.yaml');

export function duoOnlyConfig(port: number, main = ''): string {
  return `[main]\n${main}\n[radius_server_duo_only]\nikey=DIDEMO00000000000000\nskey=demoSkeyDemoSkeyDemoSkeyDemoSkeyDemoSkey\napi_host=localhost\nradius_ip_1=127.0.0.1\nradius_secret_1=${SECRET}\nport=${port}\n`;
}

async function get(url: string): Promise<{ status: number; text: string; type: string }> {
  const r = await fetch(url);
  return { status: r.status, text: await r.text(), type: r.headers.get('content-type') ?? '' };
}

test('metrics process – health, readiness and /metrics of a running proxy', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'authproxy-metrics-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const [udp, tcp] = [await freePort('udp'), await freePort('tcp')];
  const proxy = await startProxyProcess(dir, 'metrics', duoOnlyConfig(udp, `metrics_port=${tcp}\nfips_mode=true`), ['--mock-duo', FIXTURE]);
  // An option read for compatibility is said at start, in check-config's words (issue 11 §3).
  assert.ok(
    proxy.lines.some((l) => l.event === 'config-warning' && /metrics\.cfg:3 \[main\] fips_mode: accepted for compatibility, has no effect here; FIPS is a property of the OpenSSL/.test(String(l.msg))),
    JSON.stringify(proxy.lines.filter((l) => l.event === 'config-warning')),
  );
  t.after(() => proxy.kill());
  const base = (proxy.ready as unknown as { metrics: string }).metrics;
  assert.equal(base, `http://127.0.0.1:${tcp}`, 'metrics_interface defaults to 127.0.0.1');

  assert.deepEqual(await get(`${base}/healthz`), { status: 200, text: 'ok\n', type: 'text/plain' });
  assert.equal((await get(`${base}/readyz`)).status, 200);
  assert.equal((await get(`${base}/nothing`)).status, 404);

  // alice's demo push takes 1.5 s: scraped while it waits, it is in flight.
  const d = device(udp);
  t.after(() => d.close());
  const login = d.send('alice', 'push');
  // Scraped until the login shows (not after a fixed sleep: on a loaded machine the request may be read
  // late, or the 1.5 s may be over by then); the login is not answered while it is counted in flight.
  let answered = false;
  void login.then(() => (answered = true));
  let during = await get(`${base}/metrics`);
  while (valueOf(parseExposition(during.text), 'authproxy_logins_in_flight') !== 1 && !answered) {
    await new Promise((r) => setTimeout(r, 20));
    during = await get(`${base}/metrics`);
  }
  assert.match(during.type, /^text\/plain; version=0\.0\.4/);
  assert.equal(valueOf(parseExposition(during.text), 'authproxy_logins_in_flight'), 1, 'scraped while the push waits, it is in flight');
  assert.equal((await login).code, 2);

  // A device with the wrong secret: its Message-Authenticator does not verify, the packet is dropped.
  const wrong = device(udp, { secret: 'not-the-secret' });
  t.after(() => wrong.close());
  assert.equal((await wrong.send('alice', 'push')).code, undefined);

  const after = parseExposition((await get(`${base}/metrics`)).text);
  assert.equal(valueOf(after, 'authproxy_logins_in_flight'), 0);
  // The login, from its summary event: section, mode, result and reason.
  assert.equal(valueOf(after, 'authproxy_logins_total', { server: 'radius_server_duo_only', result: 'accept', reason: 'duo_allow' }), 1);
  assert.equal(valueOf(after, 'authproxy_logins_total'), 1);
  assert.equal(valueOf(after, 'authproxy_login_duration_seconds_count', { server: 'radius_server_duo_only' }), 1);
  assert.ok((valueOf(after, 'authproxy_login_duration_seconds_sum') ?? 0) >= 1.4, 'the push took 1.5 s');
  assert.equal(valueOf(after, 'authproxy_duo_requests_total', { endpoint: 'preauth', outcome: 'ok' }), 1);
  assert.equal(valueOf(after, 'authproxy_duo_requests_total', { endpoint: 'auth', outcome: 'ok' }), 1);
  assert.equal(valueOf(after, 'authproxy_duo_request_duration_seconds_count', { endpoint: 'auth' }), 1);
  assert.ok((valueOf(after, 'authproxy_radius_dropped_total', { reason: 'ma-invalid' }) ?? 0) >= 1, JSON.stringify(after.samples.filter((s) => s.name.startsWith('authproxy_radius'))));
  assert.equal(valueOf(after, 'authproxy_nats_connected'), 0);
  assert.equal(valueOf(after, 'authproxy_challenges_open'), 0);
  assert.ok((valueOf(after, 'process_resident_memory_bytes') ?? 0) > 0, 'default process metrics');
  // Nothing in the exposition names the user or carries the password.
  const text = (await get(`${base}/metrics`)).text;
  assert.ok(!text.includes('alice') && !text.includes(SECRET));
  await proxy.stop();
});

test('metrics process – with engine_threads the logins run in a worker thread are counted by the process', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'authproxy-metrics-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const [udp, tcp] = [await freePort('udp'), await freePort('tcp')];
  const proxy = await startProxyProcess(dir, 'threads', duoOnlyConfig(udp, `metrics_port=${tcp}\nengine_threads=1`), ['--mock-duo', FIXTURE]);
  t.after(() => proxy.kill());
  const d = device(udp);
  t.after(() => d.close());
  // erin is in bypass (an Accept without a push); carol denies her push.
  assert.equal((await d.send('erin', 'push')).code, 2);
  assert.equal((await d.send('carol', 'push')).code, 3);
  const e = parseExposition((await get(`http://127.0.0.1:${tcp}/metrics`)).text);
  assert.equal(valueOf(e, 'authproxy_logins_total', { result: 'accept', reason: 'bypass' }), 1);
  assert.equal(valueOf(e, 'authproxy_logins_total', { result: 'reject', reason: 'duo_deny' }), 1);
  assert.equal(valueOf(e, 'authproxy_logins_total'), 2);
  assert.equal((await get(`http://127.0.0.1:${tcp}/readyz`)).status, 200);
  await proxy.stop();
});
