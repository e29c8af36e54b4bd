// Logins per second through the whole product: radius listener → engine → Duo client over HTTPS
// keep-alive → the standalone mock Duo (push approved at once), each in its own process, driven by our
// load generator. Baseline in the same run: the bare listener (trivial handler) under the same load.
// Also: challenge-mode logins (two rounds), a burst of 2,000 logins with 3 s pushes (lost = no answer,
// no retransmission), and 10,000 logins held waiting on pushes (proxy RSS, and Status-Server round
// trips while they wait as a measure of event-loop delay; lib/hold-memory.ts).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { findValues } from '../adapters/radius/attributes.ts';
import { createRadiusClient } from '../adapters/radius/client.ts';
import { type LoadReport, pap, percentile, runLoad } from '../simulator/load.ts';
import { BENCH_SECRET, AUTHPROXY_BIN, approvingUser, benchDuoKeys, startMockDuoChild } from './lib/mock-duo-child.ts';
import { cpuOf, spawnReady } from './lib/spawn-ready.ts';
import { holdMemory } from './lib/hold-memory.ts';
import { loggingCost } from './lib/logging-cost.ts';
import { Client } from 'ldapts';
import * as slapd from '../test/harness/slapd.ts';

const SECRET = BENCH_SECRET;
const CORES = availableParallelism();
const quick = process.env.BENCH_QUICK === '1';
const N = (n: number) => (quick ? Math.ceil(n / 10) : n);

const dir = await mkdtemp(join(tmpdir(), 'authproxy-bench-'));
const users = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`user${i}`, approvingUser(0)]));
const mock = await startMockDuoChild(dir, { ...users, alice: approvingUser(0), slow: approvingUser(3000) });
const bin = AUTHPROXY_BIN;
const duo = benchDuoKeys(mock.port);
const ports = { duoOnly: 28120 + Math.floor(Math.random() * 1000) };
const portAuto = ports.duoOnly + 1;
const portChallenge = ports.duoOnly + 2;
const portAd = ports.duoOnly + 3;
// A directory for the auto + ad_client figures: 50 users in one group, the harness's private slapd.
const ldap = await slapd.start({
  entries: {
    users: Array.from({ length: 50 }, (_, i) => ({ uid: `user${i}`, password: `pw${i}`, memberOf: ['vpn-users'] })).concat([{ uid: 'svc', password: 'svcpw', memberOf: [] }]),
    groups: [{ cn: 'vpn-users' }],
  },
});
await writeFile(
  join(dir, 'authproxy.cfg'),
  `[main]\nhttp_ca_certs_file=ca.pem\n[duo_only_client]\n` +
    `[radius_server_duo_only]\n${duo}\nport=${ports.duoOnly}\n` +
    `[radius_server_auto]\n${duo}\nport=${portAuto}\nclient=duo_only_client\n` +
    `[radius_server_challenge]\n${duo}\nport=${portChallenge}\nclient=duo_only_client\n` +
    `[ad_client]\nhost=127.0.0.1\nport=${ldap.port}\nauth_type=plain\nbind_dn=${slapd.userDn({ uid: 'svc' }, ldap.baseDn)}\nservice_account_username=svc\nservice_account_password=svcpw\n` +
    `search_dn=${ldap.baseDn}\nusername_attribute=uid\nsecurity_group_dn=${slapd.groupDn({ cn: 'vpn-users' }, ldap.baseDn)}\n` +
    `[radius_server_auto2]\n${duo}\nport=${portAd}\nclient=ad_client\n`,
);
const proxy = await spawnReady([bin, 'start', '-c', join(dir, 'authproxy.cfg'), '--log-level', 'warn'], { timeoutMs: 30_000 }).catch(async (e) => {
  await mock.stop();
  throw e;
});
// The same duo_only section in a proxy whose engine runs in one worker thread ([main] engine_threads):
// the RADIUS listener and the engine then each get an event loop.
const portThreaded = ports.duoOnly + 5;
await writeFile(join(dir, 'threaded.cfg'), `[main]\nhttp_ca_certs_file=ca.pem\nengine_threads=1\n[radius_server_duo_only]\n${duo}\nport=${portThreaded}\n`);
const threaded = await spawnReady([bin, 'start', '-c', join(dir, 'threaded.cfg'), '--log-level', 'warn'], { timeoutMs: 30_000 });
const bare = await spawnReady(['--import', 'tsx', join(import.meta.dirname, 'lib', 'bare-listener.ts'), SECRET]);
const barePort = Number(bare.ready.port);

const fmt = (r: LoadReport) =>
  `${r.perSecond.toFixed(0).padStart(6)}/s  p50 ${r.p50.toFixed(2).padStart(7)} ms  p99 ${r.p99.toFixed(2).padStart(8)} ms  answered ${r.answered}/${r.sent}${r.lost ? `  LOST ${r.lost}` : ''}`;

try {
  // Warm up TLS connections and JIT.
  await runLoad({ target: { host: '127.0.0.1', port: ports.duoOnly }, secret: SECRET, concurrency: 16, count: N(500), attributes: () => pap('alice', 'push') });
  await runLoad({ target: { host: '127.0.0.1', port: barePort }, secret: SECRET, concurrency: 16, count: N(2000), attributes: () => pap('alice', 'push') });
  await runLoad({ target: { host: '127.0.0.1', port: portThreaded }, secret: SECRET, concurrency: 16, count: N(500), attributes: () => pap('alice', 'push') });

  console.log('\nlogins per second (push approved at once), and the bare listener under the same load:');
  for (const concurrency of [1, 16, 128]) {
    const total = N(concurrency === 1 ? 1500 : 6000);
    const b = await runLoad({ target: { host: '127.0.0.1', port: barePort }, secret: SECRET, concurrency, count: total, attributes: () => pap('alice', 'push') });
    const cpu = await cpuCounters();
    const d = await runLoad({ target: { host: '127.0.0.1', port: ports.duoOnly }, secret: SECRET, concurrency, count: total, attributes: () => pap('alice', 'push') });
    const spent = await cpuSpent(cpu, d.answered);
    const tcpu = await cpuCounters(threaded);
    const t = await runLoad({ target: { host: '127.0.0.1', port: portThreaded }, secret: SECRET, concurrency, count: total, attributes: () => pap('alice', 'push') });
    const tspent = await cpuSpent(tcpu, t.answered, threaded);
    const a = await runLoad({ target: { host: '127.0.0.1', port: portAuto }, secret: SECRET, concurrency, count: total, attributes: () => pap('alice', 'hunter2,push') });
    console.log(`  c=${String(concurrency).padEnd(3)} bare listener      ${fmt(b)}`);
    console.log(`  c=${String(concurrency).padEnd(3)} duo_only           ${fmt(d)}   ratio to bare ${(d.perSecond / b.perSecond).toFixed(3)}`);
    console.log(`  c=${String(concurrency).padEnd(3)} duo_only, 1 thread ${fmt(t)}   ratio to bare ${(t.perSecond / b.perSecond).toFixed(3)}`);
    console.log(`  c=${String(concurrency).padEnd(3)} auto+duo_only_cl.  ${fmt(a)}   ratio to bare ${(a.perSecond / b.perSecond).toFixed(3)}`);
    console.log(
      `        duo_only CPU per login: proxy ${spent.proxy.toFixed(0)} µs, mock Duo ${spent.mock.toFixed(0)} µs, load generator ${spent.generator.toFixed(0)} µs; ` +
        `the ${CORES} cores allow at most ${((CORES * 1e6) / (spent.proxy + spent.mock + spent.generator)).toFixed(0)} logins/s at this cost, ` +
        `one core for the proxy's event loop ${(1e6 / spent.proxy).toFixed(0)}/s`,
    );
    console.log(
      `        duo_only with engine_threads=1, CPU per login: proxy ${tspent.proxy.toFixed(0)} µs (both threads), mock Duo ${tspent.mock.toFixed(0)} µs, ` +
        `load generator ${tspent.generator.toFixed(0)} µs; ceiling on ${CORES} cores ${((CORES * 1e6) / (tspent.proxy + tspent.mock + tspent.generator)).toFixed(0)} logins/s`,
    );
  }

  console.log('\nauto mode with ad_client (slapd) as primary, push approved at once, vs a plain ldapts bind loop on the same slapd:');
  for (const concurrency of [16, 128]) {
    const total = N(4000);
    const loop = await bindLoop(concurrency, total);
    const r = await runLoad({ target: { host: '127.0.0.1', port: portAd }, secret: SECRET, concurrency, count: total, attributes: (i) => pap(`user${i % 50}`, `pw${i % 50},push`) });
    console.log(`  c=${String(concurrency).padEnd(3)} ldapts bind loop   ${loop.toFixed(0).padStart(6)}/s`);
    console.log(`  c=${String(concurrency).padEnd(3)} auto + ad_client   ${fmt(r)}   codes ${JSON.stringify(r.codes)}   ratio to bind loop ${(r.perSecond / loop).toFixed(3)}`);
  }

  const ch = await runLoad({
    target: { host: '127.0.0.1', port: portChallenge },
    secret: SECRET,
    concurrency: 16,
    count: N(3000),
    login: async (_i, send) => {
      const first = await send(pap('alice', 'pw'));
      const state = first && findValues(first.attributes, 'State')[0];
      if (first?.code !== 11 || !state) return first?.code;
      const r = await send([...pap('alice', '1'), { type: 24, value: state.toString('base64') }]);
      return r?.code;
    },
  });
  console.log(`\nchallenge mode, two rounds per login (c=16): ${fmt(ch)}  codes ${JSON.stringify(ch.codes)}`);

  const burst = await runLoad({ target: { host: '127.0.0.1', port: ports.duoOnly }, secret: SECRET, concurrency: 2000, count: 2000, timeoutMs: 15_000, attributes: () => pap('slow', 'push') });
  console.log(`\nburst: 2,000 logins at once, 3 s pushes, no retransmission: answered ${burst.answered}, lost ${burst.lost}, p50 ${burst.p50.toFixed(0)} ms, p99 ${burst.p99.toFixed(0)} ms, accepts ${burst.codes[2] ?? 0}`);

  // The held logins go to a proxy of their own (and a mock Duo of their own, whose pushes wait 50 s), so
  // that its RSS is not the heap the runs above grew; RSS is read once the mock Duo holds every push.
  const rtts: number[] = [];
  const hold = await holdMemory({
    n: N(10_000),
    warm: N(500),
    port: ports.duoOnly + 4,
    whileHolding: async (holdPort) => {
      const probe = createRadiusClient({ secret: SECRET, sockets: 1 });
      for (let i = 0; i < 50; i++) {
        const t0 = performance.now();
        const r = await probe.request({ host: '127.0.0.1', port: holdPort }, [], { code: 12, timeoutMs: 2000, retransmitMs: 0 });
        if (r.ok) rtts.push(performance.now() - t0);
        await new Promise((res) => setTimeout(res, 20));
      }
      await probe.close();
    },
  });
  rtts.sort((a, b) => a - b);
  console.log(
    `\n${hold.n} logins held waiting on 50 s pushes (a fresh proxy, warmed by ${N(500)} logins; read with ${hold.inFlight} of them at the mock Duo): ` +
      `RSS ${(hold.rssBefore / 2 ** 20).toFixed(0)} MB before, ${(hold.rssHolding / 2 ** 20).toFixed(0)} MB while waiting ` +
      `(${hold.perLoginKiB.toFixed(1)} KiB per waiting login); ` +
      `Status-Server RTT while waiting p50 ${percentile(rtts, 50).toFixed(2)} ms p99 ${percentile(rtts, 99).toFixed(2)} ms (${rtts.length}/50 answered); ` +
      `then answered ${hold.held.answered}, lost ${hold.held.lost}`,
  );
  const logs = await loggingCost({ dir, bin, duo, secret: SECRET, ports: [ports.duoOnly + 6, ports.duoOnly + 7], concurrency: 16, count: N(3000), rounds: 3 });
  console.log(
    `\nlog files (duo_only, c=16, median of 3 alternating runs): nothing logged per login ${logs.off.toFixed(0)}/s, ` +
      `log_file + log_auth_events at info ${logs.on.toFixed(0)}/s (wrote ${logs.files.join(', ')}): ratio ${logs.ratio.toFixed(3)} (target >= 0.9)`,
  );
  console.log('\nFor scale (the issue, measured on this machine): Duo proxy 4.0.2 does 61-65 logins/s at c=1, 84-94 at c=16 (p99 ~320 ms), ~100 at c=128, 500 waiting pushes in 110 MB, loses ~13 % of a 500-wide burst.');
} finally {
  await Promise.all([proxy.stop(), threaded.stop(), bare.stop(), mock.stop(), ldap.stop()]);
  await rm(dir, { recursive: true, force: true });
}

/** CPU counters of the three processes of a duo_only run: the proxy, the mock Duo, and this one (the load generator). */
async function cpuCounters(of = proxy) {
  const [p, m] = await Promise.all([cpuOf(of.proc.pid!), cpuOf(mock.proc.pid!)]);
  const g = process.cpuUsage();
  return { proxy: p, mock: m, generator: g.user + g.system };
}

async function cpuSpent(before: Awaited<ReturnType<typeof cpuCounters>>, logins: number, of = proxy) {
  const now = await cpuCounters(of);
  const per = (k: keyof typeof now) => (now[k] - before[k]) / Math.max(1, logins);
  return { proxy: per('proxy'), mock: per('mock'), generator: per('generator') };
}

/** The directory's own cost: connect, simple bind as a user, unbind, as fast as ldapts goes. */
async function bindLoop(concurrency: number, total: number): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const c = new Client({ url: ldap.url });
        await c.bind(slapd.userDn({ uid: `user${i % 50}` }, ldap.baseDn), `pw${i % 50}`);
        await c.unbind();
      }
    }),
  );
  return total / ((performance.now() - t0) / 1000);
}
