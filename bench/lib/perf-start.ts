// Where an `authproxy start` process's CPU goes, by kind of work, with the kernel's share: Linux `perf`
// samples the process on CPU (software clock, so it works in a VM without a PMU; idle time is never
// sampled, unlike `--cpu-prof`, whose samples of a thread waiting in a syscall or preempted count as that
// syscall's time). Node runs with --perf-basic-prof so JIT-compiled JavaScript is named by its file.
// duo_only logins at c=16 against the mock Duo child; the baseline checkout and the current one in turn.
//
//   node --import tsx bench/lib/perf-start.ts [--logins 12000] [--root DIR ...]   (needs `perf`: Debian linux-perf)
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pap, runLoad } from '../../simulator/load.ts';
import { baselineCode, currentCode, loadAverage } from './baseline.ts';
import { BENCH_SECRET, approvingUser, benchDuoKeys, startMockDuoChild } from './mock-duo-child.ts';
import { cpuOf, spawnReady } from './spawn-ready.ts';


/** The kind of work a sampled symbol does (perf's dso and symbol). */
export function kindOf(dso: string, sym: string): string {
  if (dso.includes('kernel')) return 'kernel (syscalls: UDP, TCP, scheduling)';
  if (/Scavenge|MarkCompact|Sweep|ConcurrentMarking|Evacuat|Heap::|GCTracer|MemoryAllocator|IncrementalMarking|MarkingVisitor|RememberedSet|SlotSet|PagedSpace|ArrayBufferSweeper|Minor/.test(sym)) return 'garbage collector';
  if (/^(ossl_|EVP_|SSL_|ssl3_|tls1?3?_|aes|AES|gcm|sha\d|SHA|md5|MD5|HMAC|BN_|CRYPTO_|OPENSSL_|ChaCha|chacha|poly1305|x25519|ecp_|bn_|BIO_)/.test(sym)) return 'OpenSSL (TLS records, hashes)';
  if (/^(malloc|free|cfree|_int_|unlink_chunk|malloc_consolidate|__libc_|realloc|calloc)/.test(sym)) return 'libc malloc/free';
  if (dso.includes('libc')) return 'libc other (memcpy, ...)';
  if (sym.startsWith('JS:')) {
    if (sym.includes('node_modules/xstate')) return 'JS: xstate';
    if (sym.includes('node_modules/undici') || sym.includes('wasm')) return 'JS: undici (+ llhttp wasm)';
    if (sym.includes('node_modules/pino')) return 'JS: pino';
    if (sym.includes('node:')) return 'JS: Node internals (streams, timers, dgram, tls)';
    if (/\/(dist|adapters|engine|machines|ops|config|cli|mock-duo|simulator)\//.test(sym)) return 'JS: ours';
    return 'JS: other';
  }
  if (sym.startsWith('Builtins_')) return 'V8 builtins (property access, promises, Maps, ...)';
  if (sym.startsWith('uv_') || sym.startsWith('uv__')) return 'libuv';
  if (sym.startsWith('node::')) return 'Node C++ (handles, streams, crypto glue)';
  if (sym.startsWith('v8::')) return 'V8 runtime (other)';
  return 'other';
}

async function profile(bin: string, label: string, mockPort: number, dir: string, logins: number): Promise<{ us: number; kinds: Map<string, number> }> {
  const port = 30000 + Math.floor(Math.random() * 20000);
  const cfg = join(dir, `${label}.cfg`);
  await writeFile(cfg, `[main]\nhttp_ca_certs_file=ca.pem\n[radius_server_duo_only]\n${benchDuoKeys(mockPort)}\nport=${port}\n`);
  const proxy = await spawnReady(['--perf-basic-prof', bin, 'start', '-c', cfg, '--log-level', 'warn'], { timeoutMs: 60_000 });
  const target = { host: '127.0.0.1', port };
  const data = join(dir, `${label}.perf`);
  try {
    await runLoad({ target, secret: BENCH_SECRET, concurrency: 16, count: 3000, attributes: () => pap('alice', 'push') });
    const perf = spawn('perf', ['record', '-q', '-e', 'cpu-clock', '-F', '4000', '-p', String(proxy.proc.pid), '-o', data], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 500));
    const c0 = await cpuOf(proxy.proc.pid!);
    const rep = await runLoad({ target, secret: BENCH_SECRET, concurrency: 16, count: logins, attributes: () => pap('alice', 'push') });
    const us = ((await cpuOf(proxy.proc.pid!)) - c0) / rep.answered;
    perf.kill('SIGINT');
    await new Promise((r) => perf.once('exit', r));
    const report = execFileSync('perf', ['report', '-i', data, '--sort', 'dso,sym', '--stdio', '--no-children'], { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
    const kinds = new Map<string, number>();
    for (const line of report.split('\n')) {
      const m = /^\s+([\d.]+)%\s+(.+?)\s+\[[.k]\]\s+(.*)$/.exec(line);
      if (!m) continue;
      const k = kindOf(m[2]!, m[3]!.trim());
      kinds.set(k, (kinds.get(k) ?? 0) + Number(m[1]));
    }
    return { us, kinds };
  } finally {
    await proxy.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values: args } = parseArgs({ options: { logins: { type: 'string', default: '12000' }, root: { type: 'string', multiple: true } } });
  const dir = await mkdtemp(join(tmpdir(), 'authproxy-perf-'));
  const mock = await startMockDuoChild(dir, { alice: approvingUser(0) });
  const codes = args.root?.length ? args.root.map((root, i) => ({ label: `root${i}`, root, bin: join(root, 'bin', 'authproxy.js') })) : [baselineCode(), currentCode()];
  try {
    const results: { code: { label: string }; us: number; kinds: Map<string, number> }[] = [];
    for (const c of codes) results.push({ code: c, ...(await profile(c.bin, c.label, mock.port, dir, Number(args.logins))) });
    const kinds = [...new Set(results.flatMap((r) => [...r.kinds.keys()]))].sort((a, b) => (results.at(-1)!.kinds.get(b) ?? 0) - (results.at(-1)!.kinds.get(a) ?? 0));
    console.log(`where the proxy's CPU goes, duo_only c=16, perf cpu-clock samples on CPU (load average ${loadAverage()}); µs per login = share x the process's CPU per login`);
    console.log(`  ${'kind of work'.padEnd(52)} ${results.map((r) => `${r.code.label} (${r.us.toFixed(0)} µs/login)`.padStart(26)).join('')}`);
    for (const k of kinds) console.log(`  ${k.padEnd(52)} ${results.map((r) => { const p = r.kinds.get(k) ?? 0; return `${p.toFixed(1).padStart(5)} % ${((p / 100) * r.us).toFixed(0).padStart(5)} µs`.padStart(26); }).join('')}`);
  } finally {
    await mock.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
