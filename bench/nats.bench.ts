// `npm run bench -- nats`: what the NATS hop costs. A private nats-server (test/harness/nats.ts);
// listener and engine on separate connections in this one process (so client CPU for both sides is
// on one core: a pessimistic figure for two processes on two cores).
// 1. Login round trip callEngine → serveEngine (trivial handler) at concurrency 1 and 128: NATS vs the
//    in-process bus, same run (ratio), with p50/p99 latency and the added latency of the hop.
// 2. For comparison, nc.request/respond on the client's shared inbox (no SUB/UNSUB per login).
// 3. Challenge store: put + take pairs per second, NATS KV (file storage) vs the memory store.
// 4. duo_only logins/s through `authproxy start` processes (mock Duo in its own process): one listener
//    and 1, 2, 3 engine processes over NATS, against one embedded process in the same run.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoginRequestMessage } from '../adapters/bus/login-rpc.ts';
import { callEngine, serveEngine } from '../adapters/bus/login-rpc.ts';
import { createMemoryBus } from '../adapters/bus/memory.ts';
import { connectNatsBus } from '../adapters/bus/nats.ts';
import type { Bus } from '../adapters/bus/types.ts';
import { createMemoryStore } from '../adapters/store/memory.ts';
import { openNatsKvStore } from '../adapters/store/nats-kv.ts';
import type { ChallengeStore } from '../adapters/store/types.ts';
import { start } from '../test/harness/nats.ts';
import { freePort } from '../test/harness/ports.ts';
import { pap, runLoad } from '../simulator/load.ts';
import { type Ready, spawnReady } from './lib/spawn-ready.ts';

const quick = process.env.BENCH_QUICK === '1';
const WARMUP_MS = quick ? 200 : 500;
const MEASURE_MS = quick ? 800 : 2000;
const BIN = join(import.meta.dirname, '..', 'bin', 'authproxy.js');
const IKEY = 'DIBENCHNATS000000000';
const SKEY = 'natsBenchSkeyNatsBenchSkeyNatsBenchSkeyN';
const SECRET = 'bench-secret';

interface Result {
  perSec: number;
  p50: number;
  p99: number;
  failures: number;
  done: number;
}

interface Varz {
  in_msgs: number;
  out_msgs: number;
  mem: number;
  cpu: number;
}

/** The server's own counters (monitoring endpoint): messages in per operation, its CPU and memory. */
async function varz(): Promise<Varz> {
  return (await (await fetch(`${srv.monitorUrl}/varz`)).json()) as Varz;
}

async function withServerCost(name: string, run: () => Promise<Result>): Promise<Result & { cost: string }> {
  const before = await varz();
  const cpu0 = process.cpuUsage();
  const r = await run();
  const after = await varz();
  const cpu = process.cpuUsage(cpu0);
  const cost =
    `    ${name}: ${f((after.in_msgs - before.in_msgs) / Math.max(1, r.done), 1)} msgs into the server per operation; ` +
    `nats-server CPU ${f(after.cpu)} %, RSS ${f(after.mem / 2 ** 20)} MiB; this process (both sides) ${f((cpu.user + cpu.system) / 10 / (WARMUP_MS + MEASURE_MS))} % CPU`;
  return { ...r, cost };
}

/** `concurrency` closed loops of `work`; latency of each completed call in ms. */
async function loop(concurrency: number, work: (i: number) => Promise<boolean>): Promise<Result> {
  let measuring = false;
  let stop = false;
  let failures = 0;
  let seq = 0;
  const lat: number[] = [];
  const worker = async () => {
    while (!stop) {
      // The in-process bus resolves everything in microtasks: without a macrotask turn now and then
      // the timers that end the measurement would never run.
      if (seq % 64 === 0) await new Promise((r) => setImmediate(r));
      const t0 = performance.now();
      const ok = await work(seq++);
      if (!measuring) continue;
      if (ok) lat.push(performance.now() - t0);
      else failures++;
    }
  };
  const workers = Array.from({ length: concurrency }, worker);
  await sleep(WARMUP_MS);
  measuring = true;
  const t0 = performance.now();
  await sleep(MEASURE_MS);
  const elapsed = (performance.now() - t0) / 1000;
  measuring = false;
  stop = true;
  await Promise.all(workers);
  lat.sort((a, b) => a - b);
  return { perSec: lat.length / elapsed, p50: pct(lat, 50), p99: pct(lat, 99), failures, done: seq };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (s: number[], p: number) => (s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : Number.NaN);
const f = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

/** A login request the size of a real one (User-Name, hidden password, NAS attributes). */
function request(i: number): Omit<LoginRequestMessage, 'replySubject'> {
  return {
    loginId: `b${process.pid}x${i}`,
    server: 'radius_server_auto',
    clientIp: '10.1.2.3',
    clientPort: 40000 + (i % 1000),
    identifier: i % 256,
    authenticator: 'q83vEjRWeJCrze8SNFZ4kA==',
    attributes: [
      { type: 1, value: 'YWxpY2U=' },
      { type: 2, value: 'k2nDkL3zq1v8n0cXb4mGzQ==' },
      { type: 4, value: 'CgECAw==' },
      { type: 5, value: 'AAAAAQ==' },
      { type: 31, value: 'MTAuOS44Ljc=' },
      { type: 61, value: 'AAAABQ==' },
      { type: 80, value: 'AAAAAAAAAAAAAAAAAAAAAA==' },
    ],
    deadline: Date.now() + 10_000,
  };
}

async function rpc(listener: Bus, engine: Bus, concurrency: number): Promise<Result> {
  const sub = serveEngine(engine, async (r) => ({ kind: 'reply', code: 2, replyMessage: `ok ${r.identifier}`, attributes: [] }));
  await engine.flush();
  const r = await loop(concurrency, async (i) => (await callEngine(listener, request(i), 5000)) !== undefined);
  sub.unsubscribe();
  return r;
}

async function storeLoop(store: ChallengeStore, concurrency: number): Promise<Result> {
  const who = { server: 'radius_server_challenge', integration: 'DIBENCH0000000000000', clientIp: '10.1.2.3', username: 'alice' };
  return loop(concurrency, async (i) => {
    const state = `bench${process.pid}-${i}-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==`;
    await store.put({ state, server: who.server, integration: who.integration, username: 'alice', clientIp: who.clientIp, issuedId: i % 256, deadline: Date.now() + 60_000, snapshot: { value: 'waitingAnswer', context: { factors: ['push', 'phone'], n: i } } });
    return (await store.take(state, who)).status === 'ok';
  });
}

function row(name: string, r: Result, base?: Result, baseName = 'baseline'): string {
  const ratio = base ? `  (${f(r.perSec / base.perSec, 3)}× ${baseName})` : '';
  const fail = r.failures ? `  failures ${r.failures}` : '';
  return `${name.padEnd(46)} ${f(r.perSec).padStart(9)}/s  p50 ${f(r.p50, 3).padStart(7)} ms  p99 ${f(r.p99, 3).padStart(7)} ms${ratio}${fail}`;
}

const srv = await start();
try {
  const mem = createMemoryBus();
  const [listener, engine] = await Promise.all([connectNatsBus({ url: srv.url, name: 'bench-listener' }), connectNatsBus({ url: srv.url, name: 'bench-engine' })]);

  console.log('login round trip, callEngine → serveEngine (trivial handler)');
  const out: Record<string, Result> = {};
  for (const c of [1, 128]) {
    const m = await rpc(mem, mem, c);
    const n = await withServerCost('NATS round trip', () => rpc(listener, engine, c));
    out[`mem${c}`] = m;
    out[`nats${c}`] = n;
    console.log(row(`  memory bus, concurrency ${c} (baseline)`, m));
    console.log(row(`  NATS, 2 connections, concurrency ${c}`, n, m, 'memory bus'));
    console.log(n.cost);
    console.log(`  added latency of the NATS hop at concurrency ${c}: p50 +${f(n.p50 - m.p50, 3)} ms, p99 +${f(n.p99 - m.p99, 3)} ms`);
  }

  // The same exchange on nats.js request/respond (one shared inbox subscription per connection).
  engine.nc.subscribe('bench.rr', {
    queue: 'engines',
    callback: (_e, msg) => {
      msg.respond(JSON.stringify({ loginId: 'x', reply: { kind: 'reply', code: 2, attributes: [] } }));
    },
  });
  await engine.flush();
  const rr = await loop(128, async (i) => {
    const m = await listener.nc.request('bench.rr', JSON.stringify(request(i)), { timeout: 5000 }).catch(() => undefined);
    return m !== undefined && m.json<{ loginId: string }>().loginId === 'x';
  });
  console.log(row('  NATS nc.request (shared inbox), concurrency 128', rr, out.nats128, 'callEngine over NATS'));

  console.log('challenge store, put + take pairs');
  const memStore = createMemoryStore();
  const kvStore = await openNatsKvStore(listener.nc, { lifetimeMs: 300_000 });
  for (const c of [1, 32]) {
    const m = await storeLoop(memStore, c);
    const k = await withServerCost('KV put+take', () => storeLoop(kvStore, c));
    console.log(row(`  memory store, concurrency ${c} (baseline)`, m));
    console.log(row(`  NATS KV (file), concurrency ${c}`, k, m, 'memory store'));
    console.log(k.cost);
  }
  await memStore.close();
  await kvStore.close();
  await Promise.all([listener.close(), engine.close(), mem.close()]);
  await processes();
} finally {
  await srv.stop();
}

/** duo_only logins/s through `authproxy start` processes: 1 listener + 1, 2, 3 engines over NATS,
 *  against one embedded process (role both, in-process bus) in the same run. */
async function processes(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'authproxy-nats-bench-'));
  const procs: Ready[] = [];
  try {
    await writeFile(
      join(dir, 'fixture.json'),
      JSON.stringify({
        integrations: [{ ikey: IKEY, skey: SKEY, api_host: 'localhost' }],
        users: { alice: { status: 'active', devices: [{ type: 'phone', number: 'XXX-XXX-1234', capabilities: ['push'], push: 'approve', after_ms: 0 }] } },
      }),
    );
    const mock = await spawnReady([BIN, 'mock-duo', '--port', '0', '--fixtures', join(dir, 'fixture.json'), '--ca-out', join(dir, 'ca.pem')]);
    procs.push(mock);
    const cfg = async (name: string, nats: boolean) => {
      const port = await freePort('udp');
      const text =
        `[main]\nhttp_ca_certs_file=ca.pem\n${nats ? `nats_url=${srv.url}\n` : ''}\n[radius_server_duo_only]\n` +
        `ikey=${IKEY}\nskey=${SKEY}\napi_host=localhost\napi_port=${mock.ready.port}\nradius_ip_1=127.0.0.1\nradius_secret_1=${SECRET}\nport=${port}\n`;
      await writeFile(join(dir, `${name}.cfg`), text);
      return { file: join(dir, `${name}.cfg`), port };
    };
    const launch = async (file: string, role: string) => {
      const p = await spawnReady([BIN, 'start', '-c', file, '--role', role, '--log-level', 'warn'], { timeoutMs: 30_000 });
      procs.push(p);
      return p;
    };
    const embedded = await cfg('embedded', false);
    const shared = await cfg('shared', true);
    await launch(embedded.file, 'both');
    const started = await launch(shared.file, 'listener').catch((e: Error) => e);
    if (started instanceof Error) {
      console.log(`multi-process: not possible yet (${started.message.split('\n')[0]})`);
      console.log('TODO: duo_only logins/s with 1 listener + 1, 2, 3 engine processes once `authproxy start` connects to NATS.');
      return;
    }
    const load = (port: number, total = quick ? 300 : 1500) => runLoad({ target: { host: '127.0.0.1', port }, secret: SECRET, concurrency: 128, count: total, attributes: () => pap('alice', 'push') });
    await load(embedded.port, 300); // warm-up: TLS sessions, JIT
    const base = await load(embedded.port);
    console.log('duo_only logins (push approved at once), concurrency 128, through `authproxy start` processes');
    console.log(`  one embedded process (baseline)          ${f(base.perSecond).padStart(7)}/s  p50 ${f(base.p50, 1)} ms  p99 ${f(base.p99, 1)} ms  lost ${base.lost}`);
    for (let engines = 1; engines <= 3; engines++) {
      await launch(shared.file, 'engine');
      await load(shared.port, 300); // warm-up of the new engine (its TLS sessions to the mock Duo)
      const r = await load(shared.port);
      console.log(
        `  1 listener + ${engines} engine process(es) on NATS  ${f(r.perSecond).padStart(7)}/s  p50 ${f(r.p50, 1)} ms  p99 ${f(r.p99, 1)} ms  lost ${r.lost}  (${f(r.perSecond / base.perSecond, 3)}× embedded)`,
      );
    }
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await rm(dir, { recursive: true, force: true });
  }
}
