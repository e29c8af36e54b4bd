// The project's one RADIUS load generator (simulator/load.ts): both arrival models, the device's
// retransmissions, giving up, sending without Message-Authenticator and from a chosen loopback address.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestRadiusServer } from '../../adapters/radius/test-server.ts';
import { pap, runLoad } from '../../simulator/load.ts';

const target = (port: number) => ({ host: '127.0.0.1', port });

test('load – closed model: count logins at a concurrency, every answer counted by code', async (t) => {
  let n = 0;
  const srv = await startTestRadiusServer({ secret: 's', handle: () => ({ kind: 'reply', code: n++ % 2 ? 2 : 3, attributes: [] }) });
  t.after(() => srv.close());
  const r = await runLoad({ target: target(srv.port), secret: 's', concurrency: 8, count: 200 });
  assert.equal(r.sent, 200);
  assert.equal(r.answered, 200);
  assert.deepEqual(r.codes, { 2: 100, 3: 100 });
  assert.equal(srv.server.stats().received, 200);
  assert.ok(r.p50 <= r.p99 && r.p99 <= r.max);
});

test('load – open model: arrivals follow the rate, not the answers', async (t) => {
  const srv = await startTestRadiusServer({ secret: 's', handle: async () => {
    await new Promise((r) => setTimeout(r, 300));
    return { kind: 'reply', code: 2, attributes: [] };
  } });
  t.after(() => srv.close());
  const r = await runLoad({ target: target(srv.port), secret: 's', ratePerS: 100, durationS: 0.5 });
  // 50 arrivals in 0.5 s although each answer takes 0.3 s (a closed model at concurrency 1 would do 2).
  assert.ok(r.sent >= 45 && r.sent <= 50, `sent ${r.sent}`);
  assert.equal(r.answered, r.sent);
});

test('load – retransmits as the device does, and gives up at its timeout', async (t) => {
  const srv = await startTestRadiusServer({ secret: 's', handle: async (req) => {
    await new Promise((r) => setTimeout(r, req.attributes.some((a) => a.type === 1 && Buffer.from(a.value, 'base64').toString() === 'slow') ? 2000 : 1000));
    return { kind: 'reply', code: 2, attributes: [] };
  } });
  t.after(() => srv.close());
  // Resends due at 100 and 200 ms, the answer at 1 s: wide margins, so a loaded machine's late timers
  // cannot move a resend past the answer.
  const r = await runLoad({ target: target(srv.port), secret: 's', concurrency: 1, count: 1, retransmit: { intervalMs: 100, count: 2 }, timeoutMs: 5000 });
  assert.equal(r.answered, 1);
  assert.equal(r.retransmissions, 2, 'two resends, then no more (count 2) while the answer is pending');
  assert.equal(srv.server.stats().duplicates.whilePending, 2);
  const gaveUp = await runLoad({ target: target(srv.port), secret: 's', concurrency: 1, count: 1, timeoutMs: 300, attributes: () => pap('slow', 'pw') });
  assert.deepEqual([gaveUp.answered, gaveUp.lost], [0, 1]);
});

test('load – without Message-Authenticator and from the device\'s own loopback address', async (t) => {
  const seen: { ip: string; ma: boolean }[] = [];
  const srv = await startTestRadiusServer({ secret: 's', requireMessageAuthenticator: 'false', handle: (req) => {
    seen.push({ ip: req.clientIp, ma: req.attributes.some((a) => a.type === 80) });
    return { kind: 'reply', code: 2, attributes: [] };
  } });
  t.after(() => srv.close());
  await runLoad({ target: target(srv.port), secret: 's', concurrency: 1, count: 2, bindAddress: '127.0.0.9', messageAuthenticator: false });
  await runLoad({ target: target(srv.port), secret: 's', concurrency: 1, count: 1 });
  assert.deepEqual(seen.slice(0, 2), [{ ip: '127.0.0.9', ma: false }, { ip: '127.0.0.9', ma: false }]);
  assert.equal(seen[2]!.ma, true);
});
