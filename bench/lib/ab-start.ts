// Two checkouts' `authproxy start` side by side (A, B), same mock Duo and load, alternating rounds:
// the proxy's CPU per login (/proc/<pid>/stat) for each and the B/A ratio of the medians. For measuring
// one change against the code before it, where login-cpu.bench.ts compares with the baseline.
//   node --import tsx bench/lib/ab-start.ts --a DIR --b DIR [--kinds duo_only,auto] [--rounds 5] [--logins 5000] [--b-import FILE]
// Each DIR is a checkout with dist/ built (`node --import tsx scripts/build.ts` there). --b-import runs B's
// node with `--import FILE` first (an experiment on the same checkout, e.g. a module that patches a library).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pap, runLoad } from '../../simulator/load.ts';
import { loadAverage } from './baseline.ts';
import { BENCH_SECRET, approvingUser, benchDuoKeys, startMockDuoChild } from './mock-duo-child.ts';
import { cpuOf, type Ready, spawnReady } from './spawn-ready.ts';

const { values: args } = parseArgs({
  options: { a: { type: 'string' }, b: { type: 'string' }, kinds: { type: 'string', default: 'duo_only,auto' }, rounds: { type: 'string', default: '5' }, logins: { type: 'string', default: '5000' }, 'b-import': { type: 'string' } },
});
if (!args.a || !args.b) throw new Error('--a DIR and --b DIR are needed');
const dir = await mkdtemp(join(tmpdir(), 'authproxy-ab-'));
const mock = await startMockDuoChild(dir, { alice: approvingUser(0) });
const duo = benchDuoKeys(mock.port);
const first = 30000 + Math.floor(Math.random() * 20000);
const sides: { label: string; ready: Ready; port: number }[] = [];
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
try {
  for (const [i, [label, root]] of [['A', args.a], ['B', args.b]].entries()) {
    const port = first + i * 2;
    const cfg = join(dir, `${label}.cfg`);
    await writeFile(cfg, `[main]\nhttp_ca_certs_file=ca.pem\n[duo_only_client]\n[radius_server_duo_only]\n${duo}\nport=${port}\n[radius_server_auto]\n${duo}\nport=${port + 1}\nclient=duo_only_client\n`);
    const pre = label === 'B' && args['b-import'] ? ['--import', resolve(args['b-import'])] : [];
    sides.push({ label: label!, port, ready: await spawnReady([...pre, join(root!, 'bin', 'authproxy.js'), 'start', '-c', cfg, '--log-level', 'warn'], { timeoutMs: 60_000 }) });
  }
  for (const kind of args.kinds.split(',')) {
    const run = (port: number, count: number) =>
      runLoad({ target: { host: '127.0.0.1', port: kind === 'auto' ? port + 1 : port }, secret: BENCH_SECRET, concurrency: 16, count, attributes: () => pap('alice', kind === 'auto' ? 'hunter2,push' : 'push') });
    for (const s of sides) await run(s.port, 1500);
    const cpu: Record<string, number[]> = { A: [], B: [] };
    for (let r = 0; r < Number(args.rounds); r++) {
      for (const s of r % 2 === 0 ? sides : [...sides].reverse()) {
        const c0 = await cpuOf(s.ready.proc.pid!);
        const rep = await run(s.port, Number(args.logins));
        cpu[s.label]!.push(((await cpuOf(s.ready.proc.pid!)) - c0) / Math.max(1, rep.answered));
      }
    }
    const [a, b] = [median(cpu.A!), median(cpu.B!)];
    console.log(`${kind.padEnd(9)} A ${a.toFixed(0)} µs/login [${cpu.A!.map((x) => x.toFixed(0)).join(' ')}]  B ${b.toFixed(0)} [${cpu.B!.map((x) => x.toFixed(0)).join(' ')}]  B/A ${(b / a).toFixed(3)}  (load ${loadAverage()})`);
  }
} finally {
  await Promise.all([...sides.map((s) => s.ready.stop()), mock.stop()]);
  await rm(dir, { recursive: true, force: true });
}
