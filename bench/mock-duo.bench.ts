// `npm run bench -- mock-duo`: how fast the standalone mock Duo (its own process, HTTPS keep-alive) answers
// signed /rest/v1 preauth+auth pairs (push approved at once) from a cheap client: node:https keep-alive
// with signatures computed once. Baseline in the same run: a trivial node:https server (same kind of
// certificate, same server settings) answering a fixed JSON body to the same loop, so the ratio says
// how close the mock comes to what node:https can do on this machine. Also: a burst of 2,000 concurrent
// /rest/v1/auth with 3 s pushes (all answered? wall time), and 10,000 pushes held waiting at once
// (memory per held request, against the trivial server holding as many).
//
// Run as `bench/mock-duo.bench.ts --trivial-server` it is that trivial server.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext, type TLSSocket } from 'node:tls';
import { sign } from '../adapters/duo/signature.ts';
import { rssOf, spawnReady } from './lib/spawn-ready.ts';

const IKEY = 'DIBENCH0000000000000';
const SKEY = 'benchSkeyBenchSkeyBenchSkeyBenchSkeyBenc';
const quick = process.env.BENCH_QUICK === '1';
const WARMUP_MS = quick ? 200 : 400;
const MEASURE_MS = quick ? 600 : 1500;
const CONCURRENCY = [1, 16, 128] as const;
const BURST = quick ? 200 : 2000;
const BURST_PUSH_MS = 3000;
const HELD = quick ? 1000 : 10_000;
const HELD_PUSH_MS = quick ? 4000 : 12_000;
const FIXED_BODY = '{"stat":"OK","response":{"result":"allow","status":"Success. Logging you in..."}}';

/** The ceiling: node:https with the mock's kind of certificate and settings, a fixed answer;
 *  `/hold?ms=N` answers after N ms, like a waiting push. */
async function trivialServer(): Promise<void> {
  const { generateMockTls } = await import('../mock-duo/tls.ts');
  const tls = await generateMockTls();
  const server = https.createServer({ cert: tls.certPem, key: tls.keyPem, keepAliveTimeout: 65_000, headersTimeout: 90_000, requestTimeout: 0 }, (req, res) => {
    req.resume();
    req.on('end', () => {
      const answer = () => res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': FIXED_BODY.length }).end(FIXED_BODY);
      const hold = /^\/hold\?ms=(\d+)$/.exec(req.url ?? '');
      if (hold) setTimeout(answer, Number(hold[1]));
      else answer();
    });
  });
  server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
    const port = (server.address() as { port: number }).port;
    process.stdout.write(`${JSON.stringify({ event: 'ready', port, ca: tls.caPem })}\n`);
  });
  process.on('SIGTERM', () => process.exit(0));
}

interface Call {
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

function send(agent: https.Agent, port: number, call: Call, onWritten?: () => void): Promise<Answer> {
  return new Promise((resolve) => {
    const req = https.request({ host: '127.0.0.1', servername: 'localhost', port, method: 'POST', path: call.path, headers: call.headers, agent }, (res: IncomingMessage) => {
      let body = '';
      const resumed = (res.socket as TLSSocket | null)?.isSessionReused?.() ?? false;
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, resumed, reused: req.reusedSocket }));
    });
    req.on('error', () => resolve({ status: 0, body: '', resumed: false, reused: false }));
    if (onWritten) req.on('finish', onWritten);
    req.end(call.body);
  });
}

interface LoopResult {
  pairsPerSec: number;
  p50: number;
  p99: number;
  failures: number;
  /** The server's CPU time (user + system) per request answered, µs: its cost whatever the client does. */
  serverUs: number;
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

/** `concurrency` loops of preauth then auth on one keep-alive agent; pairs completed during MEASURE_MS. */
async function pairs(port: number, ca: string, pid: number, concurrency: number, preauth: Call, auth: Call): Promise<LoopResult> {
  const agent = new https.Agent({ keepAlive: true, maxSockets: concurrency, secureContext: createSecureContext({ ca }) });
  let measuring = false;
  let stop = false;
  let failures = 0;
  const latencies: number[] = [];
  const worker = async () => {
    while (!stop) {
      const t0 = performance.now();
      const a = await send(agent, port, preauth);
      const b = await send(agent, port, auth);
      if (!measuring) continue;
      if (a.status === 200 && b.status === 200) latencies.push(performance.now() - t0);
      else failures++;
    }
  };
  const workers = Array.from({ length: concurrency }, worker);
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  measuring = true;
  const t0 = performance.now();
  const cpu0 = cpuOf(pid);
  await new Promise((r) => setTimeout(r, MEASURE_MS));
  const done = latencies.length;
  const cpu = cpuOf(pid) - cpu0;
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
}

/** `count` requests at once on fresh connections (the TLS session cache primed by one request first,
 *  as a client that has talked to the server before); RSS of `pid` sampled once all are written. */
async function many(port: number, ca: string, count: number, call: Call, prime: Call, pid: number, okWhen: (a: Answer) => boolean): Promise<ManyResult> {
  // One SecureContext for every connection, as our Duo client does (a `ca` option alone builds one per
  // connection, which costs the client more than the handshake).
  const fresh = new https.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY, secureContext: createSecureContext({ ca }) });
  await send(fresh, port, prime);
  const rssBefore = await rssOf(pid);
  let written = 0;
  let allWritten: () => void = () => {};
  const writtenAll = new Promise<void>((r) => (allWritten = r));
  const t0 = performance.now();
  const answers = Array.from({ length: count }, () =>
    send(fresh, port, call, () => {
      if (++written === count) allWritten();
    }),
  );
  let rssHeld = Number.NaN;
  const sampled = writtenAll.then(async () => {
    await new Promise((r) => setTimeout(r, 300));
    rssHeld = await rssOf(pid);
  });
  const results = await Promise.all(answers);
  const wallMs = performance.now() - t0;
  if (written < count) rssHeld = Number.NaN;
  else await sampled;
  fresh.destroy();
  return {
    answered: results.filter((r) => r.status !== 0).length,
    ok: results.filter(okWhen).length,
    wallMs,
    newConnections: results.filter((r) => !r.reused).length,
    resumed: results.filter((r) => r.resumed).length,
    rssGrowth: rssHeld - rssBefore,
  };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mock-duo-bench-'));
  const phone = (after: number) => ({ type: 'phone', number: 'XXX-XXX-1234', capabilities: ['push', 'phone', 'sms'], push: 'approve', after_ms: after });
  await writeFile(
    join(dir, 'fixture.json'),
    JSON.stringify({
      integrations: [{ ikey: IKEY, skey: SKEY, api_host: 'localhost' }],
      new_user_policy: 'deny',
      users: { alice: { devices: [phone(0)] }, slow: { devices: [phone(BURST_PUSH_MS)] }, hold: { devices: [phone(HELD_PUSH_MS)] } },
    }),
  );
  const bin = join(import.meta.dirname, '..', 'bin', 'authproxy.js');
  const mock = await spawnReady([bin, 'mock-duo', '--port', '0', '--fixtures', join(dir, 'fixture.json'), '--ca-out', join(dir, 'ca.pem')]);
  const trivial = await spawnReady(['--import', 'tsx', import.meta.filename, '--trivial-server']);
  try {
    const mockPort = Number(mock.ready.port);
    const { readFile } = await import('node:fs/promises');
    const mockCa = await readFile(String(mock.ready.ca), 'utf8');
    const trivialPort = Number(trivial.ready.port);
    const trivialCa = String(trivial.ready.ca);
    const calls = (port: number) => ({
      preauth: signed(port, '/rest/v1/preauth', { user: 'alice', ipaddr: '192.0.2.10', failmode: 'safe' }),
      auth: signed(port, '/rest/v1/auth', { user: 'alice', factor: 'auto', auto: 'push1', ipaddr: '192.0.2.10' }),
      slow: signed(port, '/rest/v1/auth', { user: 'slow', factor: 'auto', auto: 'push1', ipaddr: '192.0.2.10' }),
      hold: signed(port, '/rest/v1/auth', { user: 'hold', factor: 'auto', auto: 'push1', ipaddr: '192.0.2.10' }),
    });
    const m = calls(mockPort);
    const t = calls(trivialPort);
    // The mock really answers what we think it does (checked once, outside the timed loops).
    const agent = new https.Agent({ keepAlive: true, ca: mockCa });
    const pre = JSON.parse((await send(agent, mockPort, m.preauth)).body);
    const auth = JSON.parse((await send(agent, mockPort, m.auth)).body);
    agent.destroy();
    if (pre.response?.result !== 'auth' || auth.response?.result !== 'allow') throw new Error(`unexpected mock answers: ${JSON.stringify([pre, auth])}`);

    console.log(`mock Duo (own process, HTTPS) vs a trivial node:https server (own process, fixed JSON); ${MEASURE_MS} ms per figure after ${WARMUP_MS} ms warm-up`);
    console.log('signed /rest/v1 preauth+auth pairs over keep-alive, signatures precomputed (v1 carries no date)');
    console.log('server CPU = the server process\'s user+system time per request; req/s per core = 1 s / that (what one core could answer)');
    console.log(
      'concurrency | mock pairs/s (req/s) | p50 / p99 ms | server CPU µs/req (req/s per core) | trivial pairs/s (req/s) | p50 / p99 ms | trivial CPU µs/req (per core) | ratio pairs/s | ratio CPU | failures',
    );
    // Both servers warm (JIT, TLS session caches) before anything is measured: the first figures would
    // otherwise carry the mock's compilation on V8's background threads.
    await pairs(trivialPort, trivialCa, trivial.proc.pid!, 16, t.preauth, t.auth);
    await pairs(mockPort, mockCa, mock.proc.pid!, 16, m.preauth, m.auth);
    for (const c of CONCURRENCY) {
      const base = await pairs(trivialPort, trivialCa, trivial.proc.pid!, c, t.preauth, t.auth);
      const r = await pairs(mockPort, mockCa, mock.proc.pid!, c, m.preauth, m.auth);
      const cpu = (x: LoopResult) => `${x.serverUs.toFixed(0)} (${(1e6 / x.serverUs).toFixed(0)})`;
      console.log(
        [
          String(c).padStart(11),
          `${r.pairsPerSec.toFixed(0)} (${(2 * r.pairsPerSec).toFixed(0)})`.padStart(20),
          `${r.p50.toFixed(2)} / ${r.p99.toFixed(2)}`.padStart(12),
          cpu(r).padStart(34),
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
    const trivialHold = (ms: number): Call => ({ ...t.slow, path: `/hold?ms=${ms}` });
    const burst = await many(mockPort, mockCa, BURST, m.slow, m.preauth, mock.proc.pid!, allow);
    const burstBase = await many(trivialPort, trivialCa, BURST, trivialHold(BURST_PUSH_MS), t.preauth, trivial.proc.pid!, ok);
    const over = (r: ManyResult, push: number) => `${(r.wallMs - push).toFixed(0)} ms`;
    console.log(
      `burst: ${BURST} concurrent /rest/v1/auth on new connections, ${BURST_PUSH_MS} ms pushes: answered ${burst.answered}/${BURST}, allowed ${burst.ok}, ` +
        `wall ${burst.wallMs.toFixed(0)} ms (${over(burst, BURST_PUSH_MS)} over the push; trivial server holding as long: ${burstBase.answered}/${BURST}, ` +
        `${over(burstBase, BURST_PUSH_MS)} over; ratio ${((burst.wallMs - BURST_PUSH_MS) / (burstBase.wallMs - BURST_PUSH_MS)).toFixed(2)}); new connections ${burst.newConnections}, TLS resumed ${burst.resumed}`,
    );

    const held = await many(mockPort, mockCa, HELD, m.hold, m.preauth, mock.proc.pid!, allow);
    const heldBase = await many(trivialPort, trivialCa, HELD, trivialHold(HELD_PUSH_MS), t.preauth, trivial.proc.pid!, ok);
    const kb = (r: ManyResult) => (r.rssGrowth / HELD / 1024).toFixed(1);
    console.log(
      `held: ${HELD} pushes of ${HELD_PUSH_MS} ms at once: mock answered ${held.answered}/${HELD} (allowed ${held.ok}) in ${held.wallMs.toFixed(0)} ms, ` +
        `RSS +${(held.rssGrowth / 2 ** 20).toFixed(0)} MiB = ${kb(held)} KiB per held request (TLS connection included); trivial server holding as many: ` +
        `answered ${heldBase.answered}/${HELD} in ${heldBase.wallMs.toFixed(0)} ms, +${(heldBase.rssGrowth / 2 ** 20).toFixed(0)} MiB = ${kb(heldBase)} KiB each; ` +
        `ratio ${(held.rssGrowth / heldBase.rssGrowth).toFixed(2)}`,
    );
  } finally {
    await Promise.all([mock.stop(), trivial.stop()]);
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--trivial-server')) await trivialServer();
else await main();
