// `npm run bench -- ldap`: primary authentications per second with our ad_client (auth_type=plain;
// per login a search on a pooled service connection and the user's bind on a kept connection) against
// the harness slapd, at concurrency 16 and 128; also with userBindPoolSize=0 (a new connection per
// user bind, as Duo's proxy does). Baselines, same slapd, same run:
//   - bind loop: a plain ldapts loop of connect + simple bind as the user + unbind (the floor of any
//     primary auth: one connection and one bind);
//   - naive flow: what a straightforward ldapts ad_client would do per login: a service connection
//     and bind, the search, then the user bind on a second connection.
import { loadavg } from 'node:os';
import { Client } from 'ldapts';
import { createAdClient } from '../adapters/ldap/ad-client.ts';
import { silentLogger } from '../adapters/log/logger.ts';
import * as slapd from '../test/harness/slapd.ts';

const USERS = 50;
const WARMUP_MS = 300;
const MEASURE_MS = 1500;
/** The machine may be shared: flavours are measured in alternation, best of ROUNDS each. */
const ROUNDS = 2;
const CONCURRENCY = [16, 128] as const;

const users = Array.from({ length: USERS }, (_, i) => ({ uid: `user${i}`, password: `pw ${i}`, memberOf: ['vpn-users'] }));

interface Figure {
  perSecond: number;
  p50: number;
  p99: number;
  failures: number;
}

/** Runs `op` from `concurrency` workers for a warm-up and then a measured window. */
async function measure(concurrency: number, op: (i: number) => Promise<boolean>): Promise<Figure> {
  let n = 0;
  const run = async (ms: number, latencies?: number[]) => {
    const until = performance.now() + ms;
    let done = 0;
    let failures = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < until) {
          const t0 = performance.now();
          const ok = await op(n++);
          latencies?.push(performance.now() - t0);
          if (ok) done++;
          else failures++;
        }
      }),
    );
    return { done, failures };
  };
  await run(WARMUP_MS);
  const latencies: number[] = [];
  const t0 = performance.now();
  const { done, failures } = await run(MEASURE_MS, latencies);
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? Number.NaN;
  return { perSecond: done / seconds, p50: pct(50), p99: pct(99), failures };
}

const srv = await slapd.start({
  entries: { users: [{ uid: 'svc-duo', password: 'svc pw', ou: 'service' }, ...users] },
});
try {
  const serviceDn = slapd.userDn({ uid: 'svc-duo', ou: 'service' }, srv.baseDn);
  const groupDn = slapd.groupDn({ cn: 'vpn-users' }, srv.baseDn);
  const options = {
    hosts: ['127.0.0.1'],
    port: srv.port,
    authType: 'plain' as const,
    bindDn: serviceDn,
    serviceAccountPassword: 'svc pw',
    searchDn: srv.baseDn,
    securityGroupDn: groupDn,
    usernameAttribute: 'uid',
  };
  const ours = createAdClient(options, { logger: silentLogger() });

  const oursNoKeep = createAdClient(
    { ...options, userBindPoolSize: 0 },
    { logger: silentLogger() },
  );
  const login = (client: typeof ours) => async (i: number) => {
    const u = users[i % USERS]!;
    const r = await client.authenticate({ username: u.uid, password: u.password, requestAttributes: [], server: 'bench' });
    return r.ok;
  };
  const oursOp = login(ours);
  const oursNoKeepOp = login(oursNoKeep);
  const bindLoop = async (i: number) => {
    const u = users[i % USERS]!;
    const c = new Client({ url: srv.url });
    try {
      await c.bind(slapd.userDn(u, srv.baseDn), u.password);
      return true;
    } catch {
      return false;
    } finally {
      await c.unbind().catch(() => {});
    }
  };
  const naive = async (i: number) => {
    const u = users[i % USERS]!;
    const svc = new Client({ url: srv.url });
    const user = new Client({ url: srv.url });
    try {
      await svc.bind(serviceDn, 'svc pw');
      const { searchEntries } = await svc.search(srv.baseDn, {
        filter: `(&(uid=${u.uid})(memberOf=${groupDn}))`,
        attributes: ['uid'],
      });
      const dn = searchEntries[0]?.dn;
      if (!dn) return false;
      await user.bind(dn, u.password);
      return true;
    } catch {
      return false;
    } finally {
      await svc.unbind().catch(() => {});
      await user.unbind().catch(() => {});
    }
  };

  // Sanity: every flavour succeeds for a known user before timing it.
  for (const op of [oursOp, oursNoKeepOp, bindLoop, naive]) if (!(await op(0))) throw new Error('a baseline login failed');

  const fmt = (f: Figure) =>
    `${f.perSecond.toFixed(0).padStart(6)}/s  p50 ${f.p50.toFixed(2).padStart(6)} ms  p99 ${f.p99.toFixed(2).padStart(7)} ms${f.failures ? `  (${f.failures} failed)` : ''}`;
  console.log(`slapd ${srv.url}, ${USERS} users, security_group_dn set, ${MEASURE_MS} ms per measurement; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const best = (a: Figure | undefined, b: Figure) => (a && a.perSecond >= b.perSecond ? a : b);
  for (const c of CONCURRENCY) {
    let base: Figure | undefined;
    let flow: Figure | undefined;
    let mine: Figure | undefined;
    let noKeep: Figure | undefined;
    for (let round = 0; round < ROUNDS; round++) {
      base = best(base, await measure(c, bindLoop));
      flow = best(flow, await measure(c, naive));
      mine = best(mine, await measure(c, oursOp));
      noKeep = best(noKeep, await measure(c, oursNoKeepOp));
    }
    console.log(`\nconcurrency ${c} (best of ${ROUNDS} alternating rounds)`);
    console.log(`  ldapts bind loop (baseline)        ${fmt(base!)}`);
    console.log(`  ldapts naive ad flow (2 conns)     ${fmt(flow!)}`);
    console.log(`  ad_client, userBindPoolSize 0      ${fmt(noKeep!)}`);
    console.log(`  ad_client (default pools)          ${fmt(mine!)}`);
    const ratio = (a: Figure, b: Figure) => (a.perSecond / b.perSecond).toFixed(2);
    console.log(`  ratio ad_client / bind loop: ${ratio(mine!, base!)}   / naive flow: ${ratio(mine!, flow!)}`);
    console.log(`  ratio ad_client without kept user connections / bind loop: ${ratio(noKeep!, base!)}`);
  }
  await ours.close();
  await oursNoKeep.close();
} finally {
  await srv.stop();
}
