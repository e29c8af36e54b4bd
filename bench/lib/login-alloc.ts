// What a duo_only login allocates, by allocation site and by package: V8's sampling heap profiler with
// the objects later collected by the young- and old-generation GCs included, on an in-process proxy
// (startProxy) against the mock Duo child, driven by the load child (c=16). Allocation volume is what
// the young-generation collector pays for (docs/scaling.md "Where a login's CPU goes").
//   node --import tsx bench/lib/login-alloc.ts [--logins 4000] [--top 40] [--exclude REGEX]
// --exclude leaves the sites whose name matches out of the by-site list (e.g. 'xstate|raise-|assign-|undici'
// to see what the rest of the login allocates). --survivors leaves out what scavenges freed: what is
// left was promoted and freed by a mark-compact, or was still young when a mark-compact freed it (the
// whole young generation's garbage at that moment), or is alive: an upper bound of what GC copies.
import { Session } from 'node:inspector/promises';
import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../../adapters/log/logger.ts';
import { parseConfigText } from '../../config/index.ts';
import { startProxy } from '../../engine/proxy.ts';
import { BENCH_IKEY, BENCH_SECRET, BENCH_SKEY, approvingUser, startMockDuoChild } from './mock-duo-child.ts';
const { values: args } = parseArgs({ options: { logins: { type: 'string', default: '4000' }, top: { type: 'string', default: '40' }, exclude: { type: 'string' }, survivors: { type: 'boolean', default: false } } });
const dir = await mkdtemp(join(tmpdir(), 'alloc-'));
const mock = await startMockDuoChild(dir, { alice: approvingUser(0) });
const port = 20000 + Math.floor(Math.random() * 20000);
const parsed = parseConfigText(`[main]\nhttp_ca_certs_file=ca.pem\n[radius_server_duo_only]\nikey=${BENCH_IKEY}\nskey=${BENCH_SKEY}\napi_host=localhost\napi_port=${mock.port}\nradius_ip_1=127.0.0.1\nradius_secret_1=${BENCH_SECRET}\ninterface=127.0.0.1\nport=${port}\nfailmode=secure\n`, join(dir, 'authproxy.cfg'));
if (!parsed.ok) throw new Error('cfg');
const proxy = await startProxy({ config: parsed.config, logger: createLogger({ level: 'warn', destination: process.stderr }) });
const load = fork(join(import.meta.dirname, 'load-child.ts'), { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
await new Promise((r) => load.once('message', r));
let id = 0;
const run = (total: number) => new Promise<unknown>((resolve) => { const my = id++; const on = (m: { id?: number; result?: unknown }) => { if (m.id === my) { load.off('message', on); resolve(m.result); } }; load.on('message', on); load.send({ id: my, port, secret: BENCH_SECRET, concurrency: 16, total, user: 'alice', password: 'push' }); });
await run(2000);
const s = new Session(); s.connect();
await s.post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMinorGC: !args.survivors, includeObjectsCollectedByMajorGC: true } as never);
const r = (await run(Number(args.logins))) as { answered: number };
const { profile } = (await s.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: Node } };
interface Node { id: number; selfSize: number; callFrame: { functionName: string; url: string; lineNumber: number }; children: Node[] }
const self = new Map<string, number>(); const byPkg = new Map<string, number>(); let total = 0;
// A native allocator (Set, Map, sort...) is named with the JavaScript function that called it.
const walk = (n: Node, caller: string) => {
  const url = n.callFrame.url.replace(/^file:\/\/\/work\/(main|wt\/[a-z]+)\//, '').replace(/^.*node_modules\//, 'nm:');
  const here = `${n.callFrame.functionName || '(anon)'} ${url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber}`;
  const k = url ? here : `${n.callFrame.functionName || '(native)'} <- ${caller}`;
  if (n.selfSize) { self.set(k, (self.get(k) ?? 0) + n.selfSize); total += n.selfSize; const pk = url.startsWith('nm:') ? url.split('/')[0] + (url.startsWith('nm:@') ? '/' + url.split('/')[1] : '') : url.startsWith('node:') ? 'node:' + url.slice(5).split('/')[0] : url || `native <- ${caller.split(' ')[1]?.split(':')[0] ?? caller}`; byPkg.set(pk, (byPkg.get(pk) ?? 0) + n.selfSize); }
  for (const c of n.children) walk(c, url ? here : caller);
};
walk(profile.head, '(root)');
const top = (m: Map<string, number>, k: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([n, v]) => `${(v / r.answered / 1024).toFixed(2).padStart(7)} KiB/login  ${n}`).join('\n');
console.log(`allocated ${(total / r.answered / 1024).toFixed(1)} KiB per login (sampled)\n-- by site --\n${top(args.exclude ? new Map([...self].filter(([k]) => !new RegExp(args.exclude!).test(k))) : self, Number(args.top))}\n-- by package/file --\n${top(byPkg, 20)}`);
load.kill();
await proxy.stop(500);
await mock.stop();
await rm(dir, { recursive: true, force: true });
