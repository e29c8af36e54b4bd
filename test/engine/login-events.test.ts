// The event vocabulary of a login (issue 11 §1, machines/login-events.ts) through a real proxy and the
// mock Duo: one summary per answered request with the reason and its words, the same loginId across
// a challenge's rounds, one event per primary and Duo call, the same events on the bus and through
// onLoginEvent, and nothing secret in any of them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Subjects } from '../../adapters/bus/subjects.ts';
import type { AnyLoginEvent, DuoCallEvent, SummaryEvent } from '../../machines/login-events.ts';
import { LOGIN_REASONS } from '../../machines/login-reasons.ts';
import { device } from '../e2e/device.ts';
import { SECRET, SKEY, type Stack, startStack } from '../e2e/stack.ts';

const PASSCODE = '864209';

describe('login events', () => {
  let stack: Stack;
  const local: AnyLoginEvent[] = [];
  const onBus: AnyLoginEvent[] = [];
  before(async () => {
    stack = await startStack(
      {
        new_user_policy: 'deny',
        users: {
          alice: { status: 'active', devices: [{ type: 'phone', number: 'XXX-XXX-1234', capabilities: ['push', 'sms', 'auto'], push: 'approve' }], passcodes: [PASSCODE] },
          bob: { status: 'active', devices: [{ type: 'phone', number: 'XXX-XXX-9999', capabilities: ['push', 'auto'], push: 'deny' }] },
        },
      } as never,
      [
        '[radius_server_challenge]\n${DUO}\n${CLIENTS}\nclient=duo_only_client\nport=${PORT0}\nfailmode=secure\n',
        '[radius_server_duo_only]\n${DUO}\n${CLIENTS}\nport=${PORT1}\nfailmode=safe\n',
        '[duo_only_client]\n',
      ].join('\n'),
      {},
      { onLoginEvent: (ev) => local.push(ev) },
    );
    stack.proxy.bus.subscribe(Subjects.allEvents, (ev) => onBus.push(ev as AnyLoginEvent));
  });
  after(() => stack.stop());

  const summaries = (loginId?: string) => local.filter((e): e is SummaryEvent => e.kind === 'summary' && (loginId === undefined || e.loginId === loginId));
  const lastSummary = () => summaries().at(-1)!.detail;

  test('login events – challenge login: two rounds under one loginId, factor prompt then duo_allow with push1', async () => {
    const d = device(stack.ports[0]!);
    try {
      const first = await d.send('alice', 'first-password');
      assert.equal(first.code, 11);
      const challenged = lastSummary();
      assert.deepEqual([challenged.outcome, challenged.reason, challenged.final, challenged.rounds], ['challenge', 'factor_prompt', false, 1]);
      const answer = await d.send('alice', '1', { state: first.state });
      assert.equal(answer.code, 2);
      const done = lastSummary();
      assert.equal(done.loginId, challenged.loginId, 'the answer continues the same login');
      assert.deepEqual(
        [done.outcome, done.reason, done.final, done.rounds, done.factor, done.user, done.mode, done.code, done.server],
        ['accept', 'duo_allow', true, 2, 'push1', 'alice', 'radius_server_challenge', 2, 'radius_server_challenge'],
      );
      assert.equal(done.reasonText, `${LOGIN_REASONS.duo_allow.text}: Success. Logging you in...`);
      assert.equal(done.startedAt, challenged.startedAt);
      assert.ok(done.preauthMs > 0 && done.authMs > 0 && done.ms >= done.preauthMs + done.authMs, JSON.stringify(done));
      const duo = local.filter((e): e is DuoCallEvent => e.kind === 'duo' && e.loginId === done.loginId).map((e) => e.detail);
      assert.deepEqual(
        duo.map((c) => [c.endpoint, c.round, c.httpStatus, c.ok, c.result, c.factor]),
        [
          ['preauth', 1, 200, true, 'auth', undefined],
          ['auth', 2, 200, true, 'allow', 'push1'],
        ],
      );
      assert.equal(duo[1]!.status, 'Success. Logging you in...');
    } finally {
      await d.close();
    }
  });

  test('login events – a passcode answer is named `passcode`, and the passcode is in no event', async () => {
    const d = device(stack.ports[0]!);
    try {
      const first = await d.send('alice', 'first-password');
      const answer = await d.send('alice', PASSCODE, { state: first.state });
      assert.equal(answer.code, 2);
      assert.equal(lastSummary().factor, 'passcode');
    } finally {
      await d.close();
    }
  });

  test('login events – push denied: duo_deny with the status in words', async () => {
    const d = device(stack.ports[1]!);
    try {
      assert.equal((await d.send('bob', 'push')).code, 3);
      const s = lastSummary();
      assert.deepEqual([s.outcome, s.reason, s.factor, s.mode], ['reject', 'duo_deny', 'push', 'radius_server_duo_only']);
      assert.equal(s.reasonText, 'Rejected: Duo denied the login: push denied by the user (Login request denied.)');
    } finally {
      await d.close();
    }
  });

  test('login events – failmode safe after a preauth 503 says so, with the status code', async () => {
    const d = device(stack.ports[1]!);
    stack.mock.mock.faults.add({ match: { path: '/rest/v1/preauth' }, http_status: 503, body: 'Service Unavailable', content_type: 'text/plain' } as never);
    try {
      assert.equal((await d.send('alice', 'push')).code, 2);
      const s = lastSummary();
      assert.deepEqual([s.outcome, s.reason], ['accept', 'failmode_safe_allow']);
      assert.equal(s.reasonText, 'Accepted by failmode safe: Duo preauth returned 503');
      const call = local.filter((e): e is DuoCallEvent => e.kind === 'duo' && e.loginId === s.loginId).map((e) => e.detail);
      assert.deepEqual(call.map((c) => [c.endpoint, c.ok, c.httpStatus, c.errorKind, c.failOpen]), [['preauth', false, 503, 'http-5xx', true]]);
    } finally {
      stack.mock.mock.faults.clear();
      await d.close();
    }
  });

  test('login events – an unknown State: unknown_challenge, and its words never quote the State', async () => {
    const d = device(stack.ports[0]!);
    try {
      const state = Buffer.from('A'.repeat(44));
      assert.equal((await d.send('alice', '1', { state })).code, 3);
      const s = lastSummary();
      assert.deepEqual([s.outcome, s.reason, s.final], ['reject', 'unknown_challenge', true]);
      assert.ok(!JSON.stringify(s).includes('A'.repeat(20)));
    } finally {
      await d.close();
    }
  });

  test('login events – the bus carries the same summaries and calls; no event holds a password, passcode, secret or skey', async () => {
    // Every event published so far reached the bus subscriber (the in-process bus delivers in order).
    const key = (e: AnyLoginEvent) => `${e.kind}:${e.loginId}:${e.event}:${JSON.stringify(e.detail)}`;
    const busKeys = new Set(onBus.filter((e) => e.kind !== undefined && e.kind !== 'transition').map(key));
    assert.ok(local.length > 10);
    for (const e of local) assert.ok(busKeys.has(key(e)), `on the bus: ${key(e)}`);
    const all = JSON.stringify([...local, ...onBus]);
    for (const secret of [PASSCODE, 'first-password', SECRET, SKEY]) assert.ok(!all.includes(secret), `no ${secret} in events`);
  });
});
