// `npm run bench -- duo-exchange`: what our Duo client's two calls of a duo_only login (preauth + auth,
// rest_v1, c=16) cost in CPU, the baseline checkout's code (bench/lib/baseline.ts) and ours in the same
// run, each measurement in a process of its own (bench/lib/duo-exchange-child.ts), alternating rounds
// against one mock Duo child; the lower of each code's round medians (the one less disturbed by the
// other processes sharing the cores). Three figures:
//   whole client   over HTTPS keep-alive to the mock (undici): login-parts' "Duo client" line
//   our layer      the same client over a transport that answers at once: signing, building the
//                  request, reading the envelope (what our code adds around undici)
//   raw TLS floor  the same signed bytes on 16 plain TLS sockets, no HTTP client at all: what the two
//                  TLS writes, the loopback and the reads cost whatever client is used
// Issue 14 asked whether a hand-written HTTP/1.1 client would be worth replacing undici: whole client
// minus our layer minus the floor is all an HTTP client could save.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baselineCode, loadAverage, REPO_ROOT } from './lib/baseline.ts';
import { approvingUser, startMockDuoChild } from './lib/mock-duo-child.ts';

const quick = process.env.BENCH_QUICK === '1';
const LOGINS = quick ? 1500 : 6000;
const ROUNDS = quick ? 1 : 3;
const child = join(import.meta.dirname, 'lib', 'duo-exchange-child.ts');

const baseline = baselineCode();
const dir = await mkdtemp(join(tmpdir(), 'authproxy-duo-exchange-'));
const mock = await startMockDuoChild(dir, { alice: approvingUser(0) });

function measure(mode: 'client' | 'layer' | 'raw', root: string, logins: number): number {
  const out = execFileSync(process.execPath, ['--import', 'tsx', child, mode, root, String(mock.port), join(dir, 'ca.pem'), String(logins)], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return (JSON.parse(out.trim().split('\n').pop()!) as { us: number }).us;
}

type Row = { baseline: number[]; new: number[] };
const rows: Record<'client' | 'layer', Row> = { client: { baseline: [], new: [] }, layer: { baseline: [], new: [] } };
const raw: number[] = [];
try {
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 ? (['new', 'baseline'] as const) : (['baseline', 'new'] as const);
    for (const k of order) rows.client[k].push(measure('client', k === 'new' ? REPO_ROOT : baseline.root, LOGINS));
    for (const k of order) rows.layer[k].push(measure('layer', k === 'new' ? REPO_ROOT : baseline.root, LOGINS * 4));
    raw.push(measure('raw', REPO_ROOT, LOGINS));
  }
} finally {
  await mock.stop();
  await rm(dir, { recursive: true, force: true });
}
const least = (xs: number[]) => Math.min(...xs);
const line = (label: string, row: Row) => {
  const b = least(row.baseline);
  const n = least(row.new);
  return `  ${label.padEnd(46)} ${n.toFixed(1).padStart(6)} µs per login (baseline ${b.toFixed(1)} µs, ${(n / b).toFixed(2)}x; rounds new ${row.new.map((x) => x.toFixed(0)).join('/')}, baseline ${row.baseline.map((x) => x.toFixed(0)).join('/')})`;
};
console.log(`our Duo client's preauth + auth, CPU per login, c=16, each in its own process (load average ${loadAverage()}; baseline ${baseline.root}):`);
console.log(line('whole client, HTTPS keep-alive to the mock Duo', rows.client));
console.log(line('our layer alone (instant transport)', rows.layer));
console.log(`  ${'raw TLS floor (no HTTP client, same bytes)'.padEnd(46)} ${least(raw).toFixed(1).padStart(6)} µs per login`);
const undici = least(rows.client.new) - least(rows.layer.new) - least(raw);
console.log(`  what an HTTP client adds above the floor today: ${undici.toFixed(1)} µs per login (undici, our pool, timers and signal listeners)`);
