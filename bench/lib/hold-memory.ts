// Memory of logins held waiting on pushes, in a real `authproxy start` process (bench/login.bench.ts
// reports it): the mock Duo in its own process holds every push; the proxy is warmed by 500 quick logins,
// then N logins are sent at once and its RSS is read once the mock Duo has all N in flight. The pushes
// last 50 s: on this 2-core machine the proxy opens its Duo connections at ~450/s, so with 20 s pushes
// the first ones are answered before the 10,000th login reaches Duo (a reading at a fixed 8 s saw only
// ~4,000 of them waiting).
//
//   node --import tsx bench/lib/hold-memory.ts [N] [--heapsnapshot] [--push-ms=120000] [--bin=PATH]
//
// --heapsnapshot: the proxy also writes a heap snapshot before and while holding (SIGUSR2), and the
// script prints what the waiting logins added, per login, by constructor (internal kinds by their first
// retainer). HOLD_KEEP=dir keeps the two snapshots; HOLD_TRACE=1 prints the ramp.
import { createSocket } from 'node:dgram';
import { copyFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { AUTHPROXY_BIN, BENCH_IKEY, BENCH_SECRET, BENCH_SKEY, approvingUser, startMockDuoChild } from './mock-duo-child.ts';
import { type LoadReport, pap, runLoad } from '../../simulator/load.ts';
import { rssOf, spawnReady } from './spawn-ready.ts';

export interface HoldFigures {
  n: number;
  rssBefore: number;
  rssHolding: number;
  /** How many of the N the mock Duo had in flight at the reading. */
  inFlight: number;
  perLoginKiB: number;
  held: LoadReport;
}

export interface HoldOptions {
  n: number;
  warm?: number;
  /** How long each push waits (ms); long enough for all n to be in flight at once. */
  pushMs?: number;
  /** Called while the logins wait (e.g. to probe the event loop); its time counts in the hold. */
  whileHolding?: (port: number) => Promise<void>;
  /** The proxy's RADIUS port; default a free one. */
  port?: number;
  heapSnapshot?: boolean;
  log?: (line: string) => void;
  /** The `authproxy` to hold the logins in (default: this checkout's bin/authproxy.js); the mock Duo is always this checkout's. */
  bin?: string;
  /** Called once the mock Duo is up, with its port and the file of its CA (e.g. to measure against it). */
  withMock?: (port: number, caFile: string) => Promise<void>;
}

/** Holds `n` logins waiting on pushes in a fresh proxy and reads its RSS before and while. */
export async function holdMemory(o: HoldOptions): Promise<HoldFigures & { heap?: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'authproxy-hold-'));
  const log = o.log ?? (() => undefined);
  const mock = await startMockDuoChild(dir, { alice: approvingUser(0), hold: approvingUser(o.pushMs ?? 50_000) });
  const ca = await readFile(join(dir, 'ca.pem'), 'utf8');
  if (o.withMock) {
    try {
      await o.withMock(mock.port, join(dir, 'ca.pem'));
    } catch (e) {
      await mock.stop();
      throw e;
    }
  }
  const port = o.port ?? (await freeUdpPort());
  await writeFile(
    join(dir, 'hold.cfg'),
    `[main]\nhttp_ca_certs_file=ca.pem\n[radius_server_duo_only]\nikey=${BENCH_IKEY}\nskey=${BENCH_SKEY}\napi_host=localhost\napi_port=${mock.port}\n` +
      `radius_ip_1=127.0.0.1\nradius_secret_1=${BENCH_SECRET}\ninterface=127.0.0.1\nport=${port}\n`,
  );
  const nodeFlags = o.heapSnapshot ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${dir}`] : [];
  const proxy = await spawnReady([...nodeFlags, o.bin ?? AUTHPROXY_BIN, 'start', '-c', join(dir, 'hold.cfg'), '--log-level', 'warn'], {
    timeoutMs: 30_000,
  }).catch(async (e) => {
    await mock.stop();
    throw e;
  });
  const agent = new Agent({ connect: { ca } });
  const mockInFlight = async () => {
    const r = await request(`https://localhost:${mock.port}/_mock/state`, { dispatcher: agent });
    return ((await r.body.json()) as { in_flight: number }).in_flight;
  };
  try {
    await runLoad({ target: { host: '127.0.0.1', port }, secret: BENCH_SECRET, concurrency: 16, count: o.warm ?? 500, attributes: () => pap('alice', 'push') });
    const rssBefore = await rssOf(proxy.proc.pid!);
    const snapBefore = o.heapSnapshot ? await takeSnapshot(proxy.proc, dir) : undefined;
    // Up to the proxy's login_timeout (120 s): on a busy machine the last logins reach Duo 30 s or more
    // after they were sent, and their answer comes the push's 50 s later.
    const holding = runLoad({ target: { host: '127.0.0.1', port }, secret: BENCH_SECRET, concurrency: o.n, count: o.n, timeoutMs: 115_000, sockets: 48, attributes: () => pap('hold', 'push') });
    // Every login is waiting once the mock Duo holds n pushes.
    const t0 = Date.now();
    let inFlight = 0;
    while (Date.now() - t0 < (o.pushMs ?? 50_000) - 5000) {
      await new Promise((r) => setTimeout(r, 250));
      inFlight = await mockInFlight();
      if (process.env.HOLD_TRACE) log(`  t=${Date.now() - t0} in flight ${inFlight} rss ${((await rssOf(proxy.proc.pid!)) / 2 ** 20).toFixed(0)} MB`);
      if (inFlight >= o.n) break;
    }
    log(`  ${inFlight}/${o.n} pushes waiting at the mock after ${Date.now() - t0} ms, proxy RSS ${((await rssOf(proxy.proc.pid!)) / 2 ** 20).toFixed(0)} MB`);
    // The first readings after the last arrival may still count its garbage (one collection later RSS is
    // ~10 MB lower, then flat): the median of 11 readings over 2.75 s.
    const readings: number[] = [];
    for (let i = 0; i < 11; i++) {
      await new Promise((r) => setTimeout(r, 250));
      readings.push(await rssOf(proxy.proc.pid!));
    }
    const rssHolding = [...readings].sort((a, b) => a - b)[5]!;
    log(`  RSS readings while holding (MB): ${readings.map((r) => (r / 2 ** 20).toFixed(0)).join(' ')}`);
    let heap: string | undefined;
    if (o.heapSnapshot) {
      const snapWhile = await takeSnapshot(proxy.proc, dir);
      heap = snapBefore && snapWhile ? diffSummary(await summarize(snapBefore), await summarize(snapWhile), o.n) : 'no heap snapshot written';
      // HOLD_KEEP=dir keeps both snapshots for a closer look.
      if (process.env.HOLD_KEEP && snapBefore && snapWhile) {
        await copyFile(snapBefore, join(process.env.HOLD_KEEP, 'before.heapsnapshot'));
        await copyFile(snapWhile, join(process.env.HOLD_KEEP, 'while.heapsnapshot'));
      }
    }
    await o.whileHolding?.(port);
    const held = await holding;
    return { n: o.n, rssBefore, rssHolding, inFlight, perLoginKiB: (rssHolding - rssBefore) / o.n / 1024, held, ...(heap !== undefined ? { heap } : {}) };
  } finally {
    await agent.close();
    await Promise.all([proxy.stop(), mock.stop()]);
    await rm(dir, { recursive: true, force: true });
  }
}

async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(resolve));
  return port;
}

/** Signals the proxy for a heap snapshot and waits until the file is complete; returns its path. */
async function takeSnapshot(proc: import('node:child_process').ChildProcess, dir: string): Promise<string | undefined> {
  const before = new Set((await readdir(dir)).filter((f) => f.endsWith('.heapsnapshot')));
  proc.kill('SIGUSR2');
  let file: string | undefined;
  let lastSize = -1;
  // Written in one go while the proxy's thread is paused; done once its size stops moving.
  for (let i = 0; i < 1200; i++) {
    await new Promise((r) => setTimeout(r, 500));
    file ??= (await readdir(dir)).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    if (!file) continue;
    const size = (await stat(join(dir, file))).size;
    if (size === lastSize && size > 0) break;
    lastSize = size;
  }
  return file && join(dir, file);
}

type Summary = Map<string, { count: number; size: number }>;

/**
 * Self sizes per kind of node. Objects and closures by constructor / function name; the internal kinds
 * (arrays, strings, hidden, code...) by what first retains them (`owner.edge`), which says whose they are.
 */
async function summarize(file: string): Promise<Summary> {
  const snap = JSON.parse(await readFile(file, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
    nodes: number[];
    edges: number[];
    strings: string[];
  };
  const { meta } = snap.snapshot;
  const nf = meta.node_fields.length;
  const ef = meta.edge_fields.length;
  const [iType, iName, iSize, iEdges] = ['type', 'name', 'self_size', 'edge_count'].map((f) => meta.node_fields.indexOf(f)) as [number, number, number, number];
  const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((f) => meta.edge_fields.indexOf(f)) as [number, number, number];
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const count = snap.nodes.length / nf;
  const parent = new Int32Array(count).fill(-1);
  const parentEdge: string[] = new Array(count);
  let e = 0;
  for (let n = 0; n < count; n++) {
    const edges = snap.nodes[n * nf + iEdges]!;
    for (let k = 0; k < edges; k++, e += ef) {
      const type = edgeTypes[snap.edges[e + eType]!]!;
      if (type === 'weak' || type === 'shortcut') continue;
      const to = snap.edges[e + eTo]! / nf;
      if (parent[to] !== -1) continue;
      parent[to] = n;
      const nameOrIndex = snap.edges[e + eName]!;
      parentEdge[to] = type === 'element' || type === 'hidden' ? `[${type}]` : snap.strings[nameOrIndex]!.slice(0, 40);
    }
  }
  const label = (n: number) => {
    const type = nodeTypes[snap.nodes[n * nf + iType]!]!;
    return type === 'object' || type === 'closure' || type === 'native' ? `${type}:${snap.strings[snap.nodes[n * nf + iName]!]!.slice(0, 50)}` : type;
  };
  const by: Summary = new Map();
  for (let n = 0; n < count; n++) {
    let key = label(n);
    if (!key.includes(':') || key === 'object:system / Context' || key === 'object:Object' || key === 'object:Array' || key === 'closure:') {
      const p = parent[n]!;
      key += p === -1 ? ' <- (root)' : ` <- ${label(p)}.${parentEdge[n]}`;
    }
    const s = snap.nodes[n * nf + iSize]!;
    const row = by.get(key) ?? { count: 0, size: 0 };
    row.count++;
    row.size += s;
    by.set(key, row);
  }
  return by;
}

/** What the waiting logins added, per login: the difference of two summaries. */
function diffSummary(before: Summary, after: Summary, n: number): string {
  const rows: [string, number, number][] = [];
  let total = 0;
  for (const [k, a] of after) {
    const b = before.get(k) ?? { count: 0, size: 0 };
    rows.push([k, (a.count - b.count) / n, (a.size - b.size) / n]);
    total += a.size - b.size;
  }
  for (const [k, b] of before) if (!after.has(k)) rows.push([k, -b.count / n, -b.size / n]);
  rows.sort((x, y) => y[2] - x[2]);
  return [
    `heap snapshot: ${(total / n / 1024).toFixed(2)} KiB of self sizes more per waiting login; top entries (count per login, bytes per login):`,
    ...rows.slice(0, Number(process.env.HOLD_ROWS ?? 60)).map(([k, c, s]) => `  ${c.toFixed(2).padStart(8)}  ${s.toFixed(0).padStart(7)} B  ${k}`),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 10_000);
  // --push-ms=N: longer pushes, so that on a busy machine every login reaches the mock Duo before the reading.
  const pushMs = Number(process.argv.find((a) => a.startsWith('--push-ms='))?.slice('--push-ms='.length) ?? 50_000);
  // --bin=PATH: another checkout's bin/authproxy.js (e.g. .bench-baseline/<commit>/bin/authproxy.js).
  const bin = process.argv.find((a) => a.startsWith('--bin='))?.slice('--bin='.length);
  const r = await holdMemory({ n, pushMs, heapSnapshot: process.argv.includes('--heapsnapshot'), log: console.log, ...(bin ? { bin } : {}) });
  console.log(
    `${n} logins waiting: RSS ${(r.rssBefore / 2 ** 20).toFixed(0)} MB before, ${(r.rssHolding / 2 ** 20).toFixed(0)} MB while waiting ` +
      `(${r.perLoginKiB.toFixed(1)} KiB per waiting login; ${r.inFlight} in flight at the mock); then answered ${r.held.answered}, lost ${r.held.lost}`,
  );
  if (r.heap) console.log(r.heap);
}
