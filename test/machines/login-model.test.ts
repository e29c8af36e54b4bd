// Model-based tests (reference libraries.md §2, ecosystem.md §10): @xstate/graph walks the pure
// transition function with synthetic actor results, timer and answer events; every shortest path is then
// replayed on a live actor (fake actors, SimulatedClock), its reply checked against an oracle written
// from the reference rules, and every state and transition of each mode must be covered.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getShortestPaths } from '@xstate/graph';
import { type AnyEventObject, createActor, fromPromise, type InspectionEvent, SimulatedClock } from 'xstate';
import type { LoginReply, WireAttribute } from '../../machines/contracts.ts';
import { diagramModel, guardName } from '../../machines/diagram.ts';
import { type LoginMode, loginMachine, type ModeName, settledOf } from '../../machines/login.ts';
import { rejectReply } from '../../machines/reply.ts';
import {
  AUTH_FACTORS,
  attr,
  authOk,
  b64,
  CONSOLE_PROMPT,
  duoFail,
  makeInput,
  preauthAuth,
  preauthOk,
  primaryFail,
  primaryOk,
  T0,
} from './support.ts';

const P_ATTRS = [attr(25, 'ad-class')];
const CLASS = { type: 25, value: b64('OU=VPN;') };
const SAFE = 'Failmode Safe - Allowed Duo login on preauth failure';
const SECURE = 'Failmode Secure - Denied Duo login on preauth failure';
const API_MS = 30_000;
const LOGIN_MS = 120_000;
const LIFETIME = 300_000;

// ---- synthetic results -------------------------------------------------------------------------------
const PRIMARY = [primaryOk(P_ATTRS), primaryFail('User Authentication Failed', P_ATTRS), { ok: false as const, drop: true as const, message: 'upstream challenge', attributes: [] }];
const NO_DEFAULT_PROMPT = 'Enter a passcode: ';
const PREAUTH = [
  preauthOk({ result: 'allow', status: 'S-allow', groups: ['VPN'] }),
  preauthOk({ result: 'deny', status: 'S-deny' }),
  preauthOk({ result: 'enroll', status: 'S-enroll' }),
  preauthAuth(AUTH_FACTORS, CONSOLE_PROMPT, ['VPN']),
  preauthOk({ result: 'auth', prompt: NO_DEFAULT_PROMPT, factors: { '1': 'token' } }),
  duoFail('http-5xx', true),
  duoFail('http-4xx', false),
];
const AUTH = [authOk('allow', 'S-auth-allow'), authOk('deny', 'S-auth-deny'), duoFail('http-5xx', true), duoFail('network', false)];
const ANSWERS: AnyEventObject[] = [
  { type: 'ANSWER', now: T0 + 1000, clientIp: '10.0.0.5', password: '1' },
  { type: 'ANSWER', now: T0 + 1000, clientIp: '10.0.0.5', password: '3' },
  { type: 'ANSWER', now: T0 + 1000, clientIp: '10.0.0.5', password: '123456' },
  { type: 'ANSWER', now: T0 + 1000, clientIp: '10.0.0.5' },
  { type: 'ANSWER', now: T0 + 10 * LIFETIME, clientIp: '10.0.0.5', password: '1' },
  { type: 'ANSWER', now: T0 + 1000, clientIp: '10.0.0.5', passwordUndecodable: true },
  { type: 'RESUME', now: T0 + 1000 },
  { type: 'RESUME', now: T0 + 10 * LIFETIME },
  { type: 'xstate.after.CHALLENGE_REMAINING.login.awaiting' },
];
const LOGIN_AFTER = 'xstate.after.LOGIN_TIMEOUT.login.processing';

// ---- the variants: inputs that open every branch of a mode ----------------------------------------------
type Choice = 'push1' | 'push' | 'passcode' | 'none';
interface Variant {
  name: string;
  mode: LoginMode;
  request?: Parameters<typeof makeInput>[1];
  options?: Parameters<typeof makeInput>[2];
  /** Which timer fires first in a Duo call: api_timeout (30 s) or the login deadline (120 s). */
  timers: 'api-first' | 'login-first';
  screen?: string;
  splits?: boolean;
  /** auto: what factor_for_request gives with a default device / without one. */
  choice?: { withDefault: Choice; noDefault: Choice };
}

const V = (v: Variant) => v;
const VARIANTS: Variant[] = [
  V({ name: 'auto split', mode: 'radius_server_auto', request: { password: 'hunter2,push' }, timers: 'api-first', splits: true, choice: { withDefault: 'push1', noDefault: 'none' } }),
  V({ name: 'auto passcode', mode: 'radius_server_auto', options: { factors: ['passcode'] }, timers: 'login-first', choice: { withDefault: 'passcode', noDefault: 'passcode' } }),
  V({ name: 'auto push', mode: 'radius_server_auto', options: { factors: ['push'] }, timers: 'api-first', choice: { withDefault: 'push', noDefault: 'none' } }),
  V({ name: 'auto no user', mode: 'radius_server_auto', request: { username: undefined }, timers: 'api-first', screen: 'No username provided' }),
  V({ name: 'auto exempt', mode: 'radius_server_auto', options: { exemptUsernames: ['alice'] }, timers: 'api-first' }),
  V({ name: 'auto primary-only', mode: 'radius_server_auto', options: { primaryOnly: true }, timers: 'api-first' }),
  V({ name: 'challenge', mode: 'radius_server_challenge', timers: 'api-first' }),
  V({ name: 'challenge login-first', mode: 'radius_server_challenge', options: { enrollChallenge: false }, timers: 'login-first' }),
  V({ name: 'challenge no password', mode: 'radius_server_challenge', request: { password: undefined }, timers: 'api-first', screen: 'No password or CHAP2 attributes provided' }),
  V({ name: 'challenge exempt', mode: 'radius_server_challenge', options: { exemptUsernames: ['alice'] }, timers: 'api-first' }),
  V({ name: 'challenge primary-only', mode: 'radius_server_challenge', options: { primaryOnly: true }, timers: 'api-first' }),
  V({ name: 'duo_only', mode: 'radius_server_duo_only', request: { password: 'push' }, timers: 'api-first' }),
  V({ name: 'duo_only login-first', mode: 'radius_server_duo_only', request: { password: 'push' }, timers: 'login-first' }),
  V({ name: 'duo_only no password', mode: 'radius_server_duo_only', request: { password: '' }, timers: 'api-first', screen: 'Missing or improperly-formatted password' }),
  V({ name: 'duo_only exempt', mode: 'radius_server_duo_only', request: { password: 'push' }, options: { exemptUsernames: ['alice'] }, timers: 'api-first' }),
  V({ name: 'duo_only primary-only', mode: 'radius_server_duo_only', request: { password: 'push' }, options: { primaryOnly: true }, timers: 'api-first' }),
  V({ name: 'concat', mode: 'radius_server_concat', request: { password: 'pw,push' }, timers: 'api-first' }),
  V({ name: 'concat login-first', mode: 'radius_server_concat', request: { password: 'pw,push' }, timers: 'login-first' }),
  V({ name: 'concat invalid', mode: 'radius_server_concat', request: { password: 'pw' }, timers: 'api-first', screen: 'Invalid Password' }),
  V({ name: 'concat exempt', mode: 'radius_server_concat', request: { password: 'pw,push' }, options: { exemptUsernames: ['alice'] }, timers: 'api-first' }),
  V({ name: 'concat primary-only', mode: 'radius_server_concat', request: { password: 'pw,push' }, options: { primaryOnly: true }, timers: 'api-first' }),
];

const inputOf = (v: Variant) =>
  makeInput(v.mode, v.request, { loginTimeoutMs: LOGIN_MS, duoRequestTimeoutMs: v.timers === 'api-first' ? API_MS : 10 * LOGIN_MS, ...v.options });

const stateKey = (value: unknown) => JSON.stringify(value);
const inState = (value: unknown, name: string) => stateKey(value) === stateKey({ processing: name });

function modelEvents(v: Variant) {
  return (s: { value: unknown }): AnyEventObject[] => {
    const v2 = s.value;
    if (inState(v2, 'primarySplit') || inState(v2, 'primary')) {
      return [...PRIMARY.map((output) => ({ type: 'xstate.done.actor.primaryAuth', output })), { type: 'xstate.error.actor.primaryAuth', error: new Error('x') }, { type: LOGIN_AFTER }];
    }
    const timer = (state: string) => (v.timers === 'api-first' ? { type: `xstate.after.DUO_TIMEOUT.login.processing.${state}` } : { type: LOGIN_AFTER });
    if (inState(v2, 'preauth')) {
      return [...PREAUTH.map((output) => ({ type: 'xstate.done.actor.duoPreauth', output })), { type: 'xstate.error.actor.duoPreauth', error: new Error('x') }, timer('preauth')];
    }
    if (inState(v2, 'auth')) {
      return [...AUTH.map((output) => ({ type: 'xstate.done.actor.duoAuth', output })), { type: 'xstate.error.actor.duoAuth', error: new Error('x') }, timer('auth')];
    }
    if (v2 === 'awaiting') return ANSWERS;
    return [];
  };
}

// ---- the oracle: the reference rules, applied to a path's events ---------------------------------------
type Kind = 'factors' | 'passcode' | 'enroll';
type Expect = { t: 'pending' } | { t: 'challenge'; message: string } | { t: 'final'; reply: LoginReply };
const accept = (message: string, attributes: WireAttribute[]): Expect => ({ t: 'final', reply: { kind: 'reply', code: 2, replyMessage: message, attributes } });
const reject = (message: string, attributes: WireAttribute[] = []): Expect => ({ t: 'final', reply: rejectReply(message, attributes) });

function oracle(v: Variant, steps: Array<{ event: AnyEventObject; source: unknown }>): Expect {
  const mode = v.mode;
  const opts = inputOf(v).options;
  const challengeMode = mode === 'radius_server_challenge';
  let primaryAttrs: WireAttribute[] = [];
  let primaryAttempts = 0;
  let factorKnown = mode === 'radius_server_duo_only' || mode === 'radius_server_concat';
  let groups: string[] = [];
  let answered = '';
  let challenge: { kind: Kind; message: string; factors: Record<string, string>; deadline: number } | undefined;
  let now = T0;
  let exp: Expect = { t: 'pending' };
  const withClass = () => [...primaryAttrs, ...(mode === 'radius_server_duo_only' && groups.length ? [CLASS] : [])];
  const open = (kind: Kind, message: string, factors: Record<string, string> = {}): Expect => {
    challenge = { kind, message, factors, deadline: now + LIFETIME };
    return { t: 'challenge', message };
  };
  const duoStage = (): Expect => (opts.exemptUsernames.includes('alice') ? accept('User exempted from 2FA', primaryAttrs) : opts.primaryOnly ? accept('Primary Only Mode - Secondary authentication bypassed', primaryAttrs) : { t: 'pending' });
  const preauthError = (failOpen: boolean) => (failOpen && opts.failmode === 'safe' ? accept(SAFE, primaryAttrs) : reject(SECURE));
  const authError = (failOpen: boolean) => (failOpen && opts.failmode === 'safe' ? accept(SAFE, withClass()) : reject(SECURE, challengeMode ? primaryAttrs : []));

  for (const { event: e, source } of steps) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a synthetic actor result of whichever actor the event names
    const out = (e as { output?: any }).output;
    switch (e.type) {
      case 'xstate.init':
        exp = v.screen ? reject(v.screen) : mode === 'radius_server_duo_only' ? duoStage() : { t: 'pending' };
        break;
      case 'xstate.done.actor.primaryAuth':
        primaryAttempts++;
        if (out.drop) exp = { t: 'final', reply: { kind: 'drop', reason: out.message } };
        else if (out.ok) {
          primaryAttrs = out.attributes;
          if (v.splits && primaryAttempts === 1) factorKnown = true;
          exp = duoStage();
        } else if (v.splits && primaryAttempts === 1) exp = { t: 'pending' };
        else exp = reject(out.message, challengeMode ? out.attributes : []);
        break;
      case 'xstate.error.actor.primaryAuth':
        exp = reject('Error performing primary authentication: unexpected error');
        break;
      case 'xstate.error.actor.duoPreauth':
        exp = preauthError(true);
        break;
      case 'xstate.error.actor.duoAuth':
        exp = authError(false);
        break;
      case LOGIN_AFTER:
      case 'xstate.after.DUO_TIMEOUT.login.processing.preauth':
      case 'xstate.after.DUO_TIMEOUT.login.processing.auth':
        if (inState(source, 'preauth')) exp = preauthError(true);
        else if (inState(source, 'auth')) exp = authError(false);
        else exp = reject('Error performing primary authentication: timed out');
        break;
      case 'xstate.done.actor.duoPreauth': {
        if (!out.ok) {
          exp = preauthError(out.error.failOpen);
          break;
        }
        const p = out.value;
        groups = p.groups ?? [];
        if (p.result === 'allow') exp = accept(p.status, withClass());
        else if (p.result === 'deny') exp = reject(p.status);
        else if (p.result === 'enroll') exp = challengeMode && opts.enrollChallenge ? open('enroll', p.status) : reject(p.status);
        else if (challengeMode) exp = open('factors', p.prompt, p.factors);
        else if (factorKnown) exp = { t: 'pending' };
        else {
          const choice = (Object.hasOwn(p.factors, 'default') ? v.choice?.withDefault : v.choice?.noDefault) ?? 'none';
          exp = choice === 'passcode' ? open('passcode', 'Enter passcode:') : choice === 'none' ? reject('User has no Duo factors usable with this configuration') : { t: 'pending' };
        }
        break;
      }
      case 'xstate.done.actor.duoAuth':
        if (!out.ok) exp = authError(out.error.failOpen);
        else if (challengeMode && /^sms[0-9]/.test(answered) && challenge) exp = open(challenge.kind, challenge.message, challenge.factors);
        else exp = out.value.result === 'allow' ? accept(out.value.status, withClass()) : reject(out.value.status);
        break;
      case 'ANSWER': {
        const c = challenge!;
        now = e.now;
        if (e.passwordUndecodable) exp = reject('Cannot decode password');
        else if (e.now >= c.deadline) exp = reject('Unknown Challenge');
        else if (c.kind === 'enroll') exp = reject('Please complete the enrollment process and login again');
        else if (c.kind === 'passcode') {
          if (!e.password) exp = reject('Missing or improperly-formatted password');
          else {
            factorKnown = true;
            exp = { t: 'pending' };
          }
        } else {
          const text = e.password ?? '';
          answered = Object.hasOwn(c.factors, text) ? (c.factors[text] as string) : text;
          exp = { t: 'pending' };
        }
        break;
      }
      case 'RESUME':
        exp = e.now >= challenge!.deadline ? reject('Unknown Challenge') : { t: 'challenge', message: challenge!.message };
        break;
      case 'xstate.after.CHALLENGE_REMAINING.login.awaiting':
        exp = reject('Unknown Challenge');
        break;
      default:
        throw new Error(`oracle: unexpected event ${e.type}`);
    }
  }
  return exp;
}

// ---- replay on a live actor ------------------------------------------------------------------------------
const flush = async () => {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
};
const edgeKey = (source: string, target: string, event: string, guard: string | undefined) => `${source} -> ${target} | ${event} | ${guard ?? ''}`;

type Path = ReturnType<typeof getShortestPaths<typeof loginMachine>>[number];

type Deferred = { resolve: (v: unknown) => void; reject: (e: unknown) => void };
type ActorName = 'primary' | 'preauth' | 'auth';

/** Actors that answer only when the replay says so: the path's done/error events release them. */
function controlledMachine(pending: Partial<Record<ActorName, Deferred>>) {
  const held = (name: ActorName) =>
    fromPromise<never, unknown>(
      () =>
        new Promise<never>((resolve, reject) => {
          pending[name] = { resolve: resolve as (v: unknown) => void, reject };
        }),
    );
  return loginMachine.provide({
    actors: { primaryAuth: held('primary') as never, duoPreauth: held('preauth') as never, duoAuth: held('auth') as never },
  });
}

const actorIn = (value: unknown): ActorName | undefined =>
  inState(value, 'preauth') ? 'preauth' : inState(value, 'auth') ? 'auth' : inState(value, 'primary') || inState(value, 'primarySplit') ? 'primary' : undefined;

async function replay(v: Variant, path: Path, covered: Set<string>, visited: Set<string>) {
  const steps = path.steps.map((s, i) => ({ event: s.event as AnyEventObject, state: s.state, source: i === 0 ? undefined : path.steps[i - 1]?.state.value }));
  const clock = new SimulatedClock();
  const inspect = (ev: InspectionEvent) => {
    if (ev.type !== '@xstate.microstep') return;
    for (const t of ev._transitions) {
      const source = t.source.id;
      for (const target of t.target ?? [t.source]) {
        covered.add(edgeKey(source, target.id, t.eventType, guardName(t)));
        visited.add(source);
        visited.add(target.id);
      }
    }
  };
  const pending: Partial<Record<ActorName, Deferred>> = {};
  const machine = controlledMachine(pending);
  const actor = createActor(machine, { input: inputOf(v), clock, inspect });
  actor.start();
  let sinceRequest = 0;
  for (const [i, s] of steps.entries()) {
    const t = s.event.type;
    const inFlight = actorIn(s.source);
    if (inFlight && t.startsWith('xstate.done.actor.')) {
      pending[inFlight]?.resolve(s.event.output);
    } else if (inFlight && t.startsWith('xstate.error.actor.')) {
      pending[inFlight]?.reject(new Error('actor failed'));
    } else if (t === LOGIN_AFTER) {
      clock.increment(LOGIN_MS - sinceRequest);
    } else if (t.startsWith('xstate.after.DUO_TIMEOUT')) {
      clock.increment(API_MS);
      sinceRequest += API_MS;
    } else if (t === 'xstate.after.CHALLENGE_REMAINING.login.awaiting') {
      const c = actor.getSnapshot().context;
      clock.increment(Math.max(0, (c.challenge?.deadline ?? 0) - c.now));
    } else if (t === 'ANSWER' || t === 'RESUME') {
      if (t === 'ANSWER') sinceRequest = 0;
      actor.send(s.event as never);
    }
    await flush();
    const live = actor.getSnapshot();
    assert.deepEqual(live.value, s.state.value, `step ${i} (${t}) of ${path.steps.map((x) => x.event.type).join(' > ')}`);
    visited.add(`login.${stateKey(live.value)}`);
  }
  const live = actor.getSnapshot();
  const expected = oracle(v, steps);
  const settled = settledOf(live);
  const where = `${v.name}: ${steps.map((s) => s.event.type).join(' > ')}`;
  if (expected.t === 'final') {
    assert.equal(settled?.status, 'done', where);
    assert.deepEqual(settled?.reply, expected.reply, where);
    assert.deepEqual(path.state.output, expected.reply, `pure transition output, ${where}`);
  } else if (expected.t === 'challenge') {
    assert.equal(settled?.status, 'challenge', where);
    assert.deepEqual(settled?.reply, { kind: 'reply', code: 11, replyMessage: expected.message, attributes: [] }, where);
  } else {
    assert.equal(settled, undefined, where);
  }
  actor.stop();
}

// ---- the tests -----------------------------------------------------------------------------------------
const SHORT: Record<LoginMode, ModeName> = {
  radius_server_auto: 'auto',
  radius_server_challenge: 'challenge',
  radius_server_duo_only: 'duo_only',
  radius_server_concat: 'concat',
};

describe('login model – shortest paths replayed on live actors', () => {
  for (const mode of Object.keys(SHORT) as LoginMode[]) {
    test(`login model – ${SHORT[mode]}: every path matches the oracle; every state and transition of the mode is covered`, async () => {
      const covered = new Set<string>();
      const visited = new Set<string>();
      let count = 0;
      for (const v of VARIANTS.filter((x) => x.mode === mode)) {
        const paths = getShortestPaths(loginMachine, {
          input: inputOf(v),
          events: modelEvents(v) as never,
          // The incoming event type is part of a state's identity, so that every transition into a state
          // gets its own path (shortest paths alone would reach each state once: state, not transition,
          // coverage).
          serializeState: (snap, event) => JSON.stringify({ value: snap.value, context: snap.context, via: event?.type }),
        });
        assert.ok(paths.length > 0);
        for (const p of paths) {
          await replay(v, p, covered, visited);
          count++;
        }
      }
      const model = diagramModel(loginMachine, SHORT[mode]);
      const missingEdges = model.edges.map((e) => edgeKey(e.source, e.target, e.event, e.guard)).filter((k) => !covered.has(k));
      assert.deepEqual(missingEdges, [], `uncovered transitions in ${mode}`);
      const modelKeys = new Set(model.edges.map((e) => edgeKey(e.source, e.target, e.event, e.guard)));
      const outside = [...covered].filter((k) => !modelKeys.has(k));
      assert.deepEqual(outside, [], `transitions taken in ${mode} but filtered out of its diagram (GUARD_MODES)`);
      const missingStates = model.nodes.filter((n) => n.type !== 'compound' && !visited.has(n.id)).map((n) => n.id);
      assert.deepEqual(missingStates, [], `uncovered states in ${mode}`);
      assert.ok(count > 20, `${count} paths`);
    });
  }

  test('login model – the four modes together cover every state of the machine', () => {
    const all = new Set(Object.values(SHORT).flatMap((m) => diagramModel(loginMachine, m).nodes.map((n) => n.id)));
    const every = diagramModel(loginMachine).nodes.map((n) => n.id);
    assert.deepEqual(every.filter((id) => !all.has(id)), []);
  });
});
