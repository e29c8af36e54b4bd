// Reference §18 facts about packets, through real UDP (radclient, and our client bound to other
// loopback addresses as other devices): unknown client (37), Proxy-State (40), ranges (41), the most
// specific network across sections sharing a port (42) and a long Duo status (45, a deliberate
// deviation: split across Reply-Message attributes instead of no answer).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { radclient, valuesOf } from '../harness/radclient.ts';
import { device } from './device.ts';
import { SECRET, type Stack, startStack } from './stack.ts';

const LONG = `Success. ${'Logging you in, with a very long message from Duo. '.repeat(6)}Done.`;

describe('e2e transport facts', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack(
      {
        new_user_policy: 'deny',
        texts: { success: LONG },
        users: { alice: { status: 'active', devices: [{ type: 'phone', number: 'XXX-XXX-1234', capabilities: ['push'], push: 'approve' }] } },
      } as never,
      [
        // Two sections on one port: a range (two /32s) and the whole of 127/8 (less specific).
        `[radius_server_duo_only]\n\${DUO}\nradius_ip_1=127.0.0.1-127.0.0.2\nradius_secret_1=${SECRET}\nport=\${PORT0}\n`,
        `[radius_server_duo_only2]\n\${DUO}\nradius_ip_1=127.0.0.0/8\nradius_secret_1=${SECRET}\nport=\${PORT0}\nexempt_username_1=alice\n`,
        `[radius_server_duo_only3]\n\${DUO}\nradius_ip_1=127.0.0.1\nradius_secret_1=${SECRET}\nport=\${PORT1}\n`,
      ].join('\n'),
    );
  });
  after(() => stack.stop());

  test('fact 41/42 – a range and the most specific network pick the section; 127.0.0.3 falls to 127/8', async () => {
    const inRange = device(stack.ports[0]!, { bind: '127.0.0.2' });
    const outside = device(stack.ports[0]!, { bind: '127.0.0.3' });
    try {
      const a = await inRange.send('alice', 'push');
      assert.deepEqual([a.code, a.replyMessages.join('')], [2, LONG], 'the range section calls Duo');
      const b = await outside.send('alice', 'push');
      assert.deepEqual([b.code, b.replyMessages], [2, ['User exempted from 2FA']], 'the /8 section exempts alice');
    } finally {
      await Promise.all([inRange.close(), outside.close()]);
    }
  });

  test('fact 37 – a packet from outside every radius_ip_N gets no answer and is counted', async () => {
    const before = stack.proxy.radius!.stats().dropped['unknown-client'] ?? 0;
    const stranger = device(stack.ports[1]!, { bind: '127.0.0.2' });
    try {
      const r = await stranger.send('alice', 'push');
      assert.equal(r.code, undefined);
      assert.equal(stack.proxy.radius!.stats().dropped['unknown-client'], before + 1);
    } finally {
      await stranger.close();
    }
  });

  test('fact 40 – Proxy-State P1, P2 come back last and in order; Message-Authenticator first', async () => {
    const r = await radclient({
      server: `127.0.0.1:${stack.ports[1]}`,
      secret: SECRET,
      attributes: [['User-Name', 'alice'], ['User-Password', 'push'], ['Message-Authenticator', '0x00'], ['Proxy-State', '0x5031'], ['Proxy-State', '0x5032']],
      timeoutSec: 5,
    });
    assert.equal(r.code, 'Access-Accept');
    assert.equal(r.messageAuthenticatorIndex, 0);
    assert.deepEqual(r.attributes.slice(-2), [{ name: 'Proxy-State', value: '0x5031' }, { name: 'Proxy-State', value: '0x5032' }]);
  });

  test('fact 45 – a Duo status over 253 bytes is answered, split across Reply-Message attributes (deviation 4)', async () => {
    const r = await radclient({ server: `127.0.0.1:${stack.ports[1]}`, secret: SECRET, attributes: [['User-Name', 'alice'], ['User-Password', 'push'], ['Message-Authenticator', '0x00']], timeoutSec: 5 });
    const parts = valuesOf(r.attributes, 'Reply-Message');
    assert.ok(Buffer.byteLength(LONG) > 253);
    assert.ok(parts.length >= 2);
    assert.ok(parts.every((p) => Buffer.byteLength(p) <= 253));
    assert.equal(parts.join(''), LONG);
  });
});
