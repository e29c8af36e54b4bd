// The login's XState actor alone, as the engine drives it, with instant in-process primary and Duo
// answers: one login of each kind (duo_only; auto with duo_only_client, "hunter2,push"; a two-round
// challenge login, persisted between the rounds as the engine does). A checkout's own machines/ are
// loaded (the same xstate), so two checkouts can be compared in one process: calls as entry actions
// (machines/login-calls.ts) or, before those, as invoked promise actors.
//   node --import tsx bench/lib/actor-logins.ts [--roots DIR,DIR] [--kinds duo_only,auto,challenge] [--n 10000] [--rounds 2]
// prints CPU per login (µs, c=16) per checkout and kind; run it under `node --cpu-prof` to profile.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { type AnyActorRef, type AnyStateMachine, createActor, fromPromise } from 'xstate';
import type { DuoApi, PrimaryAuthResult } from '../../machines/contracts.ts';
import type { DuoAuthInput, DuoPreauthInput, LoginMode, Settled } from '../../machines/login.ts';

export type ActorLoginKind = 'duo_only' | 'auto' | 'challenge';
export const ACTOR_LOGIN_KINDS: readonly ActorLoginKind[] = ['duo_only', 'auto', 'challenge'];

const instant: DuoApi = {
  preauth: async () => ({ ok: true, value: { result: 'auth', prompt: 'p', factors: { default: 'push1', '1': 'push1' } } }),
  auth: async () => ({ ok: true, value: { result: 'allow', status: 'Success. Logging you in...' } }),
};
const primaryOk = async (): Promise<PrimaryAuthResult> => ({ ok: true, message: 'ok', attributes: [] });

/** One login of each kind on a checkout's actor; each throws unless the login is accepted. */
export async function actorLoginsOf(root: string): Promise<Record<ActorLoginKind, () => Promise<void>>> {
  const at = (f: string) => pathToFileURL(join(root, 'machines', f)).href;
  const login = (await import(at('login.ts'))) as typeof import('../../machines/login.ts');
  let machine: AnyStateMachine;
  let stop: (a: AnyActorRef) => void;
  if (existsSync(join(root, 'machines', 'login-calls.ts'))) {
    const { loginCalls } = (await import(at('login-calls.ts'))) as typeof import('../../machines/login-calls.ts');
    const calls = loginCalls({ primaryAuth: primaryOk, duoPreauth: (input, signal) => instant.preauth(input, signal), duoAuth: (input, signal) => instant.auth(input, signal) });
    machine = login.loginMachine.provide({ actions: calls.actions });
    stop = (a) => calls.stop(a);
  } else {
    machine = (login.loginMachine as AnyStateMachine).provide({
      actors: {
        primaryAuth: fromPromise(primaryOk),
        duoPreauth: fromPromise(({ input, signal }) => instant.preauth(input as DuoPreauthInput, signal)),
        duoAuth: fromPromise(({ input, signal }) => instant.auth(input as DuoAuthInput, signal)),
      },
    });
    stop = (a) => a.stop();
  }
  const attributes = [{ type: 1, value: Buffer.from('alice').toString('base64') }];
  const options = login.loginOptions({ failmode: 'secure' });
  let id = 0;
  const start = (mode: LoginMode, password: string) => {
    const actor = createActor(machine, {
      input: { loginId: `l${id++}`, server: mode, mode, options, request: { username: 'alice', password, clientIp: '127.0.0.1', attributes }, now: Date.now() },
    });
    actor.start();
    return actor;
  };
  const accepted = (s: Settled) => {
    if (s.status !== 'done' || s.reply.kind !== 'reply' || s.reply.code !== 2) throw new Error(`the login was not accepted: ${JSON.stringify(s)}`);
  };
  const oneRound = async (mode: LoginMode, password: string) => {
    const actor = start(mode, password);
    const s = (await login.settle(actor)) as Settled;
    stop(actor);
    accepted(s);
  };
  return {
    duo_only: () => oneRound('radius_server_duo_only', 'push'),
    auto: () => oneRound('radius_server_auto', 'hunter2,push'),
    async challenge() {
      const first = start('radius_server_challenge', 'hunter2');
      const c = (await login.settle(first)) as Settled;
      if (c.status !== 'challenge') throw new Error('no challenge');
      // What the store keeps: JSON (the NATS KV store serialises it; the memory store copies it).
      const snapshot = JSON.parse(JSON.stringify(first.getPersistedSnapshot()));
      stop(first);
      const actor = createActor(machine, { snapshot, input: undefined as never });
      actor.start();
      actor.send({ type: 'ANSWER', now: Date.now(), clientIp: '127.0.0.1', username: 'alice', password: '1', passwordUndecodable: false });
      const s = (await login.settle(actor)) as Settled;
      stop(actor);
      accepted(s);
    },
  };
}

/** CPU per item of `count` items run 16 at a time by `one`, µs; the median of 3 runs after a warm-up. */
export async function cpuPer(count: number, one: () => Promise<void>): Promise<number> {
  const run = async (n: number) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next++ < n) await one();
      }),
    );
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

if (process.argv[1] === import.meta.filename) {
  const { values: args } = parseArgs({ options: { roots: { type: 'string' }, kinds: { type: 'string', default: ACTOR_LOGIN_KINDS.join(',') }, n: { type: 'string', default: '10000' }, rounds: { type: 'string', default: '2' } } });
  const roots = args.roots ? args.roots.split(',') : [join(import.meta.dirname, '..', '..')];
  const kinds = args.kinds.split(',') as ActorLoginKind[];
  const logins = await Promise.all(roots.map(actorLoginsOf));
  const n = Number(args.n);
  // Alternating order per round, so neither checkout always runs first; the lowest of the rounds' medians.
  for (const k of kinds) {
    const us: number[][] = roots.map(() => []);
    for (let r = 0; r < Number(args.rounds); r++) for (const i of r % 2 ? [...roots.keys()].reverse() : roots.keys()) us[i]!.push(await cpuPer(n, logins[i]![k]));
    console.log(`${k.padEnd(10)} ${roots.map((root, i) => `${Math.min(...us[i]!).toFixed(1).padStart(7)} µs (${root})`).join('  ')}`);
  }
}
