// The "generic RADIUS, auto mode with an existing RADIUS server" deployment of the seeds, end to end:
// radclient as the VPN → authproxy (radius_server_auto / _challenge) → FreeRADIUS radiusd as the
// primary (radius_client) → the HTTPS mock Duo. Reference §8.2-8.3, §12, facts 17-19, 43, §19.12.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { type RadiusdServer, start as startRadiusd } from '../harness/radiusd.ts';
import { octets, radclient, valuesOf } from '../harness/radclient.ts';
import { SECRET, type Stack, duoCalls, startStack } from './stack.ts';

describe('e2e auto + radius_client (FreeRADIUS upstream)', () => {
  let upstream: RadiusdServer;
  let stack: Stack;
  before(async () => {
    upstream = await startRadiusd({
      // -X: the log shows every request, so the test can count primary attempts.
      debug: true,
      clients: [{ ip: '127.0.0.1', secret: 'upstream-secret' }],
      users: [
        { name: 'alice', password: 'hunter2', reply: [['Class', 'engineering'], ['Filter-Id', 'vpn-full'], ['Cisco-AVPair', 'shell:priv-lvl=15']] },
        { name: 'mallory', password: 'pa,ss', reply: [['Class', 'x']] },
        { name: 'chuck', reject: true, replyMessage: 'Account disabled' },
      ],
    });
    stack = await startStack(
      { new_user_policy: 'deny', users: { alice: { status: 'active', devices: [{ type: 'phone', number: 'XXX-XXX-1234', capabilities: ['push', 'phone', 'sms'], push: 'approve' }], passcodes: ['123456'] }, mallory: { status: 'active', devices: [{ type: 'phone', number: 'XXX-XXX-9999', capabilities: ['push'], push: 'approve' }], passcodes: ['654321'] } } } as never,
      [
        '[radius_client]\nhost=127.0.0.1\nport=${UPPORT}\nsecret=upstream-secret\nretries=1\nretry_wait=1\npass_through_all=true\n',
        '[radius_server_auto]\n${DUO}\n${CLIENTS}\nclient=radius_client\nport=${PORT0}\n',
        '[radius_server_challenge]\n${DUO}\n${CLIENTS}\nclient=radius_client\nport=${PORT1}\n',
      ].join('\n'),
      { UPPORT: String(upstream.port) },
    );
  });
  after(async () => {
    await stack?.stop();
    await upstream?.stop();
  });

  const auth = (port: number, user: string, password: string, extra: [string, string][] = []) =>
    radclient({ server: `127.0.0.1:${port}`, secret: SECRET, attributes: [['User-Name', user], ['User-Password', password], ['Message-Authenticator', '0x00'], ...extra], timeoutSec: 5 });

  test('auto – hunter2,push: primary with hunter2, then push; the upstream attributes reach the accept (fact 17)', async () => {
    stack.mock.mock.journal.clear();
    const r = await auth(stack.ports[0]!, 'alice', 'hunter2,push');
    assert.equal(r.code, 'Access-Accept');
    assert.equal(r.messageAuthenticatorIndex, 0);
    assert.deepEqual(valuesOf(r.attributes, 'Class'), [octets('engineering')]);
    assert.deepEqual(valuesOf(r.attributes, 'Filter-Id'), ['vpn-full']);
    assert.deepEqual(valuesOf(r.attributes, 'Cisco-AVPair'), ['shell:priv-lvl=15']);
    assert.deepEqual(valuesOf(r.attributes, 'Reply-Message'), ['Success. Logging you in...']);
    assert.deepEqual(duoCalls(stack), ['preauth', 'auth auto=push']);
  });

  test('auto – pa,ss,654321 splits at the last delimiter (fact 18)', async () => {
    stack.mock.mock.journal.clear();
    const r = await auth(stack.ports[0]!, 'mallory', 'pa,ss,654321');
    assert.equal(r.code, 'Access-Accept');
    assert.deepEqual(duoCalls(stack), ['preauth', 'auth auto=[redacted]']);
  });

  test('auto – a wrong password with a delimiter: two primary attempts, then the upstream message (fact 19)', async () => {
    stack.mock.mock.journal.clear();
    const before = (await readFile(upstream.logFile, 'utf8')).length;
    const r = await auth(stack.ports[0]!, 'alice', 'bad,push');
    assert.equal(r.code, 'Access-Reject');
    const seen = (await readFile(upstream.logFile, 'utf8')).slice(before);
    assert.equal(seen.match(/Received Access-Request/g)?.length, 2, 'the split password, then the whole one');
    assert.deepEqual(valuesOf(r.attributes, 'Reply-Message'), ['No reply message in packet']);
    assert.deepEqual(duoCalls(stack), [], 'Duo is never called after a primary reject');
    const chuck = await auth(stack.ports[0]!, 'chuck', 'whatever');
    assert.deepEqual(valuesOf(chuck.attributes, 'Reply-Message'), ['Account disabled']);
  });

  test('challenge – the whole password goes upstream, then the menu; option 1 accepts with upstream attributes', async () => {
    const first = await auth(stack.ports[1]!, 'alice', 'hunter2');
    assert.equal(first.code, 'Access-Challenge');
    const [state] = valuesOf(first.attributes, 'State');
    const answer = await auth(stack.ports[1]!, 'alice', '1', [['State', state!]]);
    assert.equal(answer.code, 'Access-Accept');
    assert.deepEqual(valuesOf(answer.attributes, 'Class'), [octets('engineering')]);
    const wrong = await auth(stack.ports[1]!, 'alice', 'hunter2,push');
    assert.equal(wrong.code, 'Access-Reject', 'challenge mode never splits the password (§19.12)');
  });
});
