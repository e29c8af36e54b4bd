// Fakes and helpers for the login machine tests: scripted primary and Duo results, recorded calls.
import { createActor, SimulatedClock } from 'xstate';
import type { AuthResult, DuoError, DuoOutcome, PreauthResult, PrimaryAuthResult, WireAttribute } from '../../machines/contracts.ts';
import { loginCalls } from '../../machines/login-calls.ts';
import {
  type AnswerEvent,
  type DuoAuthInput,
  type DuoPreauthInput,
  type LoginInput,
  type LoginMode,
  type LoginOptions,
  loginMachine,
  loginOptions,
  type PrimaryAuthInput,
  type Settled,
  settle,
} from '../../machines/login.ts';

type Step<I, O> = O | ((input: I, n: number) => O) | 'hang' | 'throw';
export interface Script {
  primary?: Step<PrimaryAuthInput, PrimaryAuthResult> | Array<Step<PrimaryAuthInput, PrimaryAuthResult>>;
  preauth?: Step<DuoPreauthInput, DuoOutcome<PreauthResult>> | Array<Step<DuoPreauthInput, DuoOutcome<PreauthResult>>>;
  auth?: Step<DuoAuthInput, DuoOutcome<AuthResult>> | Array<Step<DuoAuthInput, DuoOutcome<AuthResult>>>;
}

export interface Calls {
  primary: PrimaryAuthInput[];
  preauth: DuoPreauthInput[];
  auth: DuoAuthInput[];
  aborted: string[];
}

export const newCalls = (): Calls => ({ primary: [], preauth: [], auth: [], aborted: [] });

function pick<I, O>(steps: Step<I, O> | Array<Step<I, O>> | undefined, n: number, name: string): Step<I, O> {
  if (steps === undefined) throw new Error(`unexpected ${name} call`);
  if (Array.isArray(steps)) {
    const s = steps[Math.min(n, steps.length - 1)];
    if (s === undefined) throw new Error(`no scripted ${name}`);
    return s;
  }
  return steps;
}

function run<I, O>(step: Step<I, O>, input: I, n: number, signal: AbortSignal, onAbort: () => void): Promise<O> {
  if (step === 'hang') {
    return new Promise<O>((_, reject) => {
      signal.addEventListener('abort', () => {
        onAbort();
        reject(new Error('aborted'));
      });
    });
  }
  if (step === 'throw') return Promise.reject(new Error('boom'));
  return Promise.resolve(typeof step === 'function' ? (step as (i: I, n: number) => O)(input, n) : step);
}

export function fakeMachine(script: Script, calls: Calls = newCalls()) {
  return loginMachine.provide({
    actions: loginCalls({
      primaryAuth(input, signal) {
        calls.primary.push(input);
        return run(pick(script.primary, calls.primary.length - 1, 'primary'), input, calls.primary.length - 1, signal, () => calls.aborted.push('primary'));
      },
      duoPreauth(input, signal) {
        calls.preauth.push(input);
        return run(pick(script.preauth, calls.preauth.length - 1, 'preauth'), input, calls.preauth.length - 1, signal, () => calls.aborted.push('preauth'));
      },
      duoAuth(input, signal) {
        calls.auth.push(input);
        return run(pick(script.auth, calls.auth.length - 1, 'auth'), input, calls.auth.length - 1, signal, () => calls.aborted.push('auth'));
      },
    }).actions,
  });
}

export const T0 = Date.UTC(2025, 0, 1);

export function makeInput(
  mode: LoginMode,
  request: Partial<LoginInput['request']> = {},
  options: Partial<LoginOptions> = {},
  now = T0,
): LoginInput {
  return {
    loginId: 'L1',
    server: mode,
    mode,
    options: loginOptions(options),
    request: { username: 'alice', password: 'hunter2', clientIp: '10.0.0.5', attributes: [], ...request },
    now,
  };
}

// Scripted results
export const primaryOk = (attributes: WireAttribute[] = []): PrimaryAuthResult => ({
  ok: true,
  message: 'Active Directory authentication succeeded',
  attributes,
});
export const primaryFail = (message = 'User Authentication Failed', attributes: WireAttribute[] = []): PrimaryAuthResult => ({
  ok: false,
  message,
  attributes,
});
export const preauthOk = (value: PreauthResult): DuoOutcome<PreauthResult> => ({ ok: true, value });
export const authOk = (result: 'allow' | 'deny', status: string): DuoOutcome<AuthResult> => ({ ok: true, value: { result, status } });
export const duoFail = (kind: DuoError['kind'], failOpen: boolean): DuoOutcome<never> => ({
  ok: false,
  error: { kind, failOpen, message: `${kind} error` },
});
export const AUTH_FACTORS = { default: 'push1', '1': 'push1', '2': 'phone1', '3': 'sms1' };
export const CONSOLE_PROMPT =
  'Duo two-factor login for alice\n\nEnter a passcode or select one of the following options:\n\n 1. Duo Push to XXX-XXX-1234\n 2. Phone call to XXX-XXX-1234\n 3. SMS passcodes to XXX-XXX-1234\n\nPasscode or option (1-3): ';
export const preauthAuth = (factors: Record<string, string> = AUTH_FACTORS, prompt = CONSOLE_PROMPT, groups?: string[]) =>
  preauthOk({ result: 'auth', prompt, factors, ...(groups ? { groups } : {}) });

export const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
export const attr = (type: number, text: string): WireAttribute => ({ type, value: b64(text) });

export interface Run {
  settled: Settled;
  calls: Calls;
  snapshots: string[];
  actor: ReturnType<typeof createActor<ReturnType<typeof fakeMachine>>>;
  machine: ReturnType<typeof fakeMachine>;
}

/** Starts a login and waits until it settles. Timers run on a SimulatedClock (never real ones, so a
 *  waiting actor left behind cannot hold the test process for 300 s). */
export async function runLogin(input: LoginInput, script: Script, calls: Calls = newCalls(), clock = new SimulatedClock()): Promise<Run> {
  const machine = fakeMachine(script, calls);
  const actor = createActor(machine, { input, clock });
  const snapshots: string[] = [];
  actor.subscribe((s) => snapshots.push(JSON.stringify(s.value)));
  actor.start();
  const settled = await settle(actor);
  return { settled, calls, snapshots, actor, machine };
}

/** Persists the waiting actor, restores it in a fresh actor and answers. */
export async function answer(
  run: Pick<Run, 'actor' | 'machine'>,
  ev: Omit<AnswerEvent, 'type' | 'now' | 'clientIp'> & { now?: number; clientIp?: string },
  clock = new SimulatedClock(),
) {
  const persisted = JSON.parse(JSON.stringify(run.actor.getPersistedSnapshot()));
  run.actor.stop();
  const actor = createActor(run.machine, { snapshot: persisted, input: undefined as never, clock });
  actor.start();
  actor.send({ type: 'ANSWER', now: ev.now ?? T0 + 1000, clientIp: ev.clientIp ?? '10.0.0.5', ...ev });
  const settled = await settle(actor);
  return { settled, actor, machine: run.machine };
}

export function replyOf(s: Settled): { code: number | 'drop'; message: string | undefined } {
  return s.reply.kind === 'drop' ? { code: 'drop', message: s.reply.reason } : { code: s.reply.code, message: s.reply.replyMessage };
}
