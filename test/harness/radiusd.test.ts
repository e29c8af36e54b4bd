import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { freePort } from './ports.ts';
import { octets, type RadclientPair, radclient, valuesOf } from './radclient.ts';
import * as radiusd from './radiusd.ts';

const SECRET = 'harness-secret "quoted" $x';

/** Whether a UDP port on 127.0.0.1 can be bound (nobody else holds it). */
function udpPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

const login = (user: string, password: string, extra: RadclientPair[] = []): RadclientPair[] => [
  ['User-Name', user],
  ['User-Password', password],
  ['Message-Authenticator', '0x00'],
  ...extra,
];

describe('harness radiusd', { concurrency: true }, () => {
  let srv: radiusd.RadiusdServer;
  before(async () => {
    srv = await radiusd.start({
      clients: [{ ip: '127.0.0.1', secret: SECRET, requireMessageAuthenticator: true }],
      users: [
        {
          name: 'alice',
          password: 'alice pw',
          reply: [
            ['Class', 'grp-a'],
            ['Filter-Id', 'vpn'],
            ['Reply-Message', 'Welcome,\n"alice" 100% %{User-Name}'],
            ['Cisco-AVPair', 'shell:priv-lvl=15'],
          ],
        },
        { name: 'bob', reject: true, replyMessage: 'Account locked' },
        { name: 'silent', password: 'pw', response: 'none' },
        {
          name: 'carol',
          password: 'pw',
          response: 'challenge',
          reply: [
            ['Message-Authenticator', '0x00'],
            ['State', '0xc0ffee'],
            ['Reply-Message', 'Enter code'],
          ],
        },
      ],
    });
  });
  after(() => srv.stop());

  test('radiusd – accepts a user and returns the reply attributes in order, VSA and Class included', async () => {
    const r = await radclient({ server: srv.address, secret: SECRET, attributes: login('alice', 'alice pw') });
    assert.equal(r.code, 'Access-Accept');
    assert.deepEqual(r.attributes, [
      { name: 'Class', value: octets('grp-a') },
      { name: 'Filter-Id', value: 'vpn' },
      { name: 'Reply-Message', value: 'Welcome,\n"alice" 100% %{User-Name}' },
      { name: 'Cisco-AVPair', value: 'shell:priv-lvl=15' },
    ]);
    // FreeRADIUS 3.2.1 adds no Message-Authenticator to an Accept unless configured to
    assert.equal(r.messageAuthenticatorIndex, -1);
  });

  test('radiusd – a wrong password gets a Reject without the accept attributes', async () => {
    const r = await radclient({ server: srv.address, secret: SECRET, attributes: login('alice', 'wrong') });
    assert.equal(r.code, 'Access-Reject');
    assert.deepEqual(valuesOf(r.attributes, 'Class'), []);
    assert.deepEqual(valuesOf(r.attributes, 'Cisco-AVPair'), []);
  });

  test('radiusd – a reject user gets a Reject with its Reply-Message', async () => {
    const r = await radclient({ server: srv.address, secret: SECRET, attributes: login('bob', 'anything') });
    assert.equal(r.code, 'Access-Reject');
    assert.deepEqual(r.attributes, [{ name: 'Reply-Message', value: 'Account locked' }]);
  });

  test('radiusd – a challenge user gets a Challenge with State and a Message-Authenticator first', async () => {
    const r = await radclient({ server: srv.address, secret: SECRET, attributes: login('carol', 'pw') });
    assert.equal(r.code, 'Access-Challenge');
    assert.deepEqual(valuesOf(r.attributes, 'State'), ['0xc0ffee']);
    assert.equal(r.messageAuthenticatorIndex, 0);
    assert.match(r.attributes[0]?.value ?? '', /^0x[0-9a-f]{32}$/);
  });

  test('radiusd – the silent user gets no answer at all', async () => {
    const r = await radclient({ server: srv.address, secret: SECRET, attributes: login('silent', 'pw') });
    assert.equal(r.code, undefined);
    assert.match(r.stdout, /No reply from server/);
  });

  test('radiusd – require_message_authenticator drops a request without one', async () => {
    const r = await radclient({
      server: srv.address,
      secret: SECRET,
      attributes: [
        ['User-Name', 'alice'],
        ['User-Password', 'alice pw'],
      ],
    });
    assert.equal(r.code, undefined);
  });

  test('radclient – sends from the requested source port', async () => {
    const sourcePort = await freePort('udp');
    const r = await radclient({ server: srv.address, secret: SECRET, attributes: login('alice', 'alice pw'), sourcePort });
    assert.equal(r.code, 'Access-Accept');
    const received = r.packets.find((p) => p.direction === 'Received');
    assert.equal(received?.to, `127.0.0.1:${sourcePort}`);
  });
});

describe('harness radiusd lifecycle', () => {
  test('radiusd – stop() frees the port and removes the temp dir', async () => {
    const srv = await radiusd.start();
    assert.equal(srv.secret, 'testing123');
    assert.equal(await udpPortFree(srv.port), false);
    await srv.stop();
    await srv.stop(); // idempotent
    assert.equal(existsSync(srv.dir), false);
    assert.equal(await udpPortFree(srv.port), true);
  });

  test('radiusd – a start failure throws with the log tail and leaves no temp dir', async () => {
    const failure = radiusd.start({ clients: [{ ip: '999.0.0.1', secret: 's' }] });
    const error = await failure.then(
      () => assert.fail('start should fail'),
      (e: unknown) => e as Error,
    );
    assert.match(error.message, /exited .* before it was ready/);
    assert.match(error.message, /999\.0\.0\.1/);
    const dir = /(\/\S+authproxy-radiusd-[^/\s]+)\//.exec(error.message)?.[1];
    assert.ok(dir, 'the message names the log file');
    assert.equal(existsSync(dir), false);
  });

  test('radiusd – refuses a client secret its config syntax cannot carry', async () => {
    await assert.rejects(radiusd.start({ clients: [{ ip: '127.0.0.1', secret: 'back\\slash' }] }), /backslash/);
  });
});
