// radius_server_duo_only end to end: radclient as the device, the proxy on real UDP, the standalone
// mock Duo over HTTPS (reference §10, §18 facts 33-35).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { radclient, valuesOf } from '../harness/radclient.ts';
import { SECRET, type Stack, duoCalls, startStack } from './stack.ts';

const phone = (over: Record<string, unknown> = {}) => ({
  type: 'phone',
  number: 'XXX-XXX-1234',
  capabilities: ['push', 'phone', 'sms', 'mobile_otp', 'auto'],
  push: 'approve',
  phone: 'approve',
  ...over,
});

describe('e2e duo_only', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack(
      {
        new_user_policy: 'enroll',
        push_timeout_ms: 2500,
        users: {
          alice: { status: 'active', groups: ['VPN', 'Staff'], devices: [phone()], passcodes: ['123456'], bypass_codes: [{ code: '987654321', uses: 1 }] },
          carol: { status: 'active', devices: [phone({ push: 'deny' })] },
          tim: { status: 'active', devices: [phone({ push: 'timeout' })] },
          dave: { status: 'locked_out', devices: [phone()] },
        },
      } as never,
      '[radius_server_duo_only]\n${DUO}\n${CLIENTS}\nport=${PORT0}\nfailmode=secure\n',
    );
  });
  after(() => stack.stop());

  const login = (user: string, password: string | undefined, extra: [string, string][] = []) =>
    radclient({
      server: `127.0.0.1:${stack.ports[0]}`,
      secret: SECRET,
      attributes: [['User-Name', user], ...(password === undefined ? [] : ([['User-Password', password]] as [string, string][])), ['Message-Authenticator', '0x00'], ...extra],
      timeoutSec: 3,
    });

  test('duo_only – push approved: Access-Accept, Duo status, Class OU=<first group>; (fact 33)', async () => {
    stack.mock.mock.journal.clear();
    const r = await login('alice', 'push');
    assert.equal(r.code, 'Access-Accept');
    assert.deepEqual(valuesOf(r.attributes, 'Reply-Message'), ['Success. Logging you in...']);
    assert.deepEqual(valuesOf(r.attributes, 'Class'), [`0x${Buffer.from('OU=VPN;').toString('hex')}`]);
    assert.equal(r.messageAuthenticatorIndex, 0, 'Message-Authenticator is the first attribute');
    // Duo's order (issue 11 §6, a differential run against 4.0.2): Reply-Message, then Class.
    assert.deepEqual(
      r.attributes.map((a) => a.name).filter((n) => n === 'Reply-Message' || n === 'Class'),
      ['Reply-Message', 'Class'],
    );
    assert.deepEqual(duoCalls(stack), ['preauth', 'auth auto=push']);
  });

  test('duo_only – a 130-byte User-Password (over RFC 2865\'s 128, accepted by Duo 4.0.2) reaches Duo instead of "Cannot decode password" (issue 11 §6)', async () => {
    stack.mock.mock.journal.clear();
    const r = await login('alice', '9'.repeat(130));
    assert.equal(r.code, 'Access-Reject');
    assert.deepEqual(valuesOf(r.attributes, 'Reply-Message'), ['Incorrect passcode. Please try again.']);
    assert.deepEqual(duoCalls(stack), ['preauth', 'auth auto=[redacted]'], 'the passcode went to Duo');
  });

  test('duo_only – push denied and push timed out: Access-Reject with Duo status, no Class', async () => {
    const denied = await login('carol', 'push');
    assert.equal(denied.code, 'Access-Reject');
    assert.deepEqual(valuesOf(denied.attributes, 'Reply-Message'), ['Login request denied.']);
    assert.deepEqual(valuesOf(denied.attributes, 'Class'), []);
    const timedOut = await login('tim', 'push');
    assert.equal(timedOut.code, 'Access-Reject');
    assert.deepEqual(valuesOf(timedOut.attributes, 'Reply-Message'), ['Login timed out.']);
  });

  test('duo_only – passcode and bypass code (single use), the whole password is the factor', async () => {
    stack.mock.mock.journal.clear();
    assert.equal((await login('alice', '123456')).code, 'Access-Accept');
    assert.equal((await login('alice', '987654321')).code, 'Access-Accept');
    assert.equal((await login('alice', '987654321')).code, 'Access-Reject', 'a bypass code with one use works once');
    assert.equal((await login('alice', '000000')).code, 'Access-Reject');
    // Passcodes never reach the journal (or any log) in clear.
    assert.ok(duoCalls(stack).every((c) => !/\d{6}/.test(c)), duoCalls(stack).join('\n'));
  });

  test('duo_only – locked-out and unknown (enroll policy) users are rejected with Duo status', async () => {
    const locked = await login('dave', 'push');
    assert.equal(locked.code, 'Access-Reject');
    assert.match(valuesOf(locked.attributes, 'Reply-Message')[0] ?? '', /locked/i);
    const unknown = await login('nobody', 'push');
    assert.equal(unknown.code, 'Access-Reject');
    assert.match(valuesOf(unknown.attributes, 'Reply-Message')[0] ?? '', /enroll/i);
  });

  test('duo_only – missing password and missing user name (facts 34, 35)', async () => {
    const noPw = await login('alice', undefined);
    assert.equal(noPw.code, 'Access-Reject');
    assert.deepEqual(valuesOf(noPw.attributes, 'Reply-Message'), ['Missing or improperly-formatted password']);
    const noUser = await radclient({ server: `127.0.0.1:${stack.ports[0]}`, secret: SECRET, attributes: [['User-Password', 'push'], ['Message-Authenticator', '0x00']], timeoutSec: 3 });
    assert.deepEqual(valuesOf(noUser.attributes, 'Reply-Message'), ['No username provided']);
  });

  test('duo_only – a wrong shared secret fails the Message-Authenticator check: no answer (fact 38)', async () => {
    const r = await radclient({ server: `127.0.0.1:${stack.ports[0]}`, secret: 'not-the-secret', attributes: [['User-Name', 'alice'], ['User-Password', 'push'], ['Message-Authenticator', '0x00']], timeoutSec: 1 });
    assert.equal(r.code, undefined);
    assert.ok((stack.proxy.radius!.stats().dropped['ma-invalid'] ?? 0) >= 1);
  });

  test('duo_only – a retransmission is answered from the duplicate cache without a second Duo call (fact 39)', async () => {
    stack.mock.mock.control.patchUser('alice', { devices: { '1': { push: 'approve', after_ms: 1500 } } } as never);
    stack.mock.mock.journal.clear();
    // radclient resends the same packet after 1 s while the push is pending (silence), then gets the answer.
    const r = await radclient({ server: `127.0.0.1:${stack.ports[0]}`, secret: SECRET, attributes: [['User-Name', 'alice'], ['User-Password', 'push'], ['Message-Authenticator', '0x00']], timeoutSec: 1, retries: 3 });
    assert.equal(r.code, 'Access-Accept');
    assert.deepEqual(duoCalls(stack), ['preauth', 'auth auto=push']);
    assert.ok(stack.proxy.radius!.stats().duplicates.whilePending >= 1);
    stack.mock.mock.control.patchUser('alice', { devices: { '1': { push: 'approve', after_ms: 0 } } } as never);
  });
});
