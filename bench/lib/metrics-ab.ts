// What [main] metrics_port costs a login (issue 11 §2): two proxies started alike on the same mock Duo,
// one without and one with the metrics endpoint, scraped 4 times a second while it works (Prometheus
// scrapes every 15 s: this is the harsh case). Same load against each, in alternating order, several
// rounds; the medians of logins/s and of proxy CPU per login, and their ratios (target: with/without ≥ 0.9).
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
  const [offPort, onPort, metricsPort] = [await freePort('udp'), await freePort('udp'), await freePort('tcp')];
  const cfg = (port: number, main: string) => `[main]\nhttp_ca_certs_file=ca.pem\n${main}\n[radius_server_duo_only]\n${o.duoSection}\nport=${port}\n`;
  await writeFile(join(o.dir, 'metrics-off.cfg'), cfg(offPort, ''));
  await writeFile(join(o.dir, 'metrics-on.cfg'), cfg(onPort, `metrics_port=${metricsPort}`));
  const start = (name: string) => spawnReady([AUTHPROXY_BIN, 'start', '-c', join(o.dir, name), '--log-level', 'warn'], { timeoutMs: 30_000 });
  const off = await start('metrics-off.cfg');
  const on = await start('metrics-on.cfg').catch(async (e) => {
    await off.stop();
    throw e;
  });
  let scrapes = 0;
  const scraper = setInterval(() => {
    void fetch(`http://127.0.0.1:${metricsPort}/metrics`).then(
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
    await run(off, offPort);
    await run(on, onPort);
    const rounds = o.quick ? 2 : 5;
    const offR: { rate: number; cpu: number; lost: number }[] = [];
    const onR: typeof offR = [];
    for (let i = 0; i < rounds; i++) {
      // Alternate which goes first, so neither always gets the cooler machine.
      if (i % 2 === 0) {
        offR.push(await run(off, offPort));
        onR.push(await run(on, onPort));
      } else {
        onR.push(await run(on, onPort));
        offR.push(await run(off, offPort));
      }
    }
    const [rOff, rOn] = [median(offR.map((r) => r.rate)), median(onR.map((r) => r.rate))];
    const [cOff, cOn] = [median(offR.map((r) => r.cpu)), median(onR.map((r) => r.cpu))];
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const counted = Number(/^authproxy_logins_total\{[^}]*result="accept"[^}]*\} (\d+)/m.exec(text)?.[1] ?? 0);
    console.log(`\nmetrics_port on vs off (duo_only, push approved at once, c=16, ${rounds} alternating rounds of ${count}, /metrics scraped every 250 ms: ${scrapes} scrapes):`);
    console.log(`  off  ${rOff.toFixed(0).padStart(6)} logins/s   proxy CPU ${cOff.toFixed(0)} µs/login   lost ${offR.reduce((a, r) => a + r.lost, 0)}`);
    console.log(`  on   ${rOn.toFixed(0).padStart(6)} logins/s   proxy CPU ${cOn.toFixed(0)} µs/login   lost ${onR.reduce((a, r) => a + r.lost, 0)}   (the endpoint counted ${counted} accepted logins)`);
    console.log(`  ratio on/off: rate ${(rOn / rOff).toFixed(3)} (target ≥ 0.9), CPU per login ${(cOn / cOff).toFixed(3)}`);
  } finally {
    clearInterval(scraper);
    await Promise.all([off.stop(), on.stop()]);
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
