// Every device profile on the wire: what reaches a RADIUS server from it (source address, attribute
// order, names known to the dictionary, Message-Authenticator or not, the password as typed), how it
// answers a challenge (State echoed), and that its retransmission schedule is the one it declares.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { entries, entryName, findValues } from '../../adapters/radius/attributes.ts';
import { createRadiusClient } from '../../adapters/radius/client.ts';
import { unhidePassword } from '../../adapters/radius/codec/password.ts';
import type { RadiusRequest } from '../../adapters/radius/server-types.ts';
import { startTestRadiusServer } from '../../adapters/radius/test-server.ts';
import { checkDeviceAttributes, resolveDevice, runDeviceLogin } from '../../simulator/device.ts';
import { PROFILES } from '../../simulator/devices/index.ts';
import { createSender } from '../../simulator/load.ts';

const SECRET = 'device-secret';

test('devices – every profile cites a source, has its own loopback address and only dictionary attributes', () => {
  const sources = new Set<string>();
  for (const p of PROFILES) {
    assert.ok(p.sources.length > 0, `${p.name} cites no source`);
    assert.match(p.sourceIp, /^127\./);
    assert.ok(!sources.has(p.sourceIp), `${p.name} shares ${p.sourceIp}`);
    sources.add(p.sourceIp);
    assert.equal(checkDeviceAttributes(resolveDevice(p.name)), undefined);
    // Every resend is sent before the device gives up on the request.
    assert.ok(p.retransmit.intervalS * p.retransmit.count <= p.timeoutS, `${p.name}: resends after its timeout`);
  }
  assert.equal(resolveDevice('cisco-asa').clientTimeoutMs, 12_000, 'AnyConnect 12 s unless raised (seed 002)');
  assert.equal(resolveDevice({ profile: 'cisco-asa', client_timeout_s: 60 }).clientTimeoutMs, 60_000);
});

for (const p of PROFILES) {
  test(`devices – ${p.name}: the Access-Request on the wire and the challenge answer`, async (t) => {
    const seen: RadiusRequest[] = [];
    const srv = await startTestRadiusServer({
      secret: SECRET,
      requireMessageAuthenticator: 'false',
      handle: (req) => {
        seen.push(req);
        // First round: a challenge with a State; second: accept.
        return seen.length === 1
          ? { kind: 'reply', code: 11, replyMessage: 'Passcode or option (1-3):', attributes: [{ type: 24, value: Buffer.from('state-1').toString('base64') }] }
          : { kind: 'reply', code: 2, replyMessage: 'Success. Logging you in...', attributes: [] };
      },
    });
    const d = resolveDevice({ profile: p.name, client_ip: '203.0.113.9' });
    const client = createRadiusClient({ secret: SECRET, bindAddress4: d.sourceIp, sockets: 1 });
    t.after(async () => {
      await client.close();
      await srv.close();
    });
    const send = createSender({ client, target: { host: '127.0.0.1', port: srv.port }, timeoutMs: 2000, messageAuthenticator: d.messageAuthenticator });
    const r = await runDeviceLogin(d, { user: 'jürgen', password: 'pässwörd✓', answers: ['1'], thinkMs: () => 0 }, send);
    assert.deepEqual([r.outcome, r.rounds, r.reply], ['accept', 2, 'Success. Logging you in...']);
    const [first, answer] = seen;
    assert.equal(first!.clientIp, p.sourceIp);
    const names = entries(first!.attributes).map(entryName);
    const expected = ['User-Name', 'User-Password', ...p.attributes.map(([n]) => n)];
    assert.deepEqual(names, p.messageAuthenticator ? ['Message-Authenticator', ...expected] : expected);
    for (const e of entries(first!.attributes)) {
      assert.ok(e.def, `${p.name}: attribute ${entryName(e)} is not in the dictionary`);
      if (e.def.valueType === 'string') assert.doesNotMatch(e.value.toString(), /\{[a-z_]+\}/, `${e.def.name} left a placeholder`);
    }
    const pw = unhidePassword(findValues(first!.attributes, 'User-Password')[0]!, SECRET, Buffer.from(first!.authenticator, 'base64'));
    assert.ok(pw.ok);
    assert.equal(pw.value.toString(p.passwordEncoding === 'latin1' ? 'latin1' : 'utf8'), 'pässwörd✓');
    assert.equal(findValues(first!.attributes, 'User-Name')[0]!.toString(), 'jürgen');
    for (const name of ['Calling-Station-Id', 'PaloAlto-Client-Source-IP', 'Tunnel-Client-Endpoint'])
      for (const v of findValues(first!.attributes, name)) assert.equal(v.toString(), '203.0.113.9', name);
    // The answer carries the typed option and the State back.
    assert.equal(findValues(answer!.attributes, 'State')[0]!.toString(), 'state-1');
    const pw2 = unhidePassword(findValues(answer!.attributes, 'User-Password')[0]!, SECRET, Buffer.from(answer!.authenticator, 'base64'));
    assert.ok(pw2.ok);
    assert.equal(pw2.value.toString(), '1');
  });
}

test('devices – retransmits on its declared schedule, then gives up and shows its no-answer text', async (t) => {
  const srv = await startTestRadiusServer({ secret: SECRET, handle: () => ({ kind: 'drop', reason: 'test' }) });
  // Resends due at 0.1, 0.2 and 0.3 s, the give-up at 1.2 s: a loaded machine's late timers cannot
  // put the give-up before the last resend.
  const d = resolveDevice({ profile: 'paloalto-globalprotect', retransmit_interval_s: 0.1, retransmit_count: 3, timeout_s: 1.2 });
  const client = createRadiusClient({ secret: SECRET, bindAddress4: d.sourceIp, sockets: 1 });
  t.after(async () => {
    await client.close();
    await srv.close();
  });
  let resent = 0;
  const send = createSender({ client, target: { host: '127.0.0.1', port: srv.port }, timeoutMs: d.timeoutMs, retransmit: d.retransmit, messageAuthenticator: d.messageAuthenticator, onRetransmit: () => resent++ });
  const r = await runDeviceLogin(d, { user: 'u', password: 'p', answers: [], thinkMs: () => 0 }, send);
  assert.equal(r.outcome, 'no_answer');
  assert.equal(r.deviceOutcome, 'Authentication failed: Invalid username or password.');
  assert.equal(resent, 3);
  // The first is dropped by the handler; the three resends are duplicates of a dropped request.
  assert.equal(srv.server.stats().received, 4);
});
