// No password or passcode ever leaves the machine: not in bus events, not in persisted snapshots, not
// in replies. fast-check drives random secrets through whole logins with fake actors.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { createActor, type InspectionEvent, SimulatedClock } from 'xstate';
import type { LoginEvent } from '../../machines/contracts.ts';
import { type LoginMode, settle } from '../../machines/login.ts';
import { loginEventFromInspection, stateName } from '../../machines/redact.ts';
import { attr, authOk, duoFail, fakeMachine, makeInput, preauthAuth, preauthOk, primaryFail, primaryOk, type Script, T0 } from './support.ts';

const AT = '2025-01-01T00:00:00.000Z';

interface Trace {
  events: LoginEvent[];
  persisted: string[];
  replies: string[];
}

/** Runs a login (and answers its challenge once) and collects everything that leaves the machine. */
async function trace(mode: LoginMode, password: string, passcode: string, script: Script): Promise<Trace> {
  const out: Trace = { events: [], persisted: [], replies: [] };
  const inspect = (ev: InspectionEvent) => {
    const e = loginEventFromInspection(ev, AT);
    if (e) out.events.push(e);
  };
  const machine = fakeMachine(script);
  const actor = createActor(machine, { input: makeInput(mode, { password }, { factors: ['passcode'] }), inspect, clock: new SimulatedClock() });
  actor.start();
  let s = await settle(actor);
  out.replies.push(JSON.stringify(s.reply));
  out.persisted.push(JSON.stringify(actor.getPersistedSnapshot()));
  if (s.status === 'challenge') {
    actor.stop();
    const snapshot = JSON.parse(out.persisted[0] as string);
    const again = createActor(machine, { snapshot, input: undefined as never, inspect, clock: new SimulatedClock() });
    again.start();
    again.send({ type: 'ANSWER', now: T0 + 1, clientIp: '10.0.0.5', password: passcode });
    s = await settle(again);
    out.replies.push(JSON.stringify(s.reply));
    out.persisted.push(JSON.stringify(again.getPersistedSnapshot()));
  }
  return out;
}

const blob = (t: Trace) => JSON.stringify(t);

const scripts: Record<string, Script> = {
  allow: { primary: primaryOk([attr(25, 'c')]), preauth: preauthAuth(), auth: authOk('allow', 'Success') },
  deny: { primary: primaryOk(), preauth: preauthAuth(), auth: authOk('deny', 'Denied') },
  primaryFail: { primary: primaryFail('Invalid User') },
  preauthAllow: { primary: primaryOk(), preauth: preauthOk({ result: 'allow', status: 'ok' }) },
  preauthError: { primary: primaryOk(), preauth: duoFail('http-5xx', true) },
  authError: { primary: primaryOk(), preauth: preauthAuth(), auth: duoFail('network', false) },
};

describe('redact – secrets never leave the machine', () => {
  const secret = fc.string({ unit: 'grapheme', minLength: 6, maxLength: 24 });
  const modes: LoginMode[] = ['radius_server_auto', 'radius_server_challenge', 'radius_server_duo_only', 'radius_server_concat'];

  test('redact – property: no password, split factor or passcode in events, snapshots or replies', async () => {
    const controls = new Map<string, string>();
    for (const mode of modes) {
      for (const [name, script] of Object.entries(scripts)) {
        controls.set(`${mode}/${name}`, blob(await trace(mode, 'CONTROLPW,CONTROLFACTOR', 'CONTROLPASSCODE', script)));
      }
    }
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...modes),
        fc.constantFrom(...Object.keys(scripts)),
        secret,
        secret,
        secret,
        async (mode, name, pw, factor, passcode) => {
          const control = controls.get(`${mode}/${name}`) as string;
          for (const s of [pw, factor, passcode]) fc.pre(!control.includes(s) && !s.includes(','));
          const t = await trace(mode, `${pw},${factor}`, passcode, scripts[name] as Script);
          const all = blob(t);
          for (const s of [pw, factor, passcode, `${pw},${factor}`]) assert.ok(!all.includes(s), `leaked ${JSON.stringify(s)} (${mode}/${name})`);
          assert.ok(t.events.length > 0);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('redact – event shape', () => {
  test('redact – one event per snapshot of the login actor, with state, event type, reply code', async () => {
    const t = await trace('radius_server_auto', 'hunter2,push', 'x', scripts.allow as Script);
    assert.deepEqual(
      t.events.map((e) => [e.state, e.event]),
      [
        ['processing.primarySplit', 'xstate.init'],
        ['processing.preauth', 'xstate.done.actor.primaryAuth'],
        ['processing.auth', 'xstate.done.actor.duoPreauth'],
        ['accepted', 'xstate.done.actor.duoAuth'],
      ],
    );
    const last = t.events.at(-1) as LoginEvent;
    assert.equal(last.loginId, 'L1');
    assert.equal(last.user, 'alice');
    assert.equal(last.clientIp, '10.0.0.5');
    assert.equal(last.detail?.code, 2);
    assert.equal(last.detail?.replyMessage, 'Success');
    assert.equal(last.detail?.result, 'allow');
    assert.equal(t.events[1]?.detail?.primaryOk, true);
  });

  test('redact – Duo errors are described by kind only', async () => {
    const t = await trace('radius_server_auto', 'hunter2', 'x', scripts.preauthError as Script);
    const ev = t.events.find((e) => e.event === 'xstate.done.actor.duoPreauth');
    assert.equal(ev?.detail?.errorKind, 'http-5xx');
    assert.equal(ev?.detail?.failOpen, true);
  });

  test('redact – stateName flattens nested values', () => {
    assert.equal(stateName('awaiting'), 'awaiting');
    assert.equal(stateName({ processing: 'preauth' }), 'processing.preauth');
  });
});
