// `npm run bench -- ldap`: primary authentications per second with our ad_client (auth_type=plain,
// pooled service connection: search + one user bind on a new connection) against the harness slapd,
// at concurrency 16 and 128. Baselines, same slapd, same run:
//   - bind loop: a plain ldapts loop of connect + simple bind as the user + unbind (the floor of any
//     primary auth: one connection and one bind);
//   - naive flow: what a straightforward ldapts ad_client would do per login: a service connection
//     and bind, the search, then the user bind on a second connection.
import { Client } from 'ldapts';
import { createAdClient } from '../../../adapters/ldap/ad-client.ts';
import { silentLogger } from '../../../adapters/log/logger.ts';
import * as slapd from '../../harness/slapd.ts';

const USERS = 50;
const WARMUP_MS = 300;
const MEASURE_MS = 2500;
const CONCURRENCY = [Number(process.env.C ?? 16)] as const;

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
  const ours = createAdClient(
    {
      hosts: ['127.0.0.1'],
      port: srv.port,
      authType: 'plain',
      bindDn: serviceDn,
      serviceAccountPassword: 'svc pw',
      searchDn: srv.baseDn,
      securityGroupDn: groupDn,
      usernameAttribute: 'uid',
      servicePoolSize: Number(process.env.POOL ?? 2),
    },
    { logger: silentLogger() },
  );

  const oursOp = async (i: number) => {
    const u = users[i % USERS]!;
    const r = await ours.authenticate({ username: u.uid, password: u.password, requestAttributes: [], server: 'bench' });
    return r.ok;
  };
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
  for (const op of [oursOp, bindLoop, naive]) if (!(await op(0))) throw new Error('a baseline login failed');

  const fmt = (f: Figure) =>
    `${f.perSecond.toFixed(0).padStart(6)}/s  p50 ${f.p50.toFixed(2).padStart(6)} ms  p99 ${f.p99.toFixed(2).padStart(7)} ms${f.failures ? `  (${f.failures} failed)` : ''}`;
  console.log(`slapd ${srv.url}, ${USERS} users, security_group_dn set, ${MEASURE_MS} ms per figure`);
  for (const c of CONCURRENCY) {
    const base = { perSecond: 1, p50: 0, p99: 0, failures: 0 }; const flow = base;
    const mine = await measure(c, oursOp);
    console.log(`\nconcurrency ${c}`);
    console.log(`  ldapts bind loop (baseline)        ${fmt(base)}`);
    console.log(`  ldapts naive ad flow (2 conns)     ${fmt(flow)}`);
    console.log(`  ad_client (pooled service conn)    ${fmt(mine)}`);
    console.log(
      `  ratio ad_client / bind loop: ${(mine.perSecond / base.perSecond).toFixed(2)}   ad_client / naive flow: ${(mine.perSecond / flow.perSecond).toFixed(2)}`,
    );
  }
  await ours.close();
} finally {
  await srv.stop();
}
