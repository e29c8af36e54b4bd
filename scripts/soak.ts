// `npm run soak [-- --minutes M --slow-share F]`: a bounded run of `authproxy start` at half the capacity
// measured first in the same run, with slow pushes mixed in (each holds a login for seconds), while the
// proxy's resident memory and open descriptors are sampled. Not part of the test suite. It prints the
// samples and a verdict: flat when, after the warm-up, memory does not grow (RSS of the last quarter
// within 10 % or 8 MiB of the second quarter) and, once quiet again, the descriptors are back to what
// they were before the load (within 10: the Duo client's pooled connections come and go with the load
// and close after 15 s idle). Exit 1 when not flat or on a crash; lost logins are reported.
import { parseArgs } from 'node:util';
import { pap, runLoad } from '../simulator/load.ts';
import { SECRET, startProxyChild } from './fuzz/proxy-child.ts';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '3' }, 'slow-share': { type: 'string', default: '0.1' }, 'slow-push-ms': { type: 'string', default: '3000' } } });
const MINUTES = Number(values.minutes);
const SLOW_SHARE = Number(values['slow-share']);
const SLOW_PUSH_MS = Number(values['slow-push-ms']);
const SAMPLE_MS = 5000;
/** Longer than the Duo client's idle-connection timeout (15 s): the pool is empty again after it. */
const QUIET_MS = 20_000;
const MiB = (n: number) => n / 1024 / 1024;

const proxy = await startProxyChild({ slowPushMs: SLOW_PUSH_MS, onCrash: (e) => process.stderr.write(`soak: the proxy crashed: ${e}\n`) });
const target = { host: '127.0.0.1', port: proxy.duoOnlyPort };

// Capacity: fast logins (a passcode, answered at once by the mock Duo), closed loop, best of two.
let capacity = 0;
for (let round = 0; round < 2; round++) {
  const r = await runLoad({ target, secret: SECRET, concurrency: 64, count: 3000, attributes: () => pap('fast', '111111'), timeoutMs: 10_000 });
  capacity = Math.max(capacity, r.perSecond);
}
const rate = Math.max(1, Math.floor(capacity / 2));
process.stderr.write(`soak: capacity ${capacity.toFixed(0)} logins/s; ${MINUTES} min at ${rate}/s, ${(SLOW_SHARE * 100).toFixed(0)} % slow pushes of ${SLOW_PUSH_MS} ms\n`);

interface Sample {
  s: number;
  rssMiB: number;
  fds: number;
}
const samples: Sample[] = [];
const t0 = Date.now();
const read = async (): Promise<Sample> => ({ s: Math.round((Date.now() - t0) / 1000), rssMiB: MiB(await proxy.rss()), fds: await proxy.fds() });
const sample = async () => samples.push(await read());
await new Promise((r) => setTimeout(r, QUIET_MS));
const before = await read();
await sample();
const sampler = setInterval(() => void sample(), SAMPLE_MS);
const slowEvery = SLOW_SHARE > 0 ? Math.round(1 / SLOW_SHARE) : 0;
const load = await runLoad({
  target,
  secret: SECRET,
  ratePerS: rate,
  durationS: MINUTES * 60,
  maxMs: (MINUTES * 60 + 120) * 1000,
  attributes: (i) => (slowEvery > 0 && i % slowEvery === 0 ? pap('slow', 'push') : pap('fast', '111111')),
  timeoutMs: 15_000,
  retransmit: { intervalMs: 5000, count: 2 },
});
clearInterval(sampler);
// The last logins settle and the idle connections close: then the quiet sample.
await new Promise((r) => setTimeout(r, QUIET_MS));
const quiet = await read();
const crashes = proxy.crashes;
const exitCode = await proxy.stop();

// Verdict: the first quarter is warm-up (JIT, pools, caches); compare the second and the last quarters.
const q = Math.max(1, Math.floor(samples.length / 4));
const mean = (xs: Sample[]) => xs.reduce((a, x) => a + x.rssMiB, 0) / xs.length;
const second = samples.slice(q, 2 * q);
const last = samples.slice(-q);
const growth = mean(last) - mean(second);
const fdsLeft = quiet.fds - before.fds;
const flat = growth <= Math.max(8, mean(second) * 0.1) && fdsLeft <= 10;

console.log('   s   RSS MiB   fds');
for (const x of [...samples, quiet]) console.log(`${String(x.s).padStart(4)} ${x.rssMiB.toFixed(1).padStart(9)} ${String(x.fds).padStart(5)}`);
console.log(
  [
    `capacity         ${capacity.toFixed(0)} logins/s (fast logins, closed loop, 64 in flight)`,
    `soak             ${MINUTES} min at ${rate} logins/s, every ${slowEvery || '-'}th a push of ${SLOW_PUSH_MS} ms: ${load.answered} answered of ${load.sent}, ${load.lost} lost, p50 ${load.p50.toFixed(0)} ms, p99 ${load.p99.toFixed(0)} ms`,
    `RSS              second quarter ${mean(second).toFixed(1)} MiB, last quarter ${mean(last).toFixed(1)} MiB (growth ${growth.toFixed(1)} MiB)`,
    `open fds         ${before.fds} quiet before the load, up to ${Math.max(...samples.map((x) => x.fds))} during it, ${quiet.fds} quiet after it; RSS ${before.rssMiB.toFixed(1)} MiB quiet before, ${quiet.rssMiB.toFixed(1)} MiB quiet after`,
    `crashes          ${crashes}; exit code on SIGTERM ${exitCode}`,
    `verdict          ${flat ? 'flat' : 'NOT flat'}`,
  ].join('\n'),
);
console.log(JSON.stringify({ capacity: Math.round(capacity), rate, minutes: MINUTES, load: { sent: load.sent, answered: load.answered, lost: load.lost, codes: load.codes, p50: load.p50, p99: load.p99 }, rssGrowthMiB: Number(growth.toFixed(1)), before, quiet, fdsLeft, flat, crashes, samples }));
process.exitCode = flat && crashes === 0 && exitCode === 0 ? 0 : 1;
