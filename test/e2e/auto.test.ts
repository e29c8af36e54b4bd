// radius_server_auto end to end with duo_only_client as the primary (reference §8, facts 17, 20-24):
// the factor from the password, `factors` order, and the `Enter passcode:` challenge.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { device } from './device.ts';
import { type Stack, duoCalls, startStack } from './stack.ts';

describe('e2e auto', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack(
      {
        new_user_policy: 'allow',
        users: {
          alice: { status: 'active', devices: [{ type: 'phone', number: 'XXX-XXX-1234', capabilities: ['push', 'phone', 'sms'], push: 'approve', phone: 'approve' }], passcodes: ['123456'] },
        },
      } as never,
      [
        '[duo_only_client]\n',
        '[radius_server_auto]\n${DUO}\n${CLIENTS}\nclient=duo_only_client\nport=${PORT0}\n',
        '[radius_server_auto2]\n${DUO}\n${CLIENTS}\nclient=duo_only_client\nport=${PORT1}\nfactors=passcode,push\n',
        '[radius_server_auto3]\n${DUO}\n${CLIENTS}\nclient=duo_only_client\nport=${PORT2}\nfactors=phone,push\nallow_concat=false\n',
        '[radius_server_concat]\n${DUO}\n${CLIENTS}\nclient=duo_only_client\nport=${PORT3}\n',
      ].join('\n'),
    );
  });
  after(() => stack.stop());

  test('auto – factor after the last delimiter; factors=auto uses preauth default (facts 17, 18, 22)', async () => {
    const d = device(stack.ports[0]!);
    try {
      stack.mock.mock.journal.clear();
      assert.equal((await d.send('alice', 'hunter2,push')).code, 2);
      assert.equal((await d.send('alice', 'pa,ss,123456')).code, 2);
      assert.equal((await d.send('alice', 'hunter2')).code, 2);
      assert.deepEqual(duoCalls(stack), ['preauth', 'auth auto=push', 'preauth', 'auth auto=[redacted]', 'preauth', 'auth auto=push1']);
    } finally {
      await d.close();
    }
  });

  test('auto – factors=passcode first: Enter passcode: challenge, its answer re-runs preauth (fact 24)', async () => {
    const d = device(stack.ports[1]!);
    try {
      stack.mock.mock.journal.clear();
      const first = await d.send('alice', 'hunter2');
      assert.deepEqual([first.code, first.replyMessages], [11, ['Enter passcode:']]);
      const answer = await d.send('alice', '123456', { state: first.state });
      assert.equal(answer.code, 2);
      assert.deepEqual(duoCalls(stack), ['preauth', 'preauth', 'auth auto=[redacted]']);
    } finally {
      await d.close();
    }
  });

  test('auto – configured order wins (phone before push), and allow_concat=false never splits (facts 21, §19.2)', async () => {
    const d = device(stack.ports[2]!);
    try {
      stack.mock.mock.journal.clear();
      assert.equal((await d.send('alice', 'hunter2,push')).code, 2);
      assert.deepEqual(duoCalls(stack), ['preauth', 'auth auto=phone']);
    } finally {
      await d.close();
    }
  });

  test('auto – preauth allow for an unknown user under the allow policy (fact 25)', async () => {
    const d = device(stack.ports[0]!);
    try {
      const r = await d.send('stranger', 'hunter2');
      assert.equal(r.code, 2);
      assert.equal(r.replyMessages.length, 1);
    } finally {
      await d.close();
    }
  });

  test('concat – password,factor is mandatory (§10 concat mode, §19.15)', async () => {
    const d = device(stack.ports[3]!);
    try {
      stack.mock.mock.journal.clear();
      assert.equal((await d.send('alice', 'pw,push')).code, 2);
      assert.equal((await d.send('alice', 'a,b,123456')).code, 2);
      assert.deepEqual(duoCalls(stack), ['preauth', 'auth auto=push', 'preauth', 'auth auto=[redacted]']);
      for (const pw of ['pw', 'pw,', ',push']) assert.deepEqual((await d.send('alice', pw)).replyMessages, ['Invalid Password'], pw);
      assert.deepEqual((await d.send('alice', undefined)).replyMessages, ['No password provided']);
    } finally {
      await d.close();
    }
  });
});
