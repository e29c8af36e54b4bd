// The proxy's own CPU cost per login: an in-process proxy (startProxy, duo_only, push approved at once)
// against the standalone mock Duo in a child process, driven by a load generator in another child
// process (load-child.ts). The CPU this process spends during a run (process.cpuUsage) divided by the
// logins answered is the figure that does not depend on how the 2 cores are shared.
//   node --import tsx --expose-gc bench/lib/proxy-cpu.ts [--conc 1,16,128] [--total 6000] [--hold 10000] [--threads N]
// --threads N sets [main] engine_threads = N: the engines run in N worker threads of this process, so
// the CPU figure (process.cpuUsage counts every thread) is spread over cores and logins/s with p50/p99
// are the figures to compare.
// Run it under `node --cpu-prof --import tsx ...` to profile the proxy alone.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../../adapters/log/logger.ts';
import { randomUUID } from 'node:crypto';
import { callEngine, serveEngine } from '../../adapters/bus/login-rpc.ts';
import { createMemoryBus } from '../../adapters/bus/memory.ts';
import { createRadiusServer } from '../../adapters/radius/server.ts';
import { createMemoryStore } from '../../adapters/store/memory.ts';
import { type ProxyConfig, parseConfigText } from '../../config/index.ts';
import { createLoginEngine } from '../../engine/login-engine.ts';
import { startProxy } from '../../engine/proxy.ts';
import { buildServers, clientNetworks } from '../../engine/servers.ts';
import type { DuoApi } from '../../machines/contracts.ts';
import type { LoadReport } from '../../simulator/load.ts';
import { cpuOf } from './spawn-ready.ts';
import { BENCH_IKEY, BENCH_SECRET, BENCH_SKEY, approvingUser, startMockDuoChild } from './mock-duo-child.ts';

const { values: args } = parseArgs({
  options: {
    conc: { type: 'string', default: '1,16,128' },
    total: { type: 'string', default: '6000' },
    hold: { type: 'string', default: '0' },
    warmup: { type: 'string', default: '2000' },
    'log-level': { type: 'string', default: 'warn' },
    // Answer Duo calls in process at once (no HTTPS): the proxy's cost without the Duo client.
    'fake-duo': { type: 'boolean', default: false },
    threads: { type: 'string', default: '0' },
  },
});
const threads = Number(args.threads);
if (!Number.isInteger(threads) || threads < 0) throw new Error('--threads wants a whole number');
// The fake Duo is a function injected into this thread's engine; it cannot cross to a worker thread.
if (threads > 0 && args['fake-duo']) throw new Error('--threads and --fake-duo do not go together');

const SECRET = BENCH_SECRET;
const dir = await mkdtemp(join(tmpdir(), 'authproxy-cpu-'));
const mock = await startMockDuoChild(dir, { alice: approvingUser(0), hold: approvingUser(20_000) });
const port = 20000 + Math.floor(Math.random() * 20000);
const parsed = parseConfigText(
  `[main]\nhttp_ca_certs_file=ca.pem\nengine_threads=${threads}\n` +
    `[radius_server_duo_only]\nikey=${BENCH_IKEY}\nskey=${BENCH_SKEY}\napi_host=localhost\napi_port=${mock.port}\n` +
    `radius_ip_1=127.0.0.1\nradius_secret_1=${SECRET}\ninterface=127.0.0.1\nport=${port}\nfailmode=secure\n`,
  join(dir, 'authproxy.cfg'),
);
if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
const logger = createLogger({ level: args['log-level'], destination: process.stderr });
const proxy = args['fake-duo'] ? await startWithFakeDuo(parsed.config) : await startProxy({ config: parsed.config, logger });

/** startProxy's wiring, with every section's Duo client replaced by an instant in-process answer. */
async function startWithFakeDuo(config: ProxyConfig): Promise<{ stop(graceMs?: number): Promise<void> }> {
  const bus = createMemoryBus();
  const built = buildServers(config, logger, () => undefined);
  const duo: DuoApi = {
    preauth: async () => ({ ok: true, value: { result: 'auth', prompt: 'p', factors: { default: 'push1', '1': 'push1' } } }),
    auth: async () => ({ ok: true, value: { result: 'allow', status: 'Success. Logging you in...' } }),
  };
  const servers = new Map([...built.servers].map(([k, s]) => [k, { ...s, duo }]));
  const engine = createLoginEngine({ servers, store: createMemoryStore(), bus, logger });
  const sub = serveEngine(bus, (req) => engine.handle(req));
  const radius = createRadiusServer({
    sections: config.servers.map((s) => ({ name: s.name, port: s.port, interface: s.interface, clients: clientNetworks(s) })),
    handle: async (req) =>
      (await callEngine(bus, { loginId: randomUUID(), server: req.server, clientIp: req.clientIp, clientPort: req.clientPort, identifier: req.identifier, authenticator: req.authenticator, attributes: req.attributes, deadline: req.receivedAt + 10_000 }, 10_000))?.reply ?? {
        kind: 'drop',
        reason: 'no engine answered',
      },
  });
  const bound = await radius.listen();
  if (!bound.ok) throw new Error(bound.error);
  return {
    async stop() {
      sub.unsubscribe();
      await radius.close();
      await built.close();
      await bus.close();
    },
  };
}

const load = fork(join(import.meta.dirname, 'load-child.ts'), { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
await new Promise((r) => load.once('message', r));
let nextId = 0;
function run(concurrency: number, total: number, user = 'alice', extra: { timeoutMs?: number; sockets?: number } = {}): Promise<LoadReport> {
  const id = nextId++;
  return new Promise((resolve) => {
    const on = (m: { id?: number; result?: LoadReport }) => {
      if (m.id !== id) return;
      load.off('message', on);
      resolve(m.result!);
    };
    load.on('message', on);
    load.send({ id, port, secret: SECRET, concurrency, total, user, password: 'push', ...extra });
  });
}

/** Voluntary context switches of the main thread so far: how often the event loop went to sleep. */
function contextSwitches(): number {
  const m = /voluntary_ctxt_switches:\s+(\d+)/.exec(readFileSync('/proc/thread-self/status', 'utf8'));
  return m ? Number(m[1]) : Number.NaN;
}

/** CPU time of the main thread alone so far, µs (clock-tick resolution): with --threads, the part of
 *  the process's CPU that does not spread over cores (listeners, bus hub, challenge store). */
function mainThreadCpu(): number {
  const stat = readFileSync('/proc/thread-self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 1e4;
}

async function measured(concurrency: number, total: number) {
  global.gc?.();
  const switches0 = contextSwitches();
  const main0 = mainThreadCpu();
  const cpu0 = process.cpuUsage();
  const [mock0, load0] = await Promise.all([cpuOf(mock.proc.pid!), cpuOf(load.pid!)]);
  const r = await run(concurrency, total);
  const cpu = process.cpuUsage(cpu0);
  const mainUs = (mainThreadCpu() - main0) / Math.max(1, r.answered);
  const [mock1, load1] = await Promise.all([cpuOf(mock.proc.pid!), cpuOf(load.pid!)]);
  const switches = (contextSwitches() - switches0) / Math.max(1, r.answered);
  const us = (cpu.user + cpu.system) / Math.max(1, r.answered);
  console.log(
    `c=${String(concurrency).padEnd(4)} ${r.perSecond.toFixed(0).padStart(6)} logins/s  proxy CPU ${us.toFixed(0).padStart(5)} µs/login ` +
      `(user ${(cpu.user / r.answered).toFixed(0)}, sys ${(cpu.system / r.answered).toFixed(0)}, ${switches.toFixed(1)} sleeps)  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  ` +
      `answered ${r.answered}/${r.sent} codes ${JSON.stringify(r.codes)}`,
  );
  const per = (a: number, b: number) => ((b - a) / Math.max(1, r.answered)).toFixed(0);
  console.log(
    `       ${threads > 0 ? `main thread ${mainUs.toFixed(0)} µs/login, ` : ''}mock Duo CPU ${per(mock0, mock1)} µs/login, load generator CPU ${per(load0, load1)} µs/login`,
  );
}

try {
  console.log(
    `proxy-cpu: ${args['fake-duo'] ? 'instant in-process Duo' : 'HTTPS mock Duo'}, duo_only, push approved at once, ` +
      `${threads > 0 ? `engine in ${threads} worker thread(s)` : 'engine on the main thread'}, node ${process.version}`,
  );
  await run(16, Number(args.warmup));
  for (const c of args.conc.split(',').map(Number)) await measured(c, c === 1 ? Math.ceil(Number(args.total) / 4) : Number(args.total));
  const holdN = Number(args.hold);
  if (holdN > 0) {
    global.gc?.();
    const before = process.memoryUsage();
    const holding = run(holdN, holdN, 'hold', { timeoutMs: 60_000, sockets: 48 });
    await new Promise((r) => setTimeout(r, 12_000));
    const during = process.memoryUsage();
    global.gc?.();
    const live = process.memoryUsage();
    if (process.env.HOLD_SNAPSHOT) console.log('heap snapshot', (await import('node:v8')).writeHeapSnapshot(process.env.HOLD_SNAPSHOT));
    const held = await holding;
    const mb = (n: number) => (n / 2 ** 20).toFixed(0);
    console.log(
      `${holdN} logins waiting on 20 s pushes: proxy RSS ${mb(before.rss)} MB before, ${mb(during.rss)} MB while waiting ` +
        `(heap used ${mb(during.heapUsed)} MB, ${mb(live.heapUsed)} MB live after a GC; external ${mb(during.external)} MB); then answered ${held.answered}, lost ${held.lost}`,
    );
  }
} finally {
  load.kill();
  await proxy.stop(1000);
  await mock.stop();
  await rm(dir, { recursive: true, force: true });
}
