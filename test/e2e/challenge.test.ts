// radius_server_challenge end to end (reference §9, §18 facts 9-16): the numbered menu from Duo's
// preauth, option numbers, push2, SMS refresh, enrollment, and the State rules of §9.4.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { radclient, valuesOf } from '../harness/radclient.ts';
import { device } from './device.ts';
import { SECRET, type Stack, duoCalls, startStack } from './stack.ts';

const phone = (n: string, over: Record<string, unknown> = {}) => ({
  type: 'phone',
  number: `XXX-XXX-${n}`,
  capabilities: ['push', 'phone', 'sms', 'mobile_otp', 'auto'],
  push: 'approve',
  phone: 'approve',
  ...over,
});

describe('e2e challenge', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack(
      {
        new_user_policy: 'enroll',
        users: {
          alice: { status: 'active', devices: [phone('1234')], passcodes: ['123456'] },
          bob: { status: 'active', devices: [phone('1111', { push: 'deny' }), phone('2222'), { type: 'token' }] },
        },
      } as never,
      [
        '[radius_server_challenge]\n${DUO}\n${CLIENTS}\nclient=duo_only_client\nport=${PORT0}\nfailmode=secure\n',
        '[radius_server_challenge2]\n${DUO}\n${CLIENTS}\nclient=duo_only_client\nport=${PORT1}\nenroll_challenge=false\n',
        '[radius_server_duo_only]\n${DUO}\n${CLIENTS}\nport=${PORT2}\nfailmode=secure\n',
        '[duo_only_client]\n',
      ].join('\n'),
    );
  });
  after(() => stack.stop());

  const dev = () => device(stack.ports[0]!);

  test('challenge – console prompt relayed exactly, option 1 maps to push1 (facts 5, 9)', async () => {
    stack.mock.mock.journal.clear();
    const first = await radclient({ server: `127.0.0.1:${stack.ports[0]}`, secret: SECRET, attributes: [['User-Name', 'alice'], ['User-Password', 'primary'], ['Message-Authenticator', '0x00']], timeoutSec: 3 });
    assert.equal(first.code, 'Access-Challenge');
    assert.equal(first.messageAuthenticatorIndex, 0);
    const [prompt] = valuesOf(first.attributes, 'Reply-Message');
    assert.match(prompt ?? '', /^Duo two-factor login for alice/);
    assert.match(prompt ?? '', /Passcode or option \(1-3\): $/);
    const [state] = valuesOf(first.attributes, 'State');
    assert.equal(Buffer.from(state!.slice(2), 'hex').length, 44, 'State is 44 characters');
    const answer = await radclient({ server: `127.0.0.1:${stack.ports[0]}`, secret: SECRET, attributes: [['User-Name', 'alice'], ['User-Password', '1'], ['State', state!], ['Message-Authenticator', '0x00']], timeoutSec: 3 });
    assert.equal(answer.code, 'Access-Accept');
    assert.deepEqual(valuesOf(answer.attributes, 'Reply-Message'), ['Success. Logging you in...']);
    assert.deepEqual(duoCalls(stack), ['preauth', 'auth auto=push1']);
  });

  test('challenge – two phones and a token: the long menu falls back to the short form; 4 maps to push2, text goes unchanged (§19.8, fact 10)', async () => {
    const d = dev();
    try {
      stack.mock.mock.journal.clear();
      const first = await d.send('bob', 'primary');
      assert.equal(first.code, 11);
      assert.deepEqual(first.replyMessages, ["Choose a secondary factor from ('push1', 'phone1', 'sms1', 'push2', 'phone2', 'sms2') or enter passcode:"]);
      assert.equal((await d.send('bob', '4', { state: first.state })).code, 2);
      const again = await d.send('bob', 'primary');
      assert.equal((await d.send('bob', 'push2', { state: again.state })).code, 2);
      const denied = await d.send('bob', 'primary');
      assert.equal((await d.send('bob', '1', { state: denied.state })).code, 3, 'option 1 = push1, which denies');
      assert.deepEqual(duoCalls(stack), ['preauth', 'auth auto=push2', 'preauth', 'auth auto=push2', 'preauth', 'auth auto=push1']);
    } finally {
      await d.close();
    }
  });

  test('challenge – sms1 refresh re-prompts with the same text and a new State; then the SMS passcode (fact 11)', async () => {
    const d = dev();
    try {
      const first = await d.send('alice', 'primary');
      const refreshed = await d.send('alice', '3', { state: first.state });
      assert.equal(refreshed.code, 11);
      assert.deepEqual(refreshed.replyMessages, first.replyMessages);
      assert.notDeepEqual(refreshed.state, first.state);
      assert.deepEqual((await d.send('alice', '3', { state: first.state })).replyMessages, ['Unknown Challenge'], 'the old State is gone');
      const code = stack.mock.mock.control.smsBatch('alice')?.[0];
      assert.ok(code, 'the mock sent an SMS batch');
      assert.equal((await d.send('alice', code, { state: refreshed.state })).code, 2);
    } finally {
      await d.close();
    }
  });

  test('challenge – a State is single use, bound to source IP and User-Name (facts 13, 14)', async () => {
    const d = dev();
    const foreign = device(stack.ports[0]!, { bind: '127.0.0.2' });
    try {
      const first = await d.send('alice', 'primary');
      const wrongUser = await d.send('bob', '123456', { state: first.state });
      assert.deepEqual([wrongUser.code, wrongUser.replyMessages], [3, ['Unknown Challenge']]);
      const wrongIp = await foreign.send('alice', '123456', { state: first.state });
      assert.deepEqual([wrongIp.code, wrongIp.replyMessages], [3, ['Unknown Challenge']]);
      assert.equal((await d.send('alice', '123456', { state: first.state })).code, 2, 'mismatches did not consume it');
      const replay = await d.send('alice', '123456', { state: first.state });
      assert.deepEqual([replay.code, replay.replyMessages], [3, ['Unknown Challenge']]);
      const never = await d.send('alice', '123456', { state: Buffer.alloc(44, 65) });
      assert.deepEqual(never.replyMessages, ['Unknown Challenge']);
    } finally {
      await Promise.all([d.close(), foreign.close()]);
    }
  });

  test('challenge – a State is bound to the section that issued it: another section says Unknown Challenge and does not consume it (issue 15 §1)', async () => {
    const d = dev();
    const other = device(stack.ports[1]!);
    const duoOnly = device(stack.ports[2]!);
    try {
      const first = await d.send('alice', 'primary');
      assert.equal(first.code, 11);
      // The demo's attack: the answer `1` with that State to the duo_only section.
      const viaDuoOnly = await duoOnly.send('alice', '1', { state: first.state });
      assert.deepEqual([viaDuoOnly.code, viaDuoOnly.replyMessages], [3, ['Unknown Challenge']]);
      const viaOther = await other.send('alice', '1', { state: first.state });
      assert.deepEqual([viaOther.code, viaOther.replyMessages], [3, ['Unknown Challenge']]);
      const own = await d.send('alice', '1', { state: first.state });
      assert.deepEqual([own.code, own.replyMessages], [2, ['Success. Logging you in...']], 'still open on its own section');
    } finally {
      await Promise.all([d.close(), other.close(), duoOnly.close()]);
    }
  });

  test('challenge – enrollment: challenge then "complete the enrollment"; or a reject with enroll_challenge=false (facts 15, 16)', async () => {
    const d = dev();
    const d2 = device(stack.ports[1]!);
    try {
      const first = await d.send('newbie', 'primary');
      assert.equal(first.code, 11);
      assert.match(first.replyMessages.join(''), /enroll/i);
      const answer = await d.send('newbie', 'anything', { state: first.state });
      assert.deepEqual([answer.code, answer.replyMessages], [3, ['Please complete the enrollment process and login again']]);
      const rejected = await d2.send('newbie', 'primary');
      assert.equal(rejected.code, 3);
      assert.deepEqual(rejected.replyMessages, first.replyMessages);
    } finally {
      await Promise.all([d.close(), d2.close()]);
    }
  });

  test('challenge – a password that is not valid UTF-8 gets "Cannot decode password" (fact 36)', async () => {
    const d = dev();
    try {
      const r = await d.send('alice', Buffer.from([0xff, 0xfe, 0x41]));
      assert.deepEqual([r.code, r.replyMessages], [3, ['Cannot decode password']]);
    } finally {
      await d.close();
    }
  });
});
