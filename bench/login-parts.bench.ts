// Where a duo_only login's CPU goes, part by part, each measured alone in this process (CPU per login
// from process.cpuUsage, concurrency 16): the login's XState actor with instant in-process answers
// (bench/lib/actor-logins.ts; ours and the baseline checkout's, bench/lib/baseline.ts, in the same
// run; also for an auto and a two-round challenge login), and our Duo client's preauth + auth against
// the mock Duo (its own process, HTTPS keep-alive). The whole login in an `authproxy start` process is `npm run bench -- login-cpu`; the difference between
// it and the sum of these parts is the RADIUS side, the bus, and what running them interleaved costs
// (cache misses, objects that live across network waits and survive young-generation collections).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDuoClient } from '../adapters/duo/client.ts';
import { ACTOR_LOGIN_KINDS, type ActorLoginKind, actorLoginsOf, cpuPer } from './lib/actor-logins.ts';
import { baselineCode, loadAverage, REPO_ROOT } from './lib/baseline.ts';
import { BENCH_IKEY, BENCH_SKEY, approvingUser, startMockDuoChild } from './lib/mock-duo-child.ts';

const quick = process.env.BENCH_QUICK === '1';
const N = quick ? 2000 : 20_000;

// The baseline's actor and ours in the same run, twice each in alternating order (same process, same
// xstate, same JIT); the lower of each code's two medians, the one less disturbed by other processes.
const baseline = baselineCode();
const logins = { baseline: await actorLoginsOf(baseline.root), new: await actorLoginsOf(REPO_ROOT) };
const actorUs = {} as Record<ActorLoginKind, { baseline: number; new: number }>;
for (const kind of ACTOR_LOGIN_KINDS) {
  const runs = { baseline: [] as number[], new: [] as number[] };
  for (let r = 0; r < 2; r++)
    for (const code of r % 2 ? (['new', 'baseline'] as const) : (['baseline', 'new'] as const)) runs[code].push(await cpuPer(kind === 'duo_only' ? N / 2 : N / 4, logins[code][kind]));
  actorUs[kind] = { baseline: Math.min(...runs.baseline), new: Math.min(...runs.new) };
}

const dir = await mkdtemp(join(tmpdir(), 'authproxy-parts-'));
const mock = await startMockDuoChild(dir, { alice: approvingUser(0) });
const duo = createDuoClient({ dialect: 'rest_v1', ikey: BENCH_IKEY, skey: BENCH_SKEY, apiHost: 'localhost', apiPort: mock.port, caFile: join(dir, 'ca.pem'), userAgent: 'authproxy-bench' });
try {
  const duoUs = await cpuPer(Math.ceil(N / 3), async () => {
    const p = await duo.preauth({ user: 'alice', ipaddr: '10.0.0.5', failmode: 'secure' }, new AbortController().signal);
    const a = p.ok ? await duo.auth({ user: 'alice', factor: 'push1', ipaddr: '10.0.0.5' }, new AbortController().signal) : p;
    if (!a.ok || a.value.result !== 'allow') throw new Error(`Duo did not allow: ${JSON.stringify(a)}`);
  });
  console.log(`parts of a duo_only login, CPU each, alone in this process, c=16, median of 3 (load average ${loadAverage()}):`);
  const actor = actorUs.duo_only.new;
  console.log(`  login actor (XState, instant Duo answers)          ${actor.toFixed(0).padStart(5)} µs per login`);
  console.log(`  Duo client, preauth + auth over HTTPS keep-alive   ${duoUs.toFixed(0).padStart(5)} µs per login`);
  console.log(`  sum                                                ${(actor + duoUs).toFixed(0).padStart(5)} µs (the whole login in a proxy: npm run bench -- login-cpu)`);
  console.log(`the login actor alone per kind of login, baseline = ${baseline.root} vs new, same run (lower of two medians):`);
  for (const kind of ACTOR_LOGIN_KINDS) {
    const { baseline: b, new: n } = actorUs[kind];
    console.log(`  ${kind.padEnd(10)} baseline ${b.toFixed(0).padStart(4)} µs   new ${n.toFixed(0).padStart(4)} µs   ${(n / b).toFixed(2)}x`);
  }
} finally {
  duo.close();
  await mock.stop();
  await rm(dir, { recursive: true, force: true });
}
