// The seeds' directory deployments end to end against a real Active Directory (Samba AD DC from the
// harness): Ivanti/Juniper-style challenge mode with ad_client, and auto mode with ad_client, using
// Duo's default auth_type ntlm2 (an unchanged AD config). Reference §9, §13, facts 17-19, §19.14.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type SambaDc, sambaAvailable, startSamba } from '../harness/samba.ts';
import { radclient, valuesOf } from '../harness/radclient.ts';
import { device } from './device.ts';
import { SECRET, type Stack, duoCalls, startStack } from './stack.ts';

const phone = { type: 'phone', number: 'XXX-XXX-1234', capabilities: ['push', 'phone', 'sms'], push: 'approve' };

describe('e2e ad_client (Samba AD DC)', { skip: sambaAvailable() ? false : 'samba-tool missing (the test command installs samba)' }, () => {
  let ad: SambaDc;
  let stack: Stack;
  before(async () => {
    ad = await startSamba();
    const vpn = await ad.addGroup('VPN Users');
    const alice = await ad.addUser('alice', 'Passw0rd!alice');
    await ad.addMember(vpn.dn, alice);
    await ad.addUser('outsider', 'Passw0rd!out');
    stack = await startStack(
      { new_user_policy: 'deny', users: {
          alice: { status: 'active', devices: [phone], passcodes: ['123456'] },
          // The proxy sends User-Name to Duo as received (reference §6.1); these are Duo-side users.
          'TEST\\alice': { status: 'active', devices: [phone] },
          'alice@test.local': { status: 'active', devices: [phone] },
          outsider: { status: 'active', devices: [phone] },
        } } as never,
      [
        `[ad_client]\nhost=127.0.0.1\nport=\${ADPORT}\nservice_account_username=Administrator\nservice_account_password=${ad.adminPassword}\nsearch_dn=${ad.baseDn}\nsecurity_group_dn=${vpn.dn}\n`,
        '[radius_server_challenge]\n${DUO}\n${CLIENTS}\nclient=ad_client\nport=${PORT0}\n',
        '[radius_server_auto]\n${DUO}\n${CLIENTS}\nclient=ad_client\nport=${PORT1}\n',
      ].join('\n'),
      { ADPORT: String(ad.port) },
    );
  });
  after(async () => {
    await stack?.stop();
    await ad?.stop();
  });

  const auth = (port: number, user: string, password: string | undefined, extra: [string, string][] = []) =>
    radclient({
      server: `127.0.0.1:${port}`,
      secret: SECRET,
      attributes: [['User-Name', user], ...(password === undefined ? [] : ([['User-Password', password]] as [string, string][])), ['Message-Authenticator', '0x00'], ...extra],
      timeoutSec: 5,
    });

  test('challenge + AD – password, Duo menu, option 1 → Access-Accept (the Ivanti/Juniper deployment)', async () => {
    const first = await auth(stack.ports[0]!, 'alice', 'Passw0rd!alice');
    assert.equal(first.code, 'Access-Challenge');
    assert.match(valuesOf(first.attributes, 'Reply-Message')[0] ?? '', /Duo two-factor login for alice/);
    const [state] = valuesOf(first.attributes, 'State');
    const answer = await auth(stack.ports[0]!, 'alice', '1', [['State', state!]]);
    assert.equal(answer.code, 'Access-Accept');
  });

  test('challenge + AD – TEST\\alice and alice@test.local are the same user', async () => {
    assert.equal((await auth(stack.ports[0]!, 'TEST\\alice', 'Passw0rd!alice')).code, 'Access-Challenge');
    assert.equal((await auth(stack.ports[0]!, 'alice@test.local', 'Passw0rd!alice')).code, 'Access-Challenge');
  });

  test('challenge + AD – the directory decides, with Duo\'s messages (§13, §19.14)', async () => {
    const cases: [string, string | undefined, string][] = [
      ['alice', 'wrong-password', 'User Authentication Failed'],
      ['nobody', 'Passw0rd!x', 'Invalid User'],
      ['outsider', 'Passw0rd!out', 'Invalid User'],
    ];
    for (const [user, password, message] of cases) {
      const r = await auth(stack.ports[0]!, user, password);
      assert.deepEqual([r.code, valuesOf(r.attributes, 'Reply-Message')], ['Access-Reject', [message]], `${user}/${password}`);
    }
    // A User-Password present but empty reaches primary auth (§19.3), which refuses it before any bind.
    const d = device(stack.ports[0]!);
    try {
      const empty = await d.send('alice', '');
      assert.deepEqual([empty.code, empty.replyMessages], [3, ['No password.']]);
    } finally {
      await d.close();
    }
  });

  test('auto + AD – Passw0rd!alice,push: primary with the password part, then push (facts 17, 19)', async () => {
    stack.mock.mock.journal.clear();
    const ok = await auth(stack.ports[1]!, 'alice', 'Passw0rd!alice,push');
    assert.equal(ok.code, 'Access-Accept');
    assert.deepEqual(duoCalls(stack), ['preauth', 'auth auto=push']);
    const bad = await auth(stack.ports[1]!, 'alice', 'bad,push');
    assert.deepEqual([bad.code, valuesOf(bad.attributes, 'Reply-Message')], ['Access-Reject', ['User Authentication Failed']]);
  });
});
