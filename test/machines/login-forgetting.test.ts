// A login forgets its secrets and call results when it ends or starts waiting. The forgetting rides on
// the assign that decides (setReply into a final state, the challenge-opening assigns into `awaiting`)
// rather than on an entry action of each of those states: one context copy less per login (issue 14).
// These check that every way in carries it, on the definition and on logins run.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createActor, SimulatedClock } from 'xstate';
import { diagramModel, shortStateId } from '../../machines/diagram.ts';
import { loginMachine, settle } from '../../machines/login.ts';
import { answer, authOk, duoFail, makeInput, preauthAuth, preauthOk, primaryFail, primaryOk, runLogin, type Script, T0 } from './support.ts';

const OPENING = ['openEnrollChallenge', 'openFactorChallenge', 'openPasscodeChallenge', 'reopenChallenge'];
const actionTypes = (actions: readonly unknown[]) => actions.map((a) => (typeof a === 'string' ? a : (a as { type?: unknown }).type));

function transitionsInto(isTarget: (id: string) => boolean) {
  const root = loginMachine.root;
  const out: { from: string; event: string; actions: unknown[] }[] = [];
  for (const n of diagramModel(loginMachine).nodes) {
    const groups = [...(n.always ?? []), ...[...n.transitions.values()].flat()];
    for (const t of groups) for (const target of t.target ?? []) if (isTarget(shortStateId(target.id))) out.push({ from: shortStateId(n.id), event: t.eventType, actions: actionTypes(t.actions) });
  }
  assert.ok(root);
  return out;
}

const finals = new Set(Object.values(loginMachine.root.states).filter((s) => s.type === 'final').map((s) => shortStateId(s.id)));

describe('login forgetting – on the definition', () => {
  test('login forgetting – every transition into a final state sets the reply (setReply forgets all)', () => {
    const into = transitionsInto((id) => finals.has(id));
    assert.ok(into.length > 20, `${into.length} transitions into final states`);
    for (const t of into) assert.ok(t.actions.includes('setReply'), `${t.from} --${t.event || 'always'}--> final without setReply: ${JSON.stringify(t.actions)}`);
    for (const f of finals) assert.deepEqual(loginMachine.root.states[f]!.entry, [], `${f} has no entry action left`);
  });

  test('login forgetting – every transition into awaiting opens a challenge, but RESUME re-entering it', () => {
    const into = transitionsInto((id) => id === 'awaiting');
    assert.ok(into.length >= 4);
    for (const t of into) {
      if (t.from === 'awaiting' && t.event === 'RESUME') continue;
      assert.ok(t.actions.some((a) => OPENING.includes(a as string)), `${t.from} --${t.event || 'always'}--> awaiting without opening: ${JSON.stringify(t.actions)}`);
    }
  });
});

const FORGOTTEN = { secret: {}, requestAttributes: [], primaryResult: undefined, preauth: undefined, auth: undefined };
const forgotten = (c: Record<string, unknown>) => ({ secret: c.secret, requestAttributes: c.requestAttributes, primaryResult: c.primaryResult, preauth: c.preauth, auth: c.auth });
const password = 'pw-Secret-9,push';
const attributes = [{ type: 2, value: Buffer.from('hidden').toString('base64') }];

describe('login forgetting – on logins run', () => {
  const cases: [string, ReturnType<typeof makeInput>, Script][] = [
    ['duo_only accept', makeInput('radius_server_duo_only', { password: 'push', attributes }), { preauth: preauthAuth(), auth: authOk('allow', 'ok') }],
    ['auto split accept', makeInput('radius_server_auto', { password, attributes }), { primary: primaryOk(), preauth: preauthAuth(), auth: authOk('allow', 'ok') }],
    ['auto deny', makeInput('radius_server_auto', { password, attributes }), { primary: primaryOk(), preauth: preauthAuth(), auth: authOk('deny', 'no') }],
    ['primary reject', makeInput('radius_server_challenge', { password, attributes }), { primary: primaryFail() }],
    ['preauth error, failmode', makeInput('radius_server_auto', { password, attributes }), { primary: primaryOk(), preauth: duoFail('network', true) }],
    ['preauth allow', makeInput('radius_server_challenge', { password, attributes }), { primary: primaryOk(), preauth: preauthOk({ result: 'allow', status: 'allowed' }) }],
    ['challenge', makeInput('radius_server_challenge', { password, attributes }), { primary: primaryOk(), preauth: preauthAuth() }],
    ['auto passcode challenge', makeInput('radius_server_auto', { password: 'pw-Secret-9', attributes }, { factors: ['passcode'] }), { primary: primaryOk(), preauth: preauthAuth() }],
  ];
  for (const [name, input, script] of cases) {
    test(`login forgetting – ${name}: the settled context keeps nothing secret`, async () => {
      const r = await runLogin(input, script);
      const c = r.actor.getSnapshot().context;
      assert.deepEqual(forgotten(c as never), FORGOTTEN);
      assert.ok(!JSON.stringify(c).includes('Secret-9'));
      r.actor.stop();
    });
  }

  test('login forgetting – an SMS refresh and the answer after it keep nothing secret', async () => {
    const r = await runLogin(makeInput('radius_server_challenge', { password }), { primary: primaryOk(), preauth: preauthAuth(), auth: [authOk('deny', 'New SMS passcodes sent'), authOk('allow', 'ok')] });
    const sms = await answer(r, { password: '3' });
    assert.equal(sms.settled.status, 'challenge');
    assert.deepEqual(forgotten(sms.actor.getSnapshot().context as never), FORGOTTEN);
    const done = await answer({ actor: sms.actor, machine: r.machine }, { password: '123456', now: T0 + 2000 });
    assert.equal(done.settled.status, 'done');
    const c = done.actor.getSnapshot().context;
    assert.deepEqual(forgotten(c as never), FORGOTTEN);
    assert.ok(!JSON.stringify(c).includes('123456'));
  });

  test('login forgetting – RESUME keeps the waiting context as it was', async () => {
    const r = await runLogin(makeInput('radius_server_challenge', { password }), { primary: primaryOk(), preauth: preauthAuth() });
    const snapshot = JSON.parse(JSON.stringify(r.actor.getPersistedSnapshot()));
    r.actor.stop();
    const restored = createActor(r.machine, { snapshot, input: undefined as never, clock: new SimulatedClock() });
    restored.start();
    restored.send({ type: 'RESUME', now: T0 + 10 });
    assert.equal((await settle(restored)).status, 'challenge');
    assert.deepEqual({ ...restored.getSnapshot().context, now: snapshot.context.now }, snapshot.context);
    restored.stop();
  });
});
