// RadiusServer.reconfigure (SIGHUP, ops/reload.ts): a port that stays keeps its socket and takes the new
// secret; a new port that cannot be bound changes nothing; a dropped port answers the request it already
// read, refuses new ones and is released.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { test } from 'node:test';
import { decodePacket } from '../../adapters/radius/codec/index.ts';
import { parseNetwork } from '../../adapters/radius/networks.ts';
import { createRadiusServer, type ServerSection } from '../../adapters/radius/server.ts';
import type { LoginReply } from '../../machines/contracts.ts';
import { freePort } from '../harness/ports.ts';
import { accessRequest, u, udpPeer } from './helpers.ts';

const section = (name: string, port: number, secret: string): ServerSection => ({
  name,
  port,
  interface: '127.0.0.1',
  clients: [{ cidrs: (parseNetwork('127.0.0.1') as { ok: true; cidrs: never }).cidrs, secret }],
});

const replyOk = (bytes: Buffer | undefined, request: Buffer, secret: string) =>
  bytes !== undefined && decodePacket(bytes, { secret, requireMessageAuthenticator: true, requestAuthenticator: request.subarray(4, 20) }).ok;

test('radius reconfigure – kept port takes the new secret, a failed bind changes nothing, a dropped port drains and is released', async (t) => {
  const [a, b] = [await freePort('udp'), await freePort('udp')];
  let release: ((r: LoginReply) => void) | undefined;
  const srv = createRadiusServer({
    sections: [section('s1', a, 'old-secret')],
    // The first request waits until the test releases it: it is in flight across the reconfigure.
    handle: () => (release ? { kind: 'reply', code: 2, replyMessage: 'ok', attributes: [] } : new Promise<LoginReply>((r) => (release = r))),
  });
  assert.ok((await srv.listen()).ok);
  t.after(() => srv.close());
  const peer = await udpPeer();
  t.after(() => peer.close());

  // In flight on port a, signed with the old secret.
  const first = accessRequest('old-secret', [u(1, 'alice'), u(2, 'pw')], 1);
  peer.send(first, a);
  while (!release) await new Promise((r) => setTimeout(r, 5));

  // Port b is taken by someone else: the reload fails and a keeps its old secret.
  const squatter = createSocket('udp4');
  await new Promise<void>((r) => squatter.bind(b, '127.0.0.1', () => r()));
  const failed = await srv.reconfigure([section('s1', a, 'new-secret'), section('s2', b, 'b-secret')]);
  assert.equal(failed.ok, false);
  await new Promise<void>((r) => squatter.close(() => r()));

  // Now it succeeds: a moves to port b only (s1 on b), so a is retired while its request is in flight.
  const moved = await srv.reconfigure([section('s1', b, 'new-secret')]);
  assert.ok(moved.ok);
  assert.deepEqual(moved.ok && moved.listeners.map((l) => l.port), [b]);
  release!({ kind: 'reply', code: 2, replyMessage: 'ok', attributes: [] });
  assert.ok(replyOk(await peer.next(), first, 'old-secret'), 'the request in flight is answered on a, with the secret it came with');

  const onB = accessRequest('new-secret', [u(1, 'alice'), u(2, 'pw')], 2);
  peer.send(onB, b);
  assert.ok(replyOk(await peer.next(), onB, 'new-secret'), 'b serves with the new secret');

  // a is released once its last answer went out (the send callback may come just after the peer has it).
  const tryBind = () =>
    new Promise<boolean>((resolve) => {
      const s = createSocket('udp4');
      s.once('error', () => s.close(() => resolve(false)));
      s.bind(a, '127.0.0.1', () => s.close(() => resolve(true)));
    });
  let free = false;
  for (let i = 0; i < 40 && !free; i++) if (!(free = await tryBind())) await new Promise((r) => setTimeout(r, 25));
  assert.ok(free, 'port a released');
});
