// Start-up time and idle memory of the `authproxy` command, the code issue 14 started from (baseline,
// TypeScript through tsx) and the current code (compiled dist/) side by side in the same run, 5 runs
// each, alternating so both see the same machine: `--version`, `check-config` of the demo config, the
// demo start (`npm start`'s command, the bundled mock Duo included) until its ready line, and the RSS
// of an idle `authproxy start` with one server section. Targets (issue 14): 0.3 s, 0.5 s, 1.5 s, 80 MB.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Code, REPO_ROOT, baselineCode, currentCode, loadAverage } from './lib/baseline.ts';
import { rssOf, spawnReady } from './lib/spawn-ready.ts';

const RUNS = 5;
const codes = [baselineCode(), currentCode()];
const dir = await mkdtemp(join(tmpdir(), 'authproxy-startup-'));

/** Wall time of a command from spawn to exit, ms; fails loudly on a non-zero exit. */
function timed(code: Code, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, [code.bin, ...args], { cwd: code.root, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.once('exit', (status) => (status === 0 ? resolve(performance.now() - t0) : reject(new Error(`${code.label} ${args.join(' ')}: exit ${status}\n${err}`))));
  });
}

// The demo configuration on free ports (the demo's 1812/1813 may be taken on a shared machine).
const demo = await readFile(join(REPO_ROOT, 'demo', 'authproxy.cfg'), 'utf8');
const base = 30000 + Math.floor(Math.random() * 20000);
let nextPort = base;
async function demoConfig(): Promise<string> {
  const file = join(dir, `demo-${nextPort}.cfg`);
  await writeFile(file, demo.replace(/^port=1812$/m, `port=${nextPort++}`).replace(/^port=1813$/m, `port=${nextPort++}`));
  return file;
}
const fixture = join(REPO_ROOT, 'fixtures', 'demo-duo.yaml');

async function toReady(code: Code): Promise<number> {
  const cfg = await demoConfig();
  const t0 = performance.now();
  const p = await spawnReady([code.bin, 'start', '-c', cfg, '--mock-duo', fixture], { timeoutMs: 30_000 });
  const ms = performance.now() - t0;
  await p.stop();
  return ms;
}

async function idleRss(code: Code): Promise<number> {
  const cfg = join(dir, `one-${nextPort}.cfg`);
  await writeFile(
    cfg,
    `[radius_server_duo_only]\nikey=DIXXXXXXXXXXXXXXXXXX\nskey=${'x'.repeat(40)}\napi_host=api-example.duosecurity.com\nradius_ip_1=127.0.0.1\nradius_secret_1=s3cret\ninterface=127.0.0.1\nport=${nextPort++}\n`,
  );
  const p = await spawnReady([code.bin, 'start', '-c', cfg], { timeoutMs: 30_000 });
  // Idle: what start-up allocated has settled (the first GCs after ready).
  await new Promise((r) => setTimeout(r, 2000));
  const rss = await rssOf(p.proc.pid!);
  await p.stop();
  return rss / 2 ** 20;
}

const measures: { name: string; unit: string; target: number; run: (c: Code) => Promise<number> }[] = [
  { name: 'authproxy --version', unit: 's', target: 0.3, run: async (c) => (await timed(c, ['--version'])) / 1000 },
  { name: 'authproxy check-config (demo)', unit: 's', target: 0.5, run: async (c) => (await timed(c, ['check-config', '-c', join(REPO_ROOT, 'demo', 'authproxy.cfg')])) / 1000 },
  { name: 'npm start command to ready', unit: 's', target: 1.5, run: async (c) => (await toReady(c)) / 1000 },
  { name: 'idle start, one section, RSS', unit: 'MB', target: 80, run: idleRss },
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const f = (x: number, unit: string) => (unit === 's' ? x.toFixed(2) : x.toFixed(0));
try {
  console.log(`start-up, ${RUNS} runs each, baseline = ${codes[0]!.root} (tsx), new = dist/; load average ${loadAverage()} at start`);
  console.log(`  ${'what'.padEnd(32)} ${'baseline min/median/max'.padEnd(26)} ${'new min/median/max'.padEnd(24)} ratio   target`);
  for (const m of measures) {
    const got: Record<string, number[]> = { baseline: [], new: [] };
    for (let i = 0; i < RUNS; i++) for (const c of codes) got[c.label]!.push(await m.run(c));
    const row = (xs: number[]) => `${f(Math.min(...xs), m.unit)} / ${f(median(xs), m.unit)} / ${f(Math.max(...xs), m.unit)} ${m.unit}`;
    const nm = median(got.new!);
    console.log(
      `  ${m.name.padEnd(32)} ${row(got.baseline!).padEnd(26)} ${row(got.new!).padEnd(24)} ${(nm / median(got.baseline!)).toFixed(2).padStart(5)}x  ` +
        `≤ ${m.target} ${m.unit} ${nm <= m.target ? 'met' : 'NOT MET'} (load ${loadAverage()})`,
    );
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
