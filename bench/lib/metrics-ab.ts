// What [main] metrics_port and Duo's log files cost a login (issue 11 §2): three proxies started alike on
// the same mock Duo: without either, with the metrics endpoint, and with it plus authproxy.log and
// authevents.log written; the endpoints scraped 4 times a second while they work (Prometheus scrapes
// every 15 s: this is the harsh case). Same load against each, in rotating order, several rounds; the
// medians of logins/s and of proxy CPU per login, and their ratios to "off" (target ≥ 0.9).
import { writeFile } from 'node:fs/promises';
import type { AnyLoginEvent } from '../../machines/login-events.ts';
import { loginEventFeed } from '../../ops/metrics/from-events.ts';
import { createProxyMetrics } from '../../ops/metrics/registry.ts';
import { join } from 'node:path';
import { type LoadReport, pap, runLoad } from '../../simulator/load.ts';
import { freePort } from '../../test/harness/ports.ts';
import { AUTHPROXY_BIN, BENCH_SECRET } from './mock-duo-child.ts';
import { cpuOf, type Ready, spawnReady } from './spawn-ready.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function metricsOnOff(o: { dir: string; duoSection: string; quick: boolean }): Promise<void> {
  const [offPort, onPort, filesPort, metricsPort, metricsPort2] = [await freePort('udp'), await freePort('udp'), await freePort('udp'), await freePort('tcp'), await freePort('tcp')];
  const cfg = (port: number, main: string) => `[main]\nhttp_ca_certs_file=ca.pem\n${main}\n[radius_server_duo_only]\n${o.duoSection}\nport=${port}\n`;
  await writeFile(join(o.dir, 'metrics-off.cfg'), cfg(offPort, ''));
  await writeFile(join(o.dir, 'metrics-on.cfg'), cfg(onPort, `metrics_port=${metricsPort}`));
  // Metrics and Duo's log files: authproxy.log and authevents.log written for every login.
  await writeFile(join(o.dir, 'metrics-files.cfg'), cfg(filesPort, `metrics_port=${metricsPort2}\nlog_file=true\nlog_auth_events=true\nlog_dir=${join(o.dir, 'log')}`));
  const start = (name: string) => spawnReady([AUTHPROXY_BIN, 'start', '-c', join(o.dir, name), '--log-level', 'warn'], { timeoutMs: 30_000 });
  const started: Ready[] = [];
  try {
    for (const name of ['metrics-off.cfg', 'metrics-on.cfg', 'metrics-files.cfg']) started.push(await start(name));
  } catch (e) {
    await Promise.all(started.map((p) => p.stop()));
    throw e;
  }
  const [off, on, files] = started as [Ready, Ready, Ready];
  let scrapes = 0;
  const scraper = setInterval(() => {
    for (const port of [metricsPort, metricsPort2])
      void fetch(`http://127.0.0.1:${port}/metrics`).then(
        async (r) => {
          await r.text();
          scrapes++;
        },
        () => {},
      );
  }, 250);
  try {
    const count = o.quick ? 600 : 4000;
    const run = async (proxy: Ready, port: number) => {
      const cpu0 = await cpuOf(proxy.proc.pid!);
      const r: LoadReport = await runLoad({ target: { host: '127.0.0.1', port }, secret: BENCH_SECRET, concurrency: 16, count, attributes: () => pap('alice', 'push') });
      const cpu = ((await cpuOf(proxy.proc.pid!)) - cpu0) / Math.max(1, r.answered);
      return { rate: r.perSecond, cpu, lost: r.lost };
    };
    const variants = [
      { name: 'off             ', proxy: off, port: offPort, runs: [] as { rate: number; cpu: number; lost: number }[] },
      { name: 'metrics         ', proxy: on, port: onPort, runs: [] as { rate: number; cpu: number; lost: number }[] },
      { name: 'metrics + files ', proxy: files, port: filesPort, runs: [] as { rate: number; cpu: number; lost: number }[] },
    ];
    for (const v of variants) await run(v.proxy, v.port); // warm-up
    const rounds = o.quick ? 2 : 5;
    for (let i = 0; i < rounds; i++) {
      // Rotate which goes first, so none always gets the cooler machine.
      for (let k = 0; k < variants.length; k++) {
        const v = variants[(i + k) % variants.length]!;
        v.runs.push(await run(v.proxy, v.port));
      }
    }
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const counted = Number(/^authproxy_logins_total\{[^}]*result="accept"[^}]*\} (\d+)/m.exec(text)?.[1] ?? 0);
    console.log(`\nmetrics_port and log files on vs off (duo_only, push approved at once, c=16, ${rounds} rotating rounds of ${count}, /metrics scraped every 250 ms: ${scrapes} scrapes):`);
    const [rOff, cOff] = [median(variants[0]!.runs.map((r) => r.rate)), median(variants[0]!.runs.map((r) => r.cpu))];
    for (const v of variants) {
      const [rate, cpu] = [median(v.runs.map((r) => r.rate)), median(v.runs.map((r) => r.cpu))];
      console.log(
        `  ${v.name} ${rate.toFixed(0).padStart(6)} logins/s   proxy CPU ${cpu.toFixed(0)} µs/login   lost ${v.runs.reduce((a, r) => a + r.lost, 0)}` +
          (v.proxy === off ? '' : `   ratio to off: rate ${(rate / rOff).toFixed(3)} (target ≥ 0.9), CPU ${(cpu / cOff).toFixed(3)}`),
      );
    }
    console.log(`  (the metrics endpoint counted ${counted} accepted logins)`);
  } finally {
    clearInterval(scraper);
    await Promise.all(started.map((p) => p.stop()));
  }
}

/** What metrics add to one login in this process, measured exactly (no other process, no network): the
 *  three events of a duo_only push login (Duo preauth, Duo auth, summary) through the feed, against the
 *  same loop handing them to a function that does nothing; and the CPU of one scrape. */
export async function metricsWork(o: { quick: boolean }): Promise<void> {
  const n = o.quick ? 50_000 : 300_000;
  const base = { loginId: 'x', server: 'radius_server_duo_only', user: 'u', clientIp: '10.0.0.1', at: '', state: '' };
  const events: AnyLoginEvent[] = [
    { ...base, event: 'login.duo', kind: 'duo', detail: { endpoint: 'preauth', ok: true, ms: 12, httpStatus: 200, round: 1 } },
    { ...base, event: 'login.duo', kind: 'duo', detail: { endpoint: 'auth', ok: true, ms: 30, httpStatus: 200, round: 1 } },
    { ...base, event: 'login.summary', kind: 'summary', detail: { server: 'radius_server_duo_only', mode: 'radius_server_duo_only', outcome: 'accept', reason: 'duo_allow', final: true, ms: 45 } },
  ] as AnyLoginEvent[];
  const metrics = createProxyMetrics({ inFlight: () => 3, dropped: () => ({ 'ma-invalid': 2 }), challengesOpen: async () => 0, natsConnected: () => false });
  const feed = loginEventFeed(metrics);
  let sink = 0;
  const noop = (ev: AnyLoginEvent) => {
    sink += ev.event.length;
  };
  const time = (f: (ev: AnyLoginEvent) => void) => {
    const t0 = process.cpuUsage();
    for (let i = 0; i < n; i++) for (const ev of events) f(ev);
    const t = process.cpuUsage(t0);
    return (t.user + t.system) / n;
  };
  time(feed);
  time(noop);
  const [withFeed, without] = [time(feed), time(noop)];
  const scrapes = o.quick ? 50 : 200;
  const c0 = process.cpuUsage();
  for (let i = 0; i < scrapes; i++) await metrics.registry.metrics();
  const c = process.cpuUsage(c0);
  console.log(
    `\nmetrics work in one process (${n} logins of 3 events each): the feed ${(withFeed - without).toFixed(2)} µs CPU per login ` +
      `(${withFeed.toFixed(2)} µs with the loop, ${without.toFixed(2)} µs without); one scrape of /metrics ${((c.user + c.system) / scrapes / 1000).toFixed(2)} ms CPU${sink < 0 ? '' : ''}`,
  );
}
