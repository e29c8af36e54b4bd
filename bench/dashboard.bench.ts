// Does the dashboard slow logins down?
// 1. The dashboard's own work, exactly, in this process: the events of 1,000 logins/s (6 per login, as
//    the engine publishes a duo_only push login) go through a memory bus into the live feed (trace
//    store, window counts) and out to two pages over real HTTP: one that reads its stream and one that
//    never reads (a frozen tab: its socket fills, and its updates must be dropped, not waited for).
//    Baseline in the same run: the same events on a bus with a subscriber that does nothing.
// 2. The whole product: the same duo_only logins (push approved at once, the mock Duo in its own
//    process) at a fixed rate to two proxies started alike, without and with the dashboard (and those
//    two pages): answered/lost, latency, proxy CPU per login, as ratios. On this 2-core machine the
//    rate is one the baseline sustains (the proxy, mock Duo and load generator share the cores).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMemoryBus } from '../adapters/bus/memory.ts';
import { Subjects } from '../adapters/bus/subjects.ts';
import { startLiveFeed } from '../dashboard/live-feed.ts';
import { SseHub } from '../dashboard/sse.ts';
import { TraceStore } from '../dashboard/trace-store.ts';
import { WindowCounts } from '../dashboard/window-counts.ts';
import type { LoginEvent } from '../machines/contracts.ts';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LoadReport, pap, runLoad } from '../simulator/load.ts';
import { freePort } from '../test/harness/ports.ts';
import { AUTHPROXY_BIN, BENCH_SECRET, approvingUser, benchDuoKeys, startMockDuoChild } from './lib/mock-duo-child.ts';
import { type Ready, cpuOf, spawnReady } from './lib/spawn-ready.ts';

const quick = process.env.BENCH_QUICK === '1';
const RATE = Number(process.env.BENCH_DASH_RATE ?? 300);
const SECONDS = quick ? 2 : 5;
const ROUNDS = quick ? 1 : 2;

/** The events of one duo_only push login, as the engine publishes them. */
function loginEvents(id: string, t: number): LoginEvent[] {
  const e = (dt: number, state: string, event: string, detail: Record<string, unknown>): LoginEvent => ({ loginId: id, server: 'radius_server_duo_only', user: `user${Number(id) % 50}`, clientIp: '10.0.0.5', state, event, at: new Date(t + dt).toISOString(), detail });
  return [
    e(0, 'processing.preauth', 'xstate.init', { actorStatus: 'active', mode: 'radius_server_duo_only', edges: ['processing.screening>processing.duo', 'processing.duo>processing.preauth/1'] }),
    e(40, 'processing.auth', 'xstate.done.actor.duoPreauth', { actorStatus: 'active', duoOk: true, result: 'auth', edges: ['processing.preauth>processing.preauthResult/1', 'processing.preauthResult>processing.secondFactor', 'processing.secondFactor>processing.auth/1'] }),
    e(80, 'accepted', 'xstate.done.actor.duoAuth', { actorStatus: 'done', duoOk: true, result: 'allow', duoStatus: 'Success. Logging you in...', code: 2, replyMessage: 'Success. Logging you in...', edges: ['processing.auth>processing.authResult/1', 'processing.authResult>accepted'] }),
    e(80, 'accepted', 'xstate.stop', { actorStatus: 'done' }),
  ];
}

async function dashboardWork(): Promise<void> {
  const LOGINS = quick ? 20_000 : 100_000;
  const events = Array.from({ length: LOGINS }, (_, i) => loginEvents(String(i), Date.now() + i)).flat();
  // Baseline: the bus alone, with a subscriber that does nothing.
  const bare = createMemoryBus();
  bare.subscribe(Subjects.allEvents, () => {});
  // The memory bus delivers in a microtask: `await null` after a batch lets every handler run.
  let t0 = performance.now();
  for (let i = 0; i < events.length; i += 40) {
    for (const ev of events.slice(i, i + 40)) bare.publish(Subjects.events(ev.server, ev.loginId), ev);
    await null;
  }
  const bareUs = ((performance.now() - t0) * 1000) / events.length;

  const bus = createMemoryBus();
  const store = new TraceStore({ maxFinished: 1000, maxAgeMs: 3_600_000 });
  const counts = new WindowCounts(300);
  const hub = new SseHub();
  // Updates every 20 ms instead of 500: 25 times the production pressure on the pages.
  const feed = startLiveFeed({ bus, store, counts, hub, flushMs: 20 });
  const server = createServer((_req, res) => hub.attach(res, []));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  const reader = page(port, true);
  const frozen = page(port, false);
  await new Promise((r) => setTimeout(r, 200));
  const heap0 = process.memoryUsage().heapUsed;
  // 1,000 logins per second of wall time: batches of 10 logins (40 events), one every 10 ms.
  let handlerMs = 0;
  const start = performance.now();
  for (let i = 0; i < events.length; i += 40) {
    t0 = performance.now();
    for (const ev of events.slice(i, i + 40)) bus.publish(Subjects.events(ev.server, ev.loginId), ev);
    await null;
    handlerMs += performance.now() - t0;
    const due = start + ((i + 40) / 4) * 1; // 4 events per login, 1 ms per login
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  const wall = (performance.now() - start) / 1000;
  await new Promise((r) => setTimeout(r, 100));
  global.gc?.();
  const heap = process.memoryUsage().heapUsed - heap0;
  const perEvent = (handlerMs * 1000) / events.length;
  console.log(`
the dashboard's own work: ${LOGINS} duo_only logins (${events.length} events) at 1,000 logins/s (${wall.toFixed(1)} s), a reading page and a frozen page:`);
  console.log(`  bus handler per event: ${perEvent.toFixed(2)} µs with the dashboard, ${bareUs.toFixed(2)} µs with a subscriber that does nothing (ratio ${(perEvent / bareUs).toFixed(1)})`);
  console.log(`  = ${(((perEvent - bareUs) * 4 * 1000) / 1e4).toFixed(1)} % of one core more than the bare bus at 1,000 logins/s; the handler does no I/O, so a login never waits for a page`);
  console.log(`  page updates: ${hub.sent} sent, ${hub.dropped} dropped for the frozen page (its socket full); the reading page got ${(reader.bytes() / 2 ** 20).toFixed(1)} MiB`);
  console.log(`  memory: ${store.size.traced} traces kept (dashboard_logins = 1000), heap growth ${(heap / 2 ** 20).toFixed(1)} MiB after ${LOGINS} logins`);
  reader.socket.destroy();
  frozen.socket.destroy();
  feed.stop();
  hub.close();
  server.closeAllConnections();
  server.close();
}

await dashboardWork();

const dir = await mkdtemp(join(tmpdir(), 'authproxy-bench-dash-'));
const mock = await startMockDuoChild(dir, Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`user${i}`, approvingUser(0)])));
const duo = benchDuoKeys(mock.port);

async function proxy(name: string, main: string): Promise<Ready & { port: number }> {
  const port = await freePort('udp');
  await writeFile(join(dir, `${name}.cfg`), `[main]\nhttp_ca_certs_file=ca.pem\n${main}\n[radius_server_duo_only]\n${duo}\nport=${port}\n`);
  return { ...(await spawnReady([AUTHPROXY_BIN, 'start', '-c', join(dir, `${name}.cfg`), '--log-level', 'warn'], { timeoutMs: 30_000 })), port };
}

/** A page on /api/events: `reads` false never reads a byte after connecting (a frozen browser tab). */
function page(dashPort: number, reads: boolean): { socket: Socket; bytes: () => number } {
  let bytes = 0;
  const socket = connect(dashPort, '127.0.0.1', () => socket.write('GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n'));
  if (reads) socket.on('data', (d) => (bytes += d.length));
  else socket.once('data', () => socket.pause());
  return { socket, bytes: () => bytes };
}

const dashPort = await freePort('tcp');
const base = await proxy('baseline', '');
const dash = await proxy('dashboard', `dashboard_port=${dashPort}\ndashboard_window=60`);
const status = async () => (await (await fetch(`http://127.0.0.1:${dashPort}/api/status`)).json()) as { events: number; sse: { clients: number; sent: number; dropped: number } };

async function measure(p: Ready & { port: number }): Promise<{ r: LoadReport; cpuPerLogin: number }> {
  const cpu0 = await cpuOf(p.proc.pid!);
  const r = await runLoad({ target: { host: '127.0.0.1', port: p.port }, secret: BENCH_SECRET, ratePerS: RATE, durationS: SECONDS, count: RATE * SECONDS, timeoutMs: 5000, attributes: (i) => pap(`user${i % 50}`, 'push') });
  return { r, cpuPerLogin: ((await cpuOf(p.proc.pid!)) - cpu0) / Math.max(1, r.answered) };
}

const fmt = (m: { r: LoadReport; cpuPerLogin: number }) =>
  `${m.r.perSecond.toFixed(0).padStart(5)}/s answered ${m.r.answered}/${m.r.sent}${m.r.lost ? ` LOST ${m.r.lost}` : ''}  p50 ${m.r.p50.toFixed(1).padStart(6)} ms  p99 ${m.r.p99.toFixed(1).padStart(7)} ms  proxy CPU ${m.cpuPerLogin.toFixed(0)} µs/login`;

try {
  // Warm-up: TLS connections to the mock Duo, JIT.
  for (const p of [base, dash]) await runLoad({ target: { host: '127.0.0.1', port: p.port }, secret: BENCH_SECRET, concurrency: 16, count: quick ? 200 : 1000, attributes: (i) => pap(`user${i % 50}`, 'push') });
  const reader = page(dashPort, true);
  const frozen = page(dashPort, false);
  await new Promise((r) => setTimeout(r, 300));
  console.log(`\nthe whole product: ${RATE} duo_only logins/s for ${SECONDS} s, ${ROUNDS} alternating round(s); the dashboard proxy has a page reading its stream and a frozen one:`);
  for (let round = 1; round <= ROUNDS; round++) {
    const b = await measure(base);
    const before = await status();
    const d = await measure(dash);
    await new Promise((r) => setTimeout(r, 600)); // the last update goes out
    const after = await status();
    console.log(`  round ${round} baseline (no dashboard)  ${fmt(b)}`);
    console.log(`  round ${round} dashboard on           ${fmt(d)}`);
    console.log(
      `          ratios to baseline: logins/s ${(d.r.perSecond / b.r.perSecond).toFixed(3)}, p99 ${(d.r.p99 / b.r.p99).toFixed(2)}, CPU per login ${(d.cpuPerLogin / b.cpuPerLogin).toFixed(2)}; ` +
        `dashboard: ${after.events - before.events} events taken, ${after.sse.sent - before.sse.sent} page updates sent, ${after.sse.dropped - before.sse.dropped} dropped for the frozen page (${after.sse.clients} pages connected)`,
    );
  }
  console.log(`  the reading page received ${(reader.bytes() / 1024).toFixed(0)} KiB of updates`);
  reader.socket.destroy();
  frozen.socket.destroy();
} finally {
  await dash.stop();
  await base.stop();
  await mock.stop();
  await rm(dir, { recursive: true, force: true });
}
