// The RADIUS client: reply matching (id AND source), authenticator and Message-Authenticator checks,
// caller-driven retransmission, and more than 256 requests in flight to one upstream.
import assert from 'node:assert/strict';
import type { RemoteInfo } from 'node:dgram';
import { describe, test } from 'node:test';
import { attr } from '../../adapters/radius/attributes.ts';
import { createRadiusClient } from '../../adapters/radius/client.ts';
import {
  computeResponseAuthenticator,
  decodePacket,
  decodePasswordText,
  encodeReply,
  type Packet,
  unhidePassword,
} from '../../adapters/radius/codec/index.ts';
import { startTestRadiusServer } from '../../adapters/radius/test-server.ts';
import { type Peer, udpPeer } from './helpers.ts';

const SECRET = 'testing123';

/** A scripted upstream: decodes each request and lets the test decide what to send back. */
async function fakeUpstream(onRequest: (p: Packet, rinfo: RemoteInfo, self: Peer) => void): Promise<Peer> {
  const peer = await udpPeer();
  peer.socket.on('message', (m, rinfo) => {
    const r = decodePacket(m, { secret: SECRET, requireMessageAuthenticator: true });
    if (r.ok) onRequest(r.packet, rinfo, peer);
  });
  return peer;
}

/** A correctly signed reply without Message-Authenticator (what FreeRADIUS 3.2.1 sends). */
function replyWithoutMa(req: Packet, code: number, secret = SECRET): Buffer {
  const b = Buffer.alloc(20);
  b[0] = code;
  b[1] = req.id;
  b.writeUInt16BE(20, 2);
  computeResponseAuthenticator(b, req.authenticator, secret).copy(b, 4);
  return b;
}

describe('radius client', () => {
  test('radius client – Access-Request to our server: MA first, password hidden, reply verified', async (t) => {
    let password = '';
    let firstType = 0;
    const srv = await startTestRadiusServer({
      requireMessageAuthenticator: 'true',
      handle: (req) => {
        firstType = req.attributes[0]!.type;
        const hidden = Buffer.from(req.attributes.find((a) => a.type === 2)!.value, 'base64');
        const pw = unhidePassword(hidden, SECRET, Buffer.from(req.authenticator, 'base64'));
        password = pw.ok && decodePasswordText(pw.value).ok ? pw.value.toString('utf8') : '';
        return { kind: 'reply', code: 2, replyMessage: 'hi', attributes: [attr('Class', 'c')] };
      },
    });
    const client = createRadiusClient({ secret: SECRET, nasAttributes: [attr('NAS-IP-Address', '127.0.0.1')] });
    t.after(() => { client.close(); return srv.close(); });
    const r = await client.request({ host: '127.0.0.1', port: srv.port }, [attr('User-Name', 'alice'), attr('User-Password', 'pässwörd')]);
    assert.ok(r.ok);
    assert.equal(r.code, 2);
    assert.deepEqual(r.attributes.map((a) => a.type), [80, 25, 18]);
    assert.equal(password, 'pässwörd');
    assert.equal(firstType, 80);
  });

  test('radius client – replies from another port or with a bad authenticator are dropped; the right one is taken', async (t) => {
    const rogue = await udpPeer();
    const up = await fakeUpstream((p, rinfo, self) => {
      const good = encodeReply(p, 2, [], SECRET);
      const forged = encodeReply(p, 2, [], 'wrong-secret');
      assert.ok(good.ok && forged.ok);
      rogue.send(good.bytes, rinfo.port); // right bytes, wrong source port
      self.send(forged.bytes, rinfo.port); // right source, wrong secret
      setTimeout(() => self.send(good.bytes, rinfo.port), 20);
    });
    const client = createRadiusClient({ secret: SECRET, sockets: 1 });
    t.after(() => { client.close(); up.close(); return rogue.close(); });
    const r = await client.request({ host: '127.0.0.1', port: up.port() }, [attr('User-Name', 'a')], { retransmitMs: 0 });
    assert.ok(r.ok);
    assert.equal(r.from.port, up.port());
    assert.deepEqual(client.stats().dropped, { 'unknown-source': 1, 'bad-authenticator': 1 });
  });

  test('radius client – require_message_authenticator for replies: true / false / auto', async (t) => {
    const up = await fakeUpstream((p, rinfo, self) => {
      const withMa = p.attributes.some((a) => a.type === 1 && a.value.toString() === 'ma');
      if (withMa) {
        const r = encodeReply(p, 2, [], SECRET);
        assert.ok(r.ok);
        self.send(r.bytes, rinfo.port);
      } else self.send(replyWithoutMa(p, 3), rinfo.port);
    });
    t.after(() => up.close());
    const to = { host: '127.0.0.1', port: up.port() };
    const ask = async (policy: 'true' | 'false' | 'auto', users: string[]) => {
      const c = createRadiusClient({ secret: SECRET, requireMessageAuthenticator: policy });
      t.after(() => c.close());
      const out: string[] = [];
      for (const user of users) {
        const r = await c.request(to, [attr('User-Name', user)], { timeoutMs: 300, retransmitMs: 0 });
        out.push(r.ok ? String(r.code) : r.error);
      }
      return out;
    };
    assert.deepEqual(await ask('true', ['plain', 'ma']), ['timeout', '2']);
    assert.deepEqual(await ask('false', ['plain', 'ma', 'plain']), ['3', '2', '3']);
    assert.deepEqual(await ask('auto', ['plain', 'ma', 'plain']), ['3', '2', 'timeout']);
  });

  test('radius client – the caller drives sends: a retransmission is the same bytes; cancel frees the request', async (t) => {
    const got: Buffer[] = [];
    const up = await udpPeer();
    up.socket.on('message', (m) => got.push(m));
    const client = createRadiusClient({ secret: SECRET });
    t.after(() => { client.close(); return up.close(); });
    const o = client.open({ attributes: [attr('User-Name', 'a'), attr('User-Password', 'p')], upstreams: [{ host: '127.0.0.1', port: up.port() }] });
    assert.ok(o.ok);
    o.exchange.send({ host: '127.0.0.1', port: up.port() });
    o.exchange.send({ host: '127.0.0.1', port: up.port() });
    while (got.length < 2) await new Promise((r) => setTimeout(r, 2));
    assert.deepEqual(got[0], got[1]);
    assert.equal(got[0]![1], o.exchange.identifier);
    o.exchange.cancel();
    assert.deepEqual(await o.exchange.reply, { ok: false, error: 'cancelled' });
    assert.equal(client.stats().inFlight, 0);
    const timedOut = await client.request({ host: '127.0.0.1', port: up.port() }, [attr('User-Name', 'a')], { timeoutMs: 50, retransmitMs: 0 });
    assert.deepEqual(timedOut, { ok: false, error: 'timeout' });
    const tooLong = await client.request({ host: '127.0.0.1', port: up.port() }, [attr('User-Password', 'x'.repeat(241))]);
    assert.deepEqual(tooLong, { ok: false, error: 'not-sent', reason: 'password-too-long' });
  });

  test('radius client – more than 256 in flight to one upstream do not collide; the limit is reported', async (t) => {
    const N = 700;
    const held: [Packet, number][] = [];
    const up = await fakeUpstream((p, rinfo, self) => {
      held.push([p, rinfo.port]);
      // Answer only once every request is in flight, so all N are outstanding together.
      if (held.length === N)
        for (const [q, port] of held) {
          const r = encodeReply(q, 2, [], SECRET);
          assert.ok(r.ok);
          self.send(r.bytes, port);
        }
    });
    const client = createRadiusClient({ secret: SECRET, sockets: 4 });
    t.after(() => { client.close(); return up.close(); });
    const to = { host: '127.0.0.1', port: up.port() };
    const results = await Promise.all(Array.from({ length: N }, (_, i) => client.request(to, [attr('User-Name', `u${i}`)], { timeoutMs: 10_000, retransmitMs: 0 })));
    assert.equal(results.filter((r) => r.ok).length, N);
    assert.equal(new Set(held.map(([p, port]) => `${port}:${p.id}`)).size, N, 'every (socket, id) distinct');

    const small = createRadiusClient({ secret: SECRET, sockets: 1 });
    t.after(() => small.close());
    const open = Array.from({ length: 256 }, () => small.open({ attributes: [], upstreams: [to] }));
    assert.ok(open.every((o) => o.ok));
    assert.deepEqual(small.open({ attributes: [], upstreams: [to] }), { ok: false, error: 'too-many-requests' });
    for (const o of open) if (o.ok) o.exchange.cancel();
    assert.ok(small.open({ attributes: [], upstreams: [to] }).ok);
  });
});
