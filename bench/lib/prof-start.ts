// Profiles one `authproxy start` process (dist/ of this checkout, or --root another checkout) under the
// login-cpu bench's load: node --cpu-prof on the proxy, N logins of --kind (duo_only, auto) at c=16,
// then SIGTERM (the profile is written at exit) and the top self-time entries, by function and by file.
//   node --import tsx bench/lib/prof-start.ts [--kind duo_only|auto] [--logins 14000] [--out DIR] [--root DIR]
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pap, runLoad } from '../../simulator/load.ts';
import { BENCH_SECRET, approvingUser, benchDuoKeys, startMockDuoChild } from './mock-duo-child.ts';
import { cpuOf, spawnReady } from './spawn-ready.ts';

const { values: args } = parseArgs({ options: { kind: { type: 'string', default: 'duo_only' }, logins: { type: 'string', default: '14000' }, out: { type: 'string' }, root: { type: 'string' }, top: { type: 'string', default: '45' } } });
const dir = await mkdtemp(join(tmpdir(), 'authproxy-prof-'));
const out = args.out ?? join(dir, 'prof');
const root = args.root ?? join(import.meta.dirname, '..', '..');
const mock = await startMockDuoChild(dir, { alice: approvingUser(0) });
const port = 30000 + Math.floor(Math.random() * 20000);
const duo = benchDuoKeys(mock.port);
const cfg = join(dir, 'p.cfg');
await writeFile(cfg, `[main]\nhttp_ca_certs_file=ca.pem\n[duo_only_client]\n[radius_server_duo_only]\n${duo}\nport=${port}\n[radius_server_auto]\n${duo}\nport=${port + 1}\nclient=duo_only_client\n`);
const proxy = await spawnReady(['--cpu-prof', '--cpu-prof-interval=200', `--cpu-prof-dir=${out}`, join(root, 'bin', 'authproxy.js'), 'start', '-c', cfg, '--log-level', 'warn'], { timeoutMs: 60_000 });
const target = { host: '127.0.0.1', port: args.kind === 'auto' ? port + 1 : port };
const password = args.kind === 'auto' ? 'hunter2,push' : 'push';
await runLoad({ target, secret: BENCH_SECRET, concurrency: 16, count: 2000, attributes: () => pap('alice', password) });
const c0 = await cpuOf(proxy.proc.pid!);
const rep = await runLoad({ target, secret: BENCH_SECRET, concurrency: 16, count: Number(args.logins), attributes: () => pap('alice', password) });
const used = (await cpuOf(proxy.proc.pid!)) - c0;
console.log(`${args.kind}: ${rep.answered}/${rep.sent} answered, ${rep.perSecond.toFixed(0)}/s, proxy ${(used / rep.answered).toFixed(0)} µs/login (profiler on)`);
await proxy.stop();
await mock.stop();

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
const file = readdirSync(out).find((f) => f.endsWith('.cpuprofile'))!;
const prof = JSON.parse(readFileSync(join(out, file), 'utf8')) as { nodes: Node[]; samples: number[] };
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const counts = new Map<number, number>();
for (const s of prof.samples) counts.set(s, (counts.get(s) ?? 0) + 1);
const fn = new Map<string, number>();
const byFile = new Map<string, number>();
const total = prof.samples.length;
const short = (url: string) => url.replace(/^file:\/\/.*?\/(dist|node_modules)\//, '$1/').replace(/^file:\/\/.*\/wt\/[^/]+\//, '');
for (const [id, c] of counts) {
  const n = byId.get(id)!;
  const u = short(n.callFrame.url);
  const k = `${n.callFrame.functionName || '(anon)'} ${u}:${n.callFrame.lineNumber + 1}`;
  fn.set(k, (fn.get(k) ?? 0) + c);
  const fk = u === '' ? `(${n.callFrame.functionName})` : u.startsWith('node_modules/') ? u.split('/').slice(0, u.split('/')[1]!.startsWith('@') ? 3 : 2).join('/') : u;
  byFile.set(fk, (byFile.get(fk) ?? 0) + c);
}
const top = (m: Map<string, number>, k: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([n, v]) => `${((100 * v) / total).toFixed(2).padStart(6)} %  ${n}`).join('\n');
console.log(`profile ${join(out, file)}: ${total} samples\n-- by function (self) --\n${top(fn, Number(args.top))}\n-- by file --\n${top(byFile, 40)}`);
