// Interop with real FreeRADIUS 3.2.1 tools, started by test/harness on loopback ephemeral ports:
// radclient (a device) against our server, and our client against radiusd (an upstream).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { LoginReply } from '../../machines/contracts.ts';
import { attr, findString } from '../../adapters/radius/attributes.ts';
import { createRadiusClient } from '../../adapters/radius/client.ts';
import { decodePasswordText, unhidePassword } from '../../adapters/radius/codec/index.ts';
import type { RadiusRequest } from '../../adapters/radius/server.ts';
import { startTestRadiusServer, type TestRadiusServer } from '../../adapters/radius/test-server.ts';
import { octets, radclient, valuesOf } from '../harness/radclient.ts';
import * as radiusd from '../harness/radiusd.ts';

const SECRET = 'interop-secret';
const haveFreeradius = existsSync('/usr/bin/radclient') && existsSync('/usr/sbin/freeradius');

/** A tiny PAP check standing in for the login engine: alice/alicepw accepted, a wrong secret caught (fact 36). */
function pap(req: RadiusRequest): LoginReply {
  const hidden = req.attributes.find((a) => a.type === 2);
  if (!hidden) return { kind: 'reply', code: 3, replyMessage: 'Missing or improperly-formatted password', attributes: [] };
  const pw = unhidePassword(Buffer.from(hidden.value, 'base64'), SECRET, Buffer.from(req.authenticator, 'base64'));
  const text = pw.ok ? decodePasswordText(pw.value) : { ok: false as const };
  if (!text.ok) return { kind: 'reply', code: 3, replyMessage: 'Cannot decode password', attributes: [] };
  const ok = findString(req.attributes, 'User-Name') === 'alice' && text.text === 'alicepw';
  return { kind: 'reply', code: ok ? 2 : 3, replyMessage: ok ? 'Welcome' : 'Denied', attributes: ok ? [attr('Class', 'grp')] : [] };
}

describe('radius interop', { skip: !haveFreeradius && 'FreeRADIUS not installed' }, () => {
  describe('radius interop – radclient against our server', () => {
    let srv: TestRadiusServer;
    const replies: LoginReply[] = [];
    before(async () => {
      srv = await startTestRadiusServer({
        secret: SECRET,
        requireMessageAuthenticator: 'false',
        handle: (req) => {
          const reply = pap(req);
          replies.push(reply);
          return reply;
        },
      });
    });
    after(() => srv.close());
    const server = () => `127.0.0.1:${srv.port}`;

    test('radius interop – PAP with Message-Authenticator: Access-Accept, MA first, verified by radclient', async () => {
      const r = await radclient({
        server: server(),
        secret: SECRET,
        attributes: [['User-Name', 'alice'], ['User-Password', 'alicepw'], ['Message-Authenticator', '0x00'], ['Proxy-State', '0x5031']],
      });
      assert.equal(r.code, 'Access-Accept', r.stderr);
      assert.equal(r.messageAuthenticatorIndex, 0);
      assert.deepEqual(valuesOf(r.attributes, 'Class'), [octets('grp')]);
      assert.deepEqual(valuesOf(r.attributes, 'Reply-Message'), ['Welcome']);
      assert.equal(r.attributes.at(-1)?.name, 'Proxy-State');
    });

    test('radius interop – PAP without Message-Authenticator, and a reject', async () => {
      const ok = await radclient({ server: server(), secret: SECRET, attributes: [['User-Name', 'alice'], ['User-Password', 'alicepw']] });
      assert.equal(ok.code, 'Access-Accept', ok.stderr);
      assert.equal(ok.messageAuthenticatorIndex, 0);
      const no = await radclient({ server: server(), secret: SECRET, attributes: [['User-Name', 'alice'], ['User-Password', 'nope']] });
      assert.equal(no.code, 'Access-Reject');
      assert.deepEqual(valuesOf(no.attributes, 'Reply-Message'), ['Denied']);
      assert.equal(no.messageAuthenticatorIndex, 0);
    });

    test('radius interop – a wrong secret: the password does not decode (fact 36), and radclient refuses our signature', async () => {
      // Unhidden with the other secret, the password is 32 pseudo-random bytes: not UTF-8 (but for ~1e-6).
      const r = await radclient({ server: server(), secret: 'wrong-secret', attributes: [['User-Name', 'alice'], ['User-Password', 'pässwörd-long-enough']] });
      assert.equal(r.code, undefined, 'radclient cannot verify a reply signed with the real secret');
      const last = replies.at(-1);
      assert.ok(last?.kind === 'reply');
      assert.equal(last.code, 3);
      assert.equal(last.replyMessage, 'Cannot decode password');
    });

    test('radius interop – Status-Server is answered with Access-Accept, MA first', async () => {
      const r = await radclient({ server: server(), secret: SECRET, code: 'status', attributes: [['Message-Authenticator', '0x00']] });
      assert.equal(r.code, 'Access-Accept', r.stderr);
      assert.equal(r.messageAuthenticatorIndex, 0);
    });
  });

  describe('radius interop – our client against radiusd', () => {
    let up: radiusd.RadiusdServer;
    before(async () => {
      up = await radiusd.start({
        clients: [{ ip: '127.0.0.1', secret: SECRET, requireMessageAuthenticator: true }],
        users: [
          { name: 'alice', password: 'alicepw', reply: [['Class', 'grp-a'], ['Cisco-AVPair', 'shell:priv-lvl=15']], replyMessage: 'Hello alice' },
          { name: 'bob', reject: true, replyMessage: 'Account locked' },
        ],
      });
    });
    after(() => up.stop());

    test('radius interop – accept with attributes, reject with message (radiusd requires our MA)', async () => {
      const c = createRadiusClient({ secret: SECRET, requireMessageAuthenticator: 'false', nasAttributes: [attr('NAS-IP-Address', '127.0.0.1')] });
      after(() => c.close());
      const to = { host: up.host, port: up.port };
      const a = await c.request(to, [attr('User-Name', 'alice'), attr('User-Password', 'alicepw')], { timeoutMs: 3000 });
      assert.ok(a.ok, a.ok ? '' : a.error);
      assert.equal(a.code, 2);
      assert.equal(findString(a.attributes, 'Reply-Message'), 'Hello alice');
      assert.equal(findString(a.attributes, 'Class'), 'grp-a');
      assert.equal(findString(a.attributes, 'Cisco-AVPair'), 'shell:priv-lvl=15');
      const wrong = await c.request(to, [attr('User-Name', 'alice'), attr('User-Password', 'bad')], { timeoutMs: 3000 });
      assert.ok(wrong.ok);
      assert.equal(wrong.code, 3);
      const b = await c.request(to, [attr('User-Name', 'bob'), attr('User-Password', 'x')], { timeoutMs: 3000 });
      assert.ok(b.ok);
      assert.equal(b.code, 3);
      assert.equal(findString(b.attributes, 'Reply-Message'), 'Account locked');
    });

    test('radius interop – require_message_authenticator=true refuses radiusd 3.2.1 replies (they carry no MA)', async () => {
      const c = createRadiusClient({ secret: SECRET, requireMessageAuthenticator: 'true' });
      after(() => c.close());
      const r = await c.request({ host: up.host, port: up.port }, [attr('User-Name', 'alice'), attr('User-Password', 'alicepw')], { timeoutMs: 500, retransmitMs: 0 });
      assert.deepEqual(r, { ok: false, error: 'timeout' });
      assert.equal(c.stats().dropped['ma-missing'], 1);
    });
  });
});
