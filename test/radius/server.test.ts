// The UDP server: the receive path of reference §5.1 in order, Message-Authenticator policies,
// Status-Server, duplicates, handler failures, counters and rate-limited drop logs.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LoginReply } from '../../machines/contracts.ts';
import { attr } from '../../adapters/radius/attributes.ts';
import { decodePacket, encodeRequest } from '../../adapters/radius/codec/index.ts';
import { parseNetwork } from '../../adapters/radius/networks.ts';
import { createRadiusServer, type RadiusRequest, type RadiusServerStats } from '../../adapters/radius/server.ts';
import { startTestRadiusServer } from '../../adapters/radius/test-server.ts';
import { accessRequest, logSink, settled, u, udpPeer, withoutMa } from './helpers.ts';

const SECRET = 'testing123';
const accept = (): LoginReply => ({ kind: 'reply', code: 2, replyMessage: 'ok', attributes: [] });
const total = (s: RadiusServerStats) =>
  s.answered + Object.values(s.dropped).reduce((a, b) => a + (b ?? 0), 0) + s.duplicates.resent + s.duplicates.whilePending + s.duplicates.afterDrop + s.inFlight;

function verifyReply(bytes: Buffer, request: Buffer, secret = SECRET) {
  const r = decodePacket(bytes, { secret, requireMessageAuthenticator: true, requestAuthenticator: request.subarray(4, 20) });
  assert.ok(r.ok, r.ok ? '' : r.reason);
  assert.equal(r.packet.attributes[0]!.type, 80, 'Message-Authenticator first');
  return r.packet;
}

describe('radius server', () => {
  test('radius server – hands the handler plain data and answers signed, MA first, Proxy-State last in order', async (t) => {
    const seen: RadiusRequest[] = [];
    const srv = await startTestRadiusServer({
      handle: (req) => {
        seen.push(req);
        return { kind: 'reply', code: 2, replyMessage: 'Welcome', attributes: [attr('Class', 'grp'), attr('Reply-Message', 'replaced')] };
      },
    });
    const peer = await udpPeer();
    t.after(() => { peer.close(); return srv.close(); });
    const req = accessRequest(SECRET, [u(1, 'alice'), u(2, 'pw'), u(33, 'P1'), u(33, 'P2')], 17);
    peer.send(req, srv.port);
    const reply = verifyReply(await peer.next(), req);
    assert.equal(reply.code, 2);
    assert.equal(reply.id, 17);
    assert.deepEqual(
      reply.attributes.slice(1).map((a) => [a.type, a.value.toString()]),
      [[25, 'grp'], [18, 'Welcome'], [33, 'P1'], [33, 'P2']],
    );
    const r = seen[0]!;
    assert.equal(r.server, 'radius_server_test');
    assert.equal(r.clientIp, '127.0.0.1');
    assert.equal(r.clientPort, peer.port());
    assert.equal(r.identifier, 17);
    assert.equal(r.code, 1);
    assert.equal(r.authenticator, req.subarray(4, 20).toString('base64'));
    assert.deepEqual(r.attributes.map((a) => a.type), [80, 1, 2, 33, 33]);
    assert.ok(!JSON.stringify(r).includes(SECRET), 'the secret is not in the request');
  });

  test('radius server – unknown client, framing errors and other codes are dropped, counted and never answered', async (t) => {
    const { logger, lines } = logSink();
    const srv = createRadiusServer({
      logger,
      handle: accept,
      sections: [
        { name: 'a', port: 0, interface: '127.0.0.1', clients: [{ cidrs: (parseNetwork('127.0.0.2') as { ok: true; cidrs: never[] }).cidrs, secret: SECRET }] },
      ],
    });
    const l = await srv.listen();
    assert.ok(l.ok);
    const port = l.listeners[0]!.port;
    const stranger = await udpPeer();
    const known = await udpPeer('udp4', '127.0.0.2');
    t.after(() => { stranger.close(); known.close(); return srv.close(); });
    stranger.send(accessRequest(SECRET, [u(1, 'x')]), port);
    known.send(Buffer.from([1, 2, 0, 30, 0]), port);
    const acct = encodeRequest({ id: 3, secret: SECRET, attributes: [] });
    assert.ok(acct.ok);
    acct.bytes[0] = 4;
    known.send(acct.bytes, port);
    await settled(srv, 3);
    const s = srv.stats();
    assert.deepEqual(s.dropped, { 'unknown-client': 1, 'too-short': 1, 'wrong-code': 1 });
    assert.equal(s.answered, 0);
    assert.equal(stranger.received.length + known.received.length, 0);
    const drops = lines().filter((l) => l.event === 'radius_drop');
    assert.ok(drops.some((d) => d.msg === `dropping packet from 127.0.0.1:${stranger.port()} - Unknown Client: 127.0.0.1`));
    assert.ok(drops.some((d) => String(d.msg).endsWith('non-AccessRequest packet received')));
  });

  test('radius server – Status-Server with MA gets Access-Accept with MA first; without MA it is dropped', async (t) => {
    let called = 0;
    const srv = await startTestRadiusServer({ handle: () => {
        called++;
        return accept();
      },
    });
    const peer = await udpPeer();
    t.after(() => { peer.close(); return srv.close(); });
    const st = encodeRequest({ code: 12, id: 5, secret: SECRET, attributes: [] });
    assert.ok(st.ok);
    peer.send(withoutMa(st.bytes), srv.port);
    peer.send(st.bytes, srv.port);
    const reply = verifyReply(await peer.next(), st.bytes);
    assert.equal(reply.code, 2);
    await settled(srv, 2);
    assert.equal(srv.server.stats().dropped['ma-missing'], 1);
    assert.equal(srv.server.stats().statusServer, 1);
    assert.equal(called, 0, 'the login handler is not involved');
  });

  test('radius server – require_message_authenticator true / false / auto', async (t) => {
    const run = async (policy: 'true' | 'false' | 'auto', packets: Buffer[]) => {
      const srv = await startTestRadiusServer({ handle: accept, requireMessageAuthenticator: policy });
      const peer = await udpPeer();
      t.after(() => { peer.close(); return srv.close(); });
      for (const p of packets) {
        peer.send(p, srv.port);
        await settled(srv, srv.server.stats().received + 1);
      }
      return srv.server.stats();
    };
    const signed = (id: number) => accessRequest(SECRET, [u(1, 'a'), u(2, 'p')], id);
    const bad = (id: number) => {
      const b = signed(id);
      b[25]! ^= 1;
      return b;
    };
    const s1 = await run('true', [withoutMa(signed(1)), signed(2), bad(3)]);
    assert.deepEqual([s1.answered, s1.dropped], [1, { 'ma-missing': 1, 'ma-invalid': 1 }]);
    const s2 = await run('false', [withoutMa(signed(1)), signed(2), bad(3)]);
    assert.deepEqual([s2.answered, s2.dropped], [2, { 'ma-invalid': 1 }]);
    // auto: accepted without MA until the client has once sent a valid one; required from then on.
    const s3 = await run('auto', [withoutMa(signed(1)), bad(2), withoutMa(signed(3)), signed(4), withoutMa(signed(5))]);
    assert.deepEqual([s3.answered, s3.dropped], [3, { 'ma-invalid': 1, 'ma-missing': 1 }]);
  });

  test('radius server – limit_proxy_state drops Proxy-State without MA, allows it with MA', async (t) => {
    const srv = await startTestRadiusServer({ handle: accept, requireMessageAuthenticator: 'false', limitProxyState: true });
    const peer = await udpPeer();
    t.after(() => { peer.close(); return srv.close(); });
    peer.send(withoutMa(accessRequest(SECRET, [u(1, 'a'), u(33, 'x')], 1)), srv.port);
    peer.send(withoutMa(accessRequest(SECRET, [u(1, 'a')], 2)), srv.port);
    peer.send(accessRequest(SECRET, [u(1, 'a'), u(33, 'x')], 3), srv.port);
    await settled(srv, 3);
    assert.deepEqual(srv.server.stats().dropped, { 'proxy-state-without-ma': 1 });
    assert.equal(srv.server.stats().answered, 2);
  });

  test('radius server – retransmissions: nothing while pending, identical bytes once answered, new content is new', async (t) => {
    let now = 1_000_000;
    const calls: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const srv = await startTestRadiusServer({
      handle: async (req) => {
        calls.push(req.identifier);
        await gate;
        return { kind: 'reply', code: 3, replyMessage: `n${calls.length}`, attributes: [] };
      },
      extra: { now: () => now },
    });
    const peer = await udpPeer();
    t.after(() => { peer.close(); return srv.close(); });
    const req = accessRequest(SECRET, [u(1, 'alice'), u(2, 'pw')], 9);
    peer.send(req, srv.port);
    peer.send(req, srv.port);
    await new Promise((r) => setImmediate(r));
    while (srv.server.stats().received < 2) await new Promise((r) => setTimeout(r, 2));
    assert.equal(srv.server.stats().duplicates.whilePending, 1);
    release();
    const first = await peer.next();
    peer.send(req, srv.port);
    const again = await peer.next();
    assert.deepEqual(again, first, 'byte-identical resend');
    assert.deepEqual(calls, [9], 'the handler ran once');
    // Same key, new authenticator: a new request.
    const other = accessRequest(SECRET, [u(1, 'alice'), u(2, 'pw')], 9);
    peer.send(other, srv.port);
    verifyReply(await peer.next(), other);
    // 30 s after the answer the cached entry is gone: the same bytes are a new request again.
    now += 30_001;
    peer.send(other, srv.port);
    await peer.next();
    assert.deepEqual(calls, [9, 9, 9]);
    const s = srv.server.stats();
    assert.equal(s.duplicates.resent, 1);
    assert.equal(total(s), s.received);
  });

  test('radius server – a handler that drops, throws or rejects never crashes and is never answered; retransmits are ignored', async (t) => {
    const modes = ['drop', 'throw', 'reject', 'long-attr', 'garbage', 'bad-type'];
    let n = 0;
    const srv = await startTestRadiusServer({
      handle: (req) => {
        n++;
        const mode = modes[req.identifier]!;
        if (mode === 'throw') throw new Error('boom');
        if (mode === 'reject') return Promise.reject(new Error('boom'));
        if (mode === 'long-attr') return { kind: 'reply', code: 2, attributes: [{ type: 25, value: Buffer.alloc(300).toString('base64') }] };
        if (mode === 'garbage') return undefined as unknown as LoginReply;
        if (mode === 'bad-type') return { kind: 'reply', code: 2, attributes: [{ type: 300, value: '' }] };
        return { kind: 'drop', reason: 'test' };
      },
    });
    const peer = await udpPeer();
    t.after(() => { peer.close(); return srv.close(); });
    const reqs = modes.map((_, id) => accessRequest(SECRET, [u(1, 'a')], id));
    for (const r of reqs) peer.send(r, srv.port);
    await settled(srv, 6);
    peer.send(reqs[0]!, srv.port);
    await settled(srv, 7);
    const s = srv.server.stats();
    assert.deepEqual(s.dropped, { 'handler-drop': 1, 'handler-error': 3, 'encode-error': 2 });
    assert.equal(s.duplicates.afterDrop, 1);
    assert.equal(n, 6);
    assert.equal(peer.received.length, 0);
    assert.equal(total(s), s.received);
  });

  test('radius server – a Reply-Message over 253 bytes is split across several attributes', async (t) => {
    const msg = `${'ä'.repeat(150)}${'x'.repeat(100)}`;
    const srv = await startTestRadiusServer({ handle: () => ({ kind: 'reply', code: 3, replyMessage: msg, attributes: [] }) });
    const peer = await udpPeer();
    t.after(() => { peer.close(); return srv.close(); });
    const req = accessRequest(SECRET, [u(1, 'a')]);
    peer.send(req, srv.port);
    const reply = verifyReply(await peer.next(), req);
    const rm = reply.attributes.filter((a) => a.type === 18);
    assert.equal(rm.length, 2);
    assert.equal(Buffer.concat(rm.map((a) => a.value)).toString('utf8'), msg);
  });

  test('radius server – drop logs are rate limited per reason and client, with the suppressed count', async (t) => {
    let now = 0;
    const { logger, lines } = logSink();
    const srv = await startTestRadiusServer({ handle: accept, clients: ['10.0.0.0/8'], extra: { logger, now: () => now, dropLogIntervalMs: 60_000 } });
    const peer = await udpPeer();
    t.after(() => { peer.close(); return srv.close(); });
    for (let i = 0; i < 5; i++) peer.send(accessRequest(SECRET, [u(1, 'a')], i), srv.port);
    await settled(srv, 5);
    now += 60_000;
    peer.send(accessRequest(SECRET, [u(1, 'a')], 9), srv.port);
    await settled(srv, 6);
    const drops = lines().filter((l) => l.event === 'radius_drop');
    assert.equal(drops.length, 2);
    assert.equal(drops[1]!.suppressed, 4);
    assert.match(String(drops[1]!.msg), /\(4 similar suppressed\)$/);
    assert.equal(srv.server.stats().dropped['unknown-client'], 6);
  });

  test('radius server – sections sharing a listener: the most specific network picks section and secret', async (t) => {
    const seen: string[] = [];
    const net = (s: string) => (parseNetwork(s) as { ok: true; cidrs: never[] }).cidrs;
    const srv = createRadiusServer({
      handle: (r) => {
        seen.push(r.server);
        return accept();
      },
      sections: [
        { name: 'wide', port: 0, interface: '127.0.0.1', clients: [{ cidrs: net('127.0.0.0/8'), secret: 'wide-secret' }] },
        { name: 'narrow', port: 0, interface: '127.0.0.1', clients: [{ cidrs: net('127.0.0.3'), secret: 'narrow-secret' }] },
      ],
    });
    const l = await srv.listen();
    assert.ok(l.ok);
    assert.equal(l.listeners.length, 1, 'one listener per (port, interface)');
    const a = await udpPeer('udp4', '127.0.0.1');
    const b = await udpPeer('udp4', '127.0.0.3');
    t.after(() => { a.close(); b.close(); return srv.close(); });
    const ra = accessRequest('wide-secret', [u(1, 'x')]);
    const rb = accessRequest('narrow-secret', [u(1, 'y')]);
    a.send(ra, l.listeners[0]!.port, '127.0.0.1');
    verifyReply(await a.next(), ra, 'wide-secret');
    b.send(rb, l.listeners[0]!.port, '127.0.0.1');
    verifyReply(await b.next(), rb, 'narrow-secret');
    assert.deepEqual(seen, ['wide', 'narrow']);
  });

  test('radius server – interface "" serves IPv4 and IPv6 clients on one port', async (t) => {
    const srv = await startTestRadiusServer({ handle: accept, interface: '' });
    const v4 = await udpPeer('udp4');
    t.after(() => { v4.close(); return srv.close(); });
    const r4 = accessRequest(SECRET, [u(1, 'x')]);
    v4.send(r4, srv.port, '127.0.0.1');
    verifyReply(await v4.next(), r4);
    let v6: Awaited<ReturnType<typeof udpPeer>> | undefined;
    try {
      v6 = await udpPeer('udp6');
    } catch {
      t.diagnostic('no IPv6 loopback on this machine; IPv6 half skipped');
      return;
    }
    t.after(() => v6?.close());
    const r6 = accessRequest(SECRET, [u(1, 'y')]);
    v6.send(r6, srv.port, '::1');
    verifyReply(await v6.next(), r6);
  });

  test('radius server – receive buffer: the granted size is reported, and a capped one is logged with the sysctl', async (t) => {
    const { logger, lines } = logSink();
    const srv = await startTestRadiusServer({ handle: accept, extra: { logger, receiveBufferBytes: 1024 * 1024 * 1024 } });
    t.after(() => srv.close());
    const warn = lines().find((l) => l.event === 'radius_rcvbuf_capped');
    assert.ok(warn, 'a 1 GiB buffer is always capped');
    assert.match(String(warn.msg), /sysctl -w net\.core\.rmem_max=/);
    assert.ok(Number(warn.granted) < 1024 * 1024 * 1024, 'the message reports what was granted, below the request');
  });

  test('radius server – close() discards pending answers and counts them', async (t) => {
    const srv = await startTestRadiusServer({ handle: () => new Promise<LoginReply>((r) => setTimeout(() => r(accept()), 50)) });
    const peer = await udpPeer();
    t.after(() => peer.close());
    peer.send(accessRequest(SECRET, [u(1, 'a')]), srv.port);
    while (srv.server.stats().inFlight === 0) await new Promise((r) => setTimeout(r, 2));
    await srv.close();
    while (srv.server.stats().inFlight > 0) await new Promise((r) => setTimeout(r, 5));
    assert.equal(srv.server.stats().dropped.closed, 1);
    assert.equal(peer.received.length, 0);
  });

  test('radius server – listen() fails cleanly on a port in use', async (t) => {
    const first = await startTestRadiusServer({ handle: accept });
    t.after(() => first.close());
    const second = createRadiusServer({ handle: accept, sections: [{ name: 's', port: first.port, interface: '127.0.0.1', clients: [] }] });
    const r = await second.listen();
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.error : '', /cannot listen on 127\.0\.0\.1:\d+/);
  });
});
