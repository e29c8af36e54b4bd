// CPU per login and logins/s of the code issue 14 started from (baseline: a git worktree of db7ab86,
// run through tsx as it was) and of the current code (dist/), side by side in the same run: each is an
// `authproxy start` process on the same config, against one mock Duo (its own process, push approved at
// once), driven by the load generator in this process. The proxy's CPU per login is read from
// /proc/<pid>/stat before and after each run (user + system, all threads), which does not depend on how
// the 2 cores are shared with others; runs alternate baseline / new and repeat ROUNDS times, and the
// medians are compared. Targets (issue 14): CPU per login ≤ 0.5x baseline for duo_only and auto
// (duo_only_client) at c=16 and a two-round challenge login; duo_only logins/s ≥ 1.5x at c=16 and c=128.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findValues } from '../adapters/radius/attributes.ts';
import { type LoadReport, pap, runLoad } from '../simulator/load.ts';
import { type Code, baselineCode, currentCode, loadAverage } from './lib/baseline.ts';
import { BENCH_SECRET, approvingUser, benchDuoKeys, startMockDuoChild } from './lib/mock-duo-child.ts';
import { cpuOf, spawnReady, type Ready } from './lib/spawn-ready.ts';

const quick = process.env.BENCH_QUICK === '1';
const ROUNDS = quick ? 1 : Number(process.env.BENCH_ROUNDS ?? 3);
const N = (n: number) => (quick ? Math.ceil(n / 10) : n);
const SECRET = BENCH_SECRET;
const dir = await mkdtemp(join(tmpdir(), 'authproxy-login-cpu-'));
const codes = [baselineCode(), currentCode()];
const mock = await startMockDuoChild(dir, { alice: approvingUser(0) });
const duo = benchDuoKeys(mock.port);
const firstPort = 30000 + Math.floor(Math.random() * 20000);

interface Proxy {
  code: Code;
  ready: Ready;
  ports: { duoOnly: number; auto: number; challenge: number };
}
const proxies: Proxy[] = [];
try {
  for (const [i, code] of codes.entries()) {
    const p = firstPort + i * 3;
    const ports = { duoOnly: p, auto: p + 1, challenge: p + 2 };
    const cfg = join(dir, `${code.label}.cfg`);
    await writeFile(
      cfg,
      `[main]\nhttp_ca_certs_file=ca.pem\n[duo_only_client]\n` +
        `[radius_server_duo_only]\n${duo}\nport=${ports.duoOnly}\n` +
        `[radius_server_auto]\n${duo}\nport=${ports.auto}\nclient=duo_only_client\n` +
        `[radius_server_challenge]\n${duo}\nport=${ports.challenge}\nclient=duo_only_client\n`,
    );
    proxies.push({ code, ports, ready: await spawnReady([code.bin, 'start', '-c', cfg, '--log-level', 'warn'], { timeoutMs: 60_000 }) });
  }

  const to = (port: number) => ({ host: '127.0.0.1', port });
  const kinds: { name: string; concurrency: number; count: number; cpuTarget?: number; rateTarget?: number; run: (p: Proxy, c: number, n: number) => Promise<LoadReport> }[] = [
    { name: 'duo_only', concurrency: 16, count: N(6000), cpuTarget: 0.5, rateTarget: 1.5, run: (p, c, n) => runLoad({ target: to(p.ports.duoOnly), secret: SECRET, concurrency: c, count: n, attributes: () => pap('alice', 'push') }) },
    { name: 'duo_only', concurrency: 128, count: N(6000), rateTarget: 1.5, run: (p, c, n) => runLoad({ target: to(p.ports.duoOnly), secret: SECRET, concurrency: c, count: n, attributes: () => pap('alice', 'push') }) },
    { name: 'auto (duo_only_client)', concurrency: 16, count: N(6000), cpuTarget: 0.5, run: (p, c, n) => runLoad({ target: to(p.ports.auto), secret: SECRET, concurrency: c, count: n, attributes: () => pap('alice', 'hunter2,push') }) },
    {
      name: 'challenge, two rounds',
      concurrency: 16,
      count: N(3000),
      cpuTarget: 0.5,
      run: (p, c, n) =>
        runLoad({
          target: to(p.ports.challenge),
          secret: SECRET,
          concurrency: c,
          count: n,
          login: async (_i, send) => {
            const first = await send(pap('alice', 'pw'));
            const state = first && findValues(first.attributes, 'State')[0];
            if (first?.code !== 11 || !state) return first?.code;
            return (await send([...pap('alice', '1'), { type: 24, value: state.toString('base64') }]))?.code;
          },
        }),
    },
  ];

  // Warm-up: JIT, TLS connections to the mock Duo, every section once.
  for (const p of proxies) for (const k of kinds) await k.run(p, 16, N(600));

  console.log(`login CPU per login, baseline = ${codes[0]!.root} (${process.env.BENCH_BASELINE_DIR ? 'its dist/ when current' : 'tsx'}) vs new = dist/; ${ROUNDS} round(s), medians; load average ${loadAverage()} at start`);
  console.log(`  ${'login'.padEnd(27)} ${'baseline µs/login  /s'.padEnd(22)} ${'new µs/login  /s'.padEnd(18)} CPU ratio  rate ratio  (answered; load)`);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const firstRow: Record<string, number> = {};
  for (const k of kinds) {
    const cpu: Record<string, number[]> = { baseline: [], new: [] };
    const rate: Record<string, number[]> = { baseline: [], new: [] };
    let answered = '';
    const loads: string[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      for (const p of r % 2 === 0 ? proxies : [...proxies].reverse()) {
        const pid = p.ready.proc.pid!;
        const c0 = await cpuOf(pid);
        const rep = await k.run(p, k.concurrency, k.count);
        const used = (await cpuOf(pid)) - c0;
        cpu[p.code.label]!.push(used / Math.max(1, rep.answered));
        rate[p.code.label]!.push(rep.perSecond);
        if (rep.answered !== rep.sent) answered += ` ${p.code.label} answered ${rep.answered}/${rep.sent}`;
        const ok = k.name.startsWith('challenge') ? rep.codes[2] === rep.answered : rep.codes[2] === rep.answered;
        if (!ok) answered += ` ${p.code.label} codes ${JSON.stringify(rep.codes)}`;
      }
      loads.push(loadAverage());
    }
    if (k === kinds[0]) Object.assign(firstRow, { baseline: median(cpu.baseline!), new: median(cpu.new!) });
    const cpuRatio = median(cpu.new!) / median(cpu.baseline!);
    const rateRatio = median(rate.new!) / median(rate.baseline!);
    const verdicts = [
      k.cpuTarget !== undefined ? `CPU ≤ ${k.cpuTarget}x ${cpuRatio <= k.cpuTarget ? 'met' : 'NOT MET'}` : '',
      k.rateTarget !== undefined ? `rate ≥ ${k.rateTarget}x ${rateRatio >= k.rateTarget ? 'met' : 'NOT MET'}` : '',
    ].filter(Boolean);
    console.log(
      `  ${`${k.name} c=${k.concurrency}`.padEnd(27)} ${`${median(cpu.baseline!).toFixed(0).padStart(6)}  ${median(rate.baseline!).toFixed(0).padStart(6)}`.padEnd(22)} ` +
        `${`${median(cpu.new!).toFixed(0).padStart(6)}  ${median(rate.new!).toFixed(0).padStart(6)}`.padEnd(18)} ${cpuRatio.toFixed(2).padStart(6)}x  ${rateRatio.toFixed(2).padStart(7)}x   ` +
        `${verdicts.join(', ')}${answered ? `;${answered}` : ''} (load ${loads.join(' ')})`,
    );
  }
  /** Median CPU per login of `rounds` duo_only runs at c=16 against a process on `port`, after a warm-up. */
  const duoOnlyCpu = async (ready: Ready, port: number): Promise<number> => {
    const run = (n: number) => runLoad({ target: to(port), secret: SECRET, concurrency: 16, count: n, attributes: () => pap('alice', 'push') });
    await run(N(600));
    const xs: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const c0 = await cpuOf(ready.proc.pid!);
      const rep = await run(N(6000));
      xs.push(((await cpuOf(ready.proc.pid!)) - c0) / Math.max(1, rep.answered));
    }
    return median(xs);
  };
  const [b, n] = [firstRow['baseline']!, firstRow['new']!];
  // The I/O floor (bench/lib/io-floor.ts): the same duo_only load on a process that only does the
  // datagrams, the two TLS exchanges and the RADIUS crypto. What is above it is how the proxy is written.
  const floorProc = await spawnReady(['--import', 'tsx', join(import.meta.dirname, 'lib', 'io-floor.ts'), String(mock.port), join(dir, 'ca.pem'), SECRET]);
  try {
    const floor = await duoOnlyCpu(floorProc, Number(floorProc.ready.port));
    console.log(
      `  I/O floor of a duo_only login (bench/lib/io-floor.ts: UDP in and out, RADIUS crypto, two raw TLS exchanges), c=16: ${floor.toFixed(0)} µs/login` +
        ` (${((floor / b) * 100).toFixed(0)} % of the baseline's); above it: baseline ${(b - floor).toFixed(0)} µs, new ${(n - floor).toFixed(0)} µs, ${((n - floor) / (b - floor)).toFixed(2)}x` +
        ` (load ${loadAverage()}). A login at 0.5x the baseline would have ${(b / 2 - floor).toFixed(0)} µs above the floor.`,
    );
  } finally {
    await floorProc.stop();
  }
} finally {
  await Promise.all([...proxies.map((p) => p.ready.stop()), mock.stop()]);
  await rm(dir, { recursive: true, force: true });
}
