// radius.refuseNew(maxWaitMs) at shutdown (issue 15 §2) with no time to read the backlog: `start --grace 0`,
// or a start that failed after binding. There is then nothing to wait for, so the door closes at once:
// a new request is dropped as shutting-down, and no "did not read their shutdown marker" warning is
// logged (it used to be, on every such stop: a false alarm in the log of a failed start).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseNetwork } from '../../adapters/radius/networks.ts';
import { createRadiusServer } from '../../adapters/radius/server.ts';
import { accessRequest, logSink, settled, u, udpPeer } from './helpers.ts';

const SECRET = 'refuse-new-secret';

test('radius server – refuseNew(0) closes the door at once, without a marker warning', async (t) => {
  const { logger, lines } = logSink();
  const srv = createRadiusServer({
    logger,
    handle: () => ({ kind: 'drop', reason: 'never reached: the request is refused first' }),
    sections: [{ name: 'a', port: 0, interface: '127.0.0.1', clients: [{ cidrs: (parseNetwork('127.0.0.1') as { ok: true; cidrs: never[] }).cidrs, secret: SECRET }] }],
  });
  const l = await srv.listen();
  assert.ok(l.ok);
  const peer = await udpPeer();
  t.after(() => {
    peer.close();
    return srv.close();
  });
  await srv.refuseNew(0);
  peer.send(accessRequest(SECRET, [u(1, 'alice'), u(2, 'x')]), l.listeners[0]!.port);
  await settled(srv, 1);
  assert.deepEqual(srv.stats().dropped, { 'shutting-down': 1 });
  assert.deepEqual(lines().filter((x) => x.event === 'radius_backlog_marker_missed'), []);
});
