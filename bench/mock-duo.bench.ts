// `npm run bench -- mock-duo`: how fast the standalone mock Duo (its own process, HTTPS keep-alive)
// answers signed /rest/v1 preauth+auth pairs (push approved at once) from a cheap client: node:https
// keep-alive with signatures computed once. Baseline in the same run: a trivial node:https server (same
// kind of certificate, same server settings, own process) answering a fixed JSON body to the same
// loop, so the ratios say how close the mock comes to what node:https can do on this machine. The
// server's own CPU time per request is measured too: it says what ONE core of mock can answer,
// whatever the client (which shares the machine) manages to send.
// Also: a burst of 2,000 concurrent /rest/v1/auth on new TLS connections with 3 s pushes (all
// answered? wall time over the push), and 10,000 pushes held at once (memory per held request). The
// held test runs over plain HTTP (the mock's --http and a plain trivial server): a TLS client here
// needs ~1 ms of CPU per new connection, which would make 10,000 of them a minute's work and measure
// node's TLS sockets rather than the mock.
//
// `bench/mock-duo.bench.ts --trivial-server [--http]` is that trivial server.
// MOCK_DUO_BIN=/path/to/bin/authproxy.js benches another checkout's mock (before/after comparisons).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http, { type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext, type TLSSocket } from 'node:tls';
import { sign } from '../adapters/duo/signature.ts';
import { type Ready, rssOf, spawnReady } from './lib/spawn-ready.ts';

const IKEY = 'DIBENCH0000000000000';
const SKEY = 'benchSkeyBenchSkeyBenchSkeyBenchSkeyBenc';
const quick = process.env.BENCH_QUICK === '1';
const WARMUP_MS = quick ? 200 : 400;
const MEASURE_MS = quick ? 600 : 1500;
const CONCURRENCY = [1, 16, 128] as const;
const BURST = quick ? 200 : 2000;
const BURST_PUSH_MS = 3000;
const HELD = quick ? 1000 : 10_000;
const HELD_PUSH_MS = quick ? 3000 : 6000;
const FIXED_BODY = '{"stat":"OK","response":{"result":"allow","status":"Success. Logging you in..."}}';

/** The ceiling: node:http(s) with the mock's kind of certificate and settings, a fixed answer;
 *  `/hold?ms=N` answers after N ms, like a waiting push. */
async function trivialServer(plain: boolean): Promise<void> {
  const { generateMockTls } = await import('../mock-duo/tls.ts');
  const tls = plain ? undefined : await generateMockTls();
  const options = { keepAliveTimeout: 65_000, headersTimeout: 90_000, requestTimeout: 0 };
  const handler = (req: IncomingMessage, res: http.ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const answer = () => res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': FIXED_BODY.length }).end(FIXED_BODY);
      const hold = /^\/hold\?ms=(\d+)$/.exec(req.url ?? '');
      if (hold) setTimeout(answer, Number(hold[1]));
      else answer();
    });
  };
  const server = tls ? https.createServer({ ...options, cert: tls.certPem, key: tls.keyPem }, handler) : http.createServer(options, handler);
  server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
    const port = (server.address() as { port: number }).port;
    process.stdout.write(`${JSON.stringify({ event: 'ready', port, ...(tls ? { caPem: tls.caPem } : {}) })}\n`);
  });
  process.on('SIGTERM', () => process.exit(0));
}

/** A server under test, and how to reach it. */
interface Target {
  port: number;
  pid: number;
  /** A keep-alive agent (HTTPS: trusting the server's CA through one SecureContext, as our Duo client
   *  does; a `ca` option alone would build one per connection, costing the client more than the
   *  handshake). */
  agent(maxSockets: number): http.Agent;
  request: typeof https.request;
}

function target(ready: Ready, caPem: string | undefined): Target {
  const port = Number(ready.ready.port);
  const secureContext = caPem === undefined ? undefined : createSecureContext({ ca: caPem });
  return {
    port,
    pid: ready.proc.pid!,
    agent: (maxSockets) => (secureContext ? new https.Agent({ keepAlive: true, maxSockets, secureContext }) : new http.Agent({ keepAlive: true, maxSockets })),
    request: secureContext ? https.request : (http.request as typeof https.request),
  };
}

interface Call {
  method?: string;
  path: string;
  headers: OutgoingHttpHeaders;
  body: string;
}

/** A signed /rest/v1 call, signed once: v1 signatures carry no date, so the same bytes stay valid. */
function signed(port: number, path: string, params: Record<string, string>): Call {
  const s = sign({ version: 1, method: 'POST', host: 'localhost', path, params, ikey: IKEY, skey: SKEY });
  const body = s.body as string;
  return { path, body, headers: { ...s.headers, Host: `localhost:${port}`, 'Content-Length': Buffer.byteLength(body) } };
}

interface Answer {
  status: number;
  body: string;
  resumed: boolean;
  reused: boolean;
}

function send(t: Target, agent: http.Agent, call: Call, onWritten?: () => void): Promise<Answer> {
  return new Promise((resolve) => {
    const req = t.request(
      { host: '127.0.0.1', servername: 'localhost', port: t.port, method: call.method ?? 'POST', path: call.path, headers: call.headers, agent },
      (res: IncomingMessage) => {
        let body = '';
        const resumed = (res.socket as TLSSocket | null)?.isSessionReused?.() ?? false;
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, resumed, reused: req.reusedSocket }));
      },
    );
    req.on('error', () => resolve({ status: 0, body: '', resumed: false, reused: false }));
    if (onWritten) req.on('finish', onWritten);
    req.end(call.body);
  });
}

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** CPU time a process has used so far, µs (Linux /proc: utime + stime). */
function cpuOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND) * 1e6;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface LoopResult {
  pairsPerSec: number;
  p50: number;
  p99: number;
  failures: number;
  /** The server's CPU time (user + system) per request answered, µs: its cost whatever the client does. */
  serverUs: number;
}

/** `concurrency` loops of preauth then auth on one keep-alive agent; pairs completed during MEASURE_MS. */
async function pairs(t: Target, concurrency: number, preauth: Call, auth: Call): Promise<LoopResult> {
  const agent = t.agent(concurrency);
  let measuring = false;
  let stop = false;
  let failures = 0;
  const latencies: number[] = [];
  const worker = async () => {
    while (!stop) {
      const t0 = performance.now();
      const a = await send(t, agent, preauth);
      const b = await send(t, agent, auth);
      if (!measuring) continue;
      if (a.status === 200 && b.status === 200) latencies.push(performance.now() - t0);
      else failures++;
    }
  };
  const workers = Array.from({ length: concurrency }, worker);
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  measuring = true;
  const t0 = performance.now();
  const cpu0 = cpuOf(t.pid);
  await new Promise((r) => setTimeout(r, MEASURE_MS));
  const done = latencies.length;
  const cpu = cpuOf(t.pid) - cpu0;
  const elapsed = (performance.now() - t0) / 1000;
  measuring = false;
  stop = true;
  await Promise.all(workers);
  agent.destroy();
  const sorted = Float64Array.from(latencies.slice(0, done)).sort();
  return { pairsPerSec: done / elapsed, p50: percentile(sorted, 50), p99: percentile(sorted, 99), failures, serverUs: cpu / Math.max(1, 2 * done) };
}

interface ManyResult {
  answered: number;
  ok: number;
  wallMs: number;
  newConnections: number;
  resumed: number;
  /** RSS growth of the server while every request was held, bytes. */
  rssGrowth: number;
  /** The mock's count of requests being answered when RSS was sampled (its /_mock/state in_flight). */
  inFlight?: number;
}

/** `count` requests at once on new connections (the TLS session cache primed by one request first, as
 *  a client that has talked to the server before); RSS of the server sampled once all are written. */
async function many(t: Target, count: number, call: Call, prime: Call, okWhen: (a: Answer) => boolean, inFlight?: () => Promise<number>): Promise<ManyResult> {
  const agent = t.agent(Number.POSITIVE_INFINITY);
  await send(t, agent, prime);
  const rssBefore = await rssOf(t.pid);
  let written = 0;
  let allWritten: () => void = () => {};
  const writtenAll = new Promise<void>((r) => (allWritten = r));
  const t0 = performance.now();
  const answers = Array.from({ length: count }, () =>
    send(t, agent, call, () => {
      if (++written === count) allWritten();
    }),
  );
  let rssHeld = Number.NaN;
  let held: number | undefined;
  const sampled = writtenAll.then(async () => {
    await new Promise((r) => setTimeout(r, 300));
    rssHeld = await rssOf(t.pid);
    held = await inFlight?.();
  });
  const results = await Promise.all(answers);
  const wallMs = performance.now() - t0;
  if (written === count) await sampled;
  agent.destroy();
  return {
    answered: results.filter((r) => r.status !== 0).length,
    ok: results.filter(okWhen).length,
    wallMs,
    newConnections: results.filter((r) => !r.reused).length,
    resumed: results.filter((r) => r.resumed).length,
    rssGrowth: rssHeld - rssBefore,
    ...(held !== undefined ? { inFlight: held } : {}),
  };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mock-duo-bench-'));
  const phone = (after: number) => ({ type: 'phone', number: 'XXX-XXX-1234', capabilities: ['push', 'phone', 'sms'], push: 'approve', after_ms: after });
  const fixture = join(dir, 'fixture.json');
  await writeFile(
    fixture,
    JSON.stringify({
      integrations: [{ ikey: IKEY, skey: SKEY, api_host: 'localhost' }],
      new_user_policy: 'deny',
      users: { alice: { devices: [phone(0)] }, slow: { devices: [phone(BURST_PUSH_MS)] }, hold: { devices: [phone(HELD_PUSH_MS)] } },
    }),
  );
  const bin = process.env.MOCK_DUO_BIN ?? join(import.meta.dirname, '..', 'bin', 'authproxy.js');
  const procs: Ready[] = [];
  const start = async (args: string[]) => {
    const r = await spawnReady(args);
    procs.push(r);
    return r;
  };
  try {
    const mockTls = await start([bin, 'mock-duo', '--port', '0', '--fixtures', fixture, '--ca-out', join(dir, 'ca.pem')]);
    const trivialTls = await start(['--import', 'tsx', import.meta.filename, '--trivial-server']);
    const mock = target(mockTls, await readFile(String(mockTls.ready.ca), 'utf8'));
    const trivial = target(trivialTls, String(trivialTls.ready.caPem));
    const calls = (port: number) => ({
      preauth: signed(port, '/rest/v1/preauth', { user: 'alice', ipaddr: '192.0.2.10', failmode: 'safe' }),
      auth: signed(port, '/rest/v1/auth', { user: 'alice', factor: 'auto', auto: 'push1', ipaddr: '192.0.2.10' }),
      slow: signed(port, '/rest/v1/auth', { user: 'slow', factor: 'auto', auto: 'push1', ipaddr: '192.0.2.10' }),
      hold: signed(port, '/rest/v1/auth', { user: 'hold', factor: 'auto', auto: 'push1', ipaddr: '192.0.2.10' }),
    });
    const m = calls(mock.port);
    const t = calls(trivial.port);
    const hold = (ms: number): Call => ({ ...t.slow, path: `/hold?ms=${ms}` });
    // The mock really answers what we think it does (checked once, outside the timed loops).
    const agent = mock.agent(1);
    const pre = JSON.parse((await send(mock, agent, m.preauth)).body);
    const auth = JSON.parse((await send(mock, agent, m.auth)).body);
    agent.destroy();
    if (pre.response?.result !== 'auth' || auth.response?.result !== 'allow') throw new Error(`unexpected mock answers: ${JSON.stringify([pre, auth])}`);

    console.log(`mock Duo (own process, HTTPS) vs a trivial node:https server (own process, fixed JSON); ${MEASURE_MS} ms per figure after ${WARMUP_MS} ms warm-up`);
    console.log('signed /rest/v1 preauth+auth pairs over keep-alive, signatures precomputed (v1 carries no date)');
    console.log("server CPU = the server process's user+system time per request; per core = 1 s / that (what one core of it could answer)");
    console.log(
      'concurrency | mock pairs/s (req/s) | p50 / p99 ms | mock CPU µs/req (req/s per core) | trivial pairs/s (req/s) | p50 / p99 ms | trivial CPU µs/req (per core) | ratio pairs/s | ratio CPU | failures',
    );
    // Both servers warm (JIT, TLS session caches) before anything is measured: the first figures would
    // otherwise carry the mock's compilation on V8's background threads.
    await pairs(trivial, 16, t.preauth, t.auth);
    await pairs(mock, 16, m.preauth, m.auth);
    const cpu = (x: LoopResult) => `${x.serverUs.toFixed(0)} (${(1e6 / x.serverUs).toFixed(0)})`;
    for (const c of CONCURRENCY) {
      const base = await pairs(trivial, c, t.preauth, t.auth);
      const r = await pairs(mock, c, m.preauth, m.auth);
      console.log(
        [
          String(c).padStart(11),
          `${r.pairsPerSec.toFixed(0)} (${(2 * r.pairsPerSec).toFixed(0)})`.padStart(20),
          `${r.p50.toFixed(2)} / ${r.p99.toFixed(2)}`.padStart(12),
          cpu(r).padStart(32),
          `${base.pairsPerSec.toFixed(0)} (${(2 * base.pairsPerSec).toFixed(0)})`.padStart(23),
          `${base.p50.toFixed(2)} / ${base.p99.toFixed(2)}`.padStart(12),
          cpu(base).padStart(29),
          (r.pairsPerSec / base.pairsPerSec).toFixed(2).padStart(13),
          (base.serverUs / r.serverUs).toFixed(2).padStart(9),
          String(r.failures + base.failures),
        ].join(' | '),
      );
    }

    const allow = (a: Answer) => a.status === 200 && a.body.includes('"allow"');
    const ok = (a: Answer) => a.status === 200;
    const burst = await many(mock, BURST, m.slow, m.preauth, allow);
    const burstBase = await many(trivial, BURST, hold(BURST_PUSH_MS), t.preauth, ok);
    const over = (r: ManyResult) => r.wallMs - BURST_PUSH_MS;
    console.log(
      `burst: ${BURST} concurrent /rest/v1/auth on new TLS connections, ${BURST_PUSH_MS} ms pushes: answered ${burst.answered}/${BURST}, allowed ${burst.ok}, ` +
        `wall ${burst.wallMs.toFixed(0)} ms = ${over(burst).toFixed(0)} ms over the push (trivial server holding as long: answered ${burstBase.answered}/${BURST}, ` +
        `${over(burstBase).toFixed(0)} ms over; ratio ${(over(burst) / over(burstBase)).toFixed(2)}); new connections ${burst.newConnections}, TLS resumed ${burst.resumed}`,
    );

    const mockPlain = target(await start([bin, 'mock-duo', '--port', '0', '--fixtures', fixture, '--http']), undefined);
    const trivialPlain = target(await start(['--import', 'tsx', import.meta.filename, '--trivial-server', '--http']), undefined);
    const mp = calls(mockPlain.port);
    const tp = calls(trivialPlain.port);
    const stateAgent = mockPlain.agent(1);
    const inFlight = async () => {
      const r = await send(mockPlain, stateAgent, { method: 'GET', path: '/_mock/state', headers: { Host: 'localhost' }, body: '' });
      return Number(JSON.parse(r.body).in_flight);
    };
    // Both warm first, as above.
    await pairs(mockPlain, 16, mp.preauth, mp.auth);
    await pairs(trivialPlain, 16, tp.preauth, tp.auth);
    const held = await many(mockPlain, HELD, mp.hold, mp.preauth, allow, inFlight);
    stateAgent.destroy();
    const heldBase = await many(trivialPlain, HELD, { ...hold(HELD_PUSH_MS), headers: { ...tp.slow.headers } }, tp.preauth, ok);
    const kb = (r: ManyResult) => (r.rssGrowth / HELD / 1024).toFixed(1);
    console.log(
      `held (plain HTTP): ${HELD} pushes of ${HELD_PUSH_MS} ms: mock answered ${held.answered}/${HELD} (allowed ${held.ok}) in ${held.wallMs.toFixed(0)} ms, ` +
        `${held.inFlight ?? '?'} waiting at once; RSS +${(held.rssGrowth / 2 ** 20).toFixed(0)} MiB = ${kb(held)} KiB per held request (its socket included); ` +
        `trivial server holding as many: answered ${heldBase.answered}/${HELD}, +${(heldBase.rssGrowth / 2 ** 20).toFixed(0)} MiB = ${kb(heldBase)} KiB each; ` +
        `ratio ${(held.rssGrowth / heldBase.rssGrowth).toFixed(2)}`,
    );
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--trivial-server')) await trivialServer(process.argv.includes('--http'));
else await main();
