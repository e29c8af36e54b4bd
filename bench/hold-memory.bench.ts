// Memory of a login waiting on a push (issue 14): 10,000 logins held on pushes in an `authproxy start`
// process of the baseline commit and of the current code, in the same run (bench/lib/hold-memory.ts: RSS
// read once the mock Duo holds every push), beside the floor under it: what a bare TLS client connection
// to the same mock Duo costs in a process that does nothing else (bench/lib/tls-floor.ts). Each waiting
// login holds one such connection (HTTP/1.1, its /auth unanswered until the user answers).
//
//   npm run bench -- hold-memory      BENCH_QUICK=1: 2,000 logins; BENCH_HOLD_PUSH_MS: push length (50 s)
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { baselineCode, type Code, currentCode, loadAverage } from './lib/baseline.ts';
import { type HoldFigures, holdMemory } from './lib/hold-memory.ts';

const n = process.env.BENCH_QUICK === '1' ? 2000 : 10_000;
const pushMs = Number(process.env.BENCH_HOLD_PUSH_MS ?? 50_000);
const TARGET_KIB = 45;

const codes: Code[] = [baselineCode(), currentCode()];
let floor: { rssPerConnectionKiB: number; heapPerConnectionKiB: number } | undefined;
const held = new Map<string, HoldFigures & { load: string }>();
console.log(`memory of a login waiting on a push, ${n.toLocaleString('en')} held at once, baseline = ${codes[0]!.root} (${process.env.BENCH_BASELINE_DIR ? 'its dist/ when current' : 'tsx'}) vs new = dist/; load average ${loadAverage()} at start`);
for (const code of codes) {
  const r = await holdMemory({
    n,
    pushMs,
    bin: code.bin,
    // The floor, measured once, against the first run's mock Duo before the proxy starts.
    withMock: async (port, caFile) => {
      if (floor) return;
      const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(import.meta.dirname, 'lib', 'tls-floor.ts'), String(port), caFile, String(Math.min(n, 5000))], { encoding: 'utf8' });
      floor = JSON.parse(out) as typeof floor;
    },
  });
  held.set(code.label, { ...r, load: loadAverage() });
}
const b = held.get('baseline')!;
const c = held.get('new')!;
const f = floor!;
const row = (label: string, r: HoldFigures & { load: string }) =>
  `  ${label.padEnd(9)} ${(r.rssBefore / 2 ** 20).toFixed(0).padStart(5)} MB -> ${(r.rssHolding / 2 ** 20).toFixed(0).padStart(5)} MB   ${r.perLoginKiB.toFixed(1).padStart(6)} KiB   ` +
  `${(r.perLoginKiB - f.rssPerConnectionKiB).toFixed(1).padStart(6)} KiB   (${r.inFlight} at the mock; answered ${r.held.answered}, lost ${r.held.lost}; load ${r.load})`;
console.log(`  code      RSS before -> while waiting   per login   above the TLS floor`);
console.log(row('baseline', b));
console.log(row('new', c));
console.log(`  floor: one bare TLS client connection to the same mock Duo, alone in a process: ${f.rssPerConnectionKiB.toFixed(1)} KiB RSS (${f.heapPerConnectionKiB.toFixed(1)} KiB of it JS heap)`);
console.log(
  `  new / baseline ${(c.perLoginKiB / b.perLoginKiB).toFixed(2)}x; target <= ${TARGET_KIB} KiB per waiting login: ${c.perLoginKiB <= TARGET_KIB ? 'met' : `NOT MET (the TLS connection alone is ${f.rssPerConnectionKiB.toFixed(1)} KiB; the login's own share is ${(c.perLoginKiB - f.rssPerConnectionKiB).toFixed(1)} KiB)`}`,
);
