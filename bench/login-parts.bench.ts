// Where a duo_only login's CPU goes, part by part, each measured alone in this process (CPU per login
// from process.cpuUsage, concurrency 16): the login's XState actor with instant in-process Duo answers
// (ours and the baseline checkout's, bench/lib/baseline.ts, in the same run), and our Duo client's preauth + auth against the mock Duo (its own process, HTTPS keep-alive). The
// whole login in an `authproxy start` process is `npm run bench -- login-cpu`; the difference between
// it and the sum of these parts is the RADIUS side, the bus, and what running them interleaved costs
// (cache misses, objects that live across network waits and survive young-generation collections).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { type AnyActorRef, type AnyStateMachine, createActor, fromPromise } from 'xstate';
import { createDuoClient } from '../adapters/duo/client.ts';
import type { DuoApi } from '../machines/contracts.ts';
import type { DuoAuthInput, DuoPreauthInput, Settled } from '../machines/login.ts';
import { baselineCode, loadAverage, REPO_ROOT } from './lib/baseline.ts';
import { BENCH_IKEY, BENCH_SKEY, approvingUser, startMockDuoChild } from './lib/mock-duo-child.ts';

const quick = process.env.BENCH_QUICK === '1';
const N = quick ? 2000 : 20_000;

/** CPU per item of `count` items run 16 at a time by `one`, µs; the median of 3 runs after a warm-up. */
async function cpuPer(count: number, one: () => Promise<void>): Promise<number> {
  const run = async (n: number) => {
    let next = 0;
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (next++ < n) await one();
    }));
  };
  await run(Math.ceil(count / 4));
  const runs: number[] = [];
  for (let r = 0; r < 3; r++) {
    const c0 = process.cpuUsage();
    await run(count);
    const c = process.cpuUsage(c0);
    runs.push((c.user + c.system) / count);
  }
  return runs.sort((a, b) => a - b)[1]!;
}

const instant: DuoApi = {
  preauth: async () => ({ ok: true, value: { result: 'auth', prompt: 'p', factors: { default: 'push1', '1': 'push1' } } }),
  auth: async () => ({ ok: true, value: { result: 'allow', status: 'Success. Logging you in...' } }),
};

/** A checkout's login actor (its machines/, the same xstate), driven as that checkout's engine drives it:
 *  calls as entry actions (machines/login-calls.ts) or, before those, as invoked promise actors. */
async function actorLoginOf(root: string): Promise<() => Promise<void>> {
  const at = (f: string) => pathToFileURL(join(root, 'machines', f)).href;
  const login = (await import(at('login.ts'))) as typeof import('../machines/login.ts');
  let machine: AnyStateMachine;
  let stop: (a: AnyActorRef) => void;
  if (existsSync(join(root, 'machines', 'login-calls.ts'))) {
    const { loginCalls } = (await import(at('login-calls.ts'))) as typeof import('../machines/login-calls.ts');
    const calls = loginCalls({
      primaryAuth: () => Promise.reject(new Error('duo_only has no primary')),
      duoPreauth: (input, signal) => instant.preauth(input, signal),
      duoAuth: (input, signal) => instant.auth(input, signal),
    });
    machine = login.loginMachine.provide({ actions: calls.actions });
    stop = (a) => calls.stop(a);
  } else {
    machine = (login.loginMachine as AnyStateMachine).provide({
      actors: {
        primaryAuth: fromPromise(() => Promise.reject(new Error('duo_only has no primary'))),
        duoPreauth: fromPromise(({ input, signal }) => instant.preauth(input as DuoPreauthInput, signal)),
        duoAuth: fromPromise(({ input, signal }) => instant.auth(input as DuoAuthInput, signal)),
      },
    });
    stop = (a) => a.stop();
  }
  const options = login.loginOptions({ failmode: 'secure' });
  const attributes = [{ type: 1, value: Buffer.from('alice').toString('base64') }];
  let id = 0;
  return async () => {
    const actor = createActor(machine, {
      input: { loginId: `l${id++}`, server: 'radius_server_duo_only', mode: 'radius_server_duo_only', options, request: { username: 'alice', password: 'push', clientIp: '127.0.0.1', attributes }, now: Date.now() },
    });
    actor.start();
    const s = (await login.settle(actor)) as Settled;
    stop(actor);
    if (s.status !== 'done' || s.reply.kind !== 'reply' || s.reply.code !== 2) throw new Error('the login was not accepted');
  };
}

// The baseline's actor and ours in the same run, twice each in alternating order (same process, same
// xstate, same JIT); the lower of each code's two medians, the one less disturbed by other processes.
const baseline = baselineCode();
const actorLogins = { baseline: await actorLoginOf(baseline.root), new: await actorLoginOf(REPO_ROOT) };
const actorRuns: Record<keyof typeof actorLogins, number[]> = { baseline: [], new: [] };
for (let r = 0; r < 2; r++) for (const k of r % 2 ? (['new', 'baseline'] as const) : (['baseline', 'new'] as const)) actorRuns[k].push(await cpuPer(N / 2, actorLogins[k]));
const least = (xs: number[]) => Math.min(...xs);
const actorUs = least(actorRuns.new);
const baselineActorUs = least(actorRuns.baseline);

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
  console.log(`  login actor (XState, instant Duo answers)          ${actorUs.toFixed(0).padStart(5)} µs per login (baseline ${baseline.root}: ${baselineActorUs.toFixed(0)} µs, ${(actorUs / baselineActorUs).toFixed(2)}x)`);
  console.log(`  Duo client, preauth + auth over HTTPS keep-alive   ${duoUs.toFixed(0).padStart(5)} µs per login`);
  console.log(`  sum                                                ${(actorUs + duoUs).toFixed(0).padStart(5)} µs (the whole login in a proxy: npm run bench -- login-cpu)`);
} finally {
  duo.close();
  await mock.stop();
  await rm(dir, { recursive: true, force: true });
}
