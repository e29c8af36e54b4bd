// The listen check of a server section (reference §16.4 step 5): binding the UDP port as the RADIUS
// listener would. A port already taken names its owner (from /proc) unless the owner is the Auth Proxy
// itself, which skips the check.
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { checkUdpListen } from '../../ops/connectivity/listen-check.ts';
import * as M from '../../ops/connectivity/messages.ts';
import { findPortOwner, isAuthProxy, socketInodes } from '../../ops/connectivity/port-owner.ts';
import { freePort } from '../harness/ports.ts';

async function holdUdp(): Promise<{ socket: Socket; port: number }> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { socket, port: socket.address().port };
}

const UDP_TABLE = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  273: 0100007F:0714 00000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 123456 2 0000000000000000 0
  274: 00000000:0715 00000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 223344 2 0000000000000000 0
  275: 0100007F:0714 00000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 0 2 0000000000000000 0
`;

describe('connectivity listen', () => {
  test('connectivity listen – a free port: Duo\'s "will be able to accept" text, on the interface or all interfaces', async () => {
    const port = await freePort('udp');
    const r = await checkUdpListen(port, '127.0.0.1');
    assert.equal(r.status, 'ok');
    assert.equal(r.message, `The Auth Proxy will be able to accept connections on port ${port} on 127.0.0.1`);
    const all = await checkUdpListen(await freePort('udp'), '');
    assert.match(all.message, /^The Auth Proxy will be able to accept connections on port \d+ on all interfaces$/);
  });

  test('connectivity listen – a port already bound by another process fails and names it; by the proxy itself it is skipped', async (t) => {
    const held = await holdUdp();
    t.after(() => held.socket.close());
    // This test process stands for "another application" when it is not taken as the proxy.
    const other = await checkUdpListen(held.port, '127.0.0.1', { selfPid: -1 });
    assert.equal(other.status, 'fail');
    const comm = readFileSync('/proc/self/comm', 'utf8').trim();
    assert.equal(other.message, M.listenInUse(held.port, '127.0.0.1', comm, process.pid));
    assert.match(other.message, new RegExp(`${held.port} is already in use by another application: ${comm} running with PID: ${process.pid}\\.$`));
    // Every interface (a dual-stack socket) collides with the 127.0.0.1 binding too.
    assert.equal((await checkUdpListen(held.port, '', { selfPid: -1 })).status, 'fail');

    const self = await checkUdpListen(held.port, '127.0.0.1');
    assert.equal(self.status, 'skip');
    assert.equal(self.message, M.listenSkippedProxy('listen udp'));
  });

  test('connectivity listen – an address this host does not have fails with the reason', async () => {
    const r = await checkUdpListen(await freePort('udp'), '192.0.2.1');
    assert.equal(r.status, 'fail');
    assert.match(r.message, /^The Auth Proxy will not be able to accept connections on port \d+ on 192\.0\.2\.1\.  This host has no such address/);
  });

  test('connectivity listen – findPortOwner finds this process for a socket it holds', async (t) => {
    const held = await holdUdp();
    t.after(() => held.socket.close());
    const owner = findPortOwner('udp', held.port);
    assert.equal(owner?.pid, process.pid);
  });

  test('connectivity listen – socketInodes reads /proc/net/udp: the port in hex, inode 0 ignored', () => {
    assert.deepEqual(socketInodes(UDP_TABLE, 0x714), ['123456']);
    assert.deepEqual(socketInodes(UDP_TABLE, 0x715), ['223344']);
    assert.deepEqual(socketInodes(UDP_TABLE, 1812 + 2), []);
    assert.deepEqual(socketInodes('', 1812), []);
  });

  test('connectivity listen – socketInodes property: finds exactly the rows of the port, whatever the rows', () => {
    const row = fc.record({ port: fc.integer({ min: 1, max: 65535 }), inode: fc.integer({ min: 1, max: 2 ** 31 }), v6: fc.boolean() });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 20 }), fc.integer({ min: 1, max: 65535 }), (rows, port) => {
        const lines = rows.map((r, i) => {
          const addr = r.v6 ? '00000000000000000000000001000000' : '0100007F';
          const hex = r.port.toString(16).toUpperCase().padStart(4, '0');
          return `  ${i}: ${addr}:${hex} 00000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 ${r.inode} 2 0000000000000000 0`;
        });
        const table = ['  sl  local_address rem_address   st ...', ...lines].join('\n');
        assert.deepEqual(socketInodes(table, port), rows.filter((r) => r.port === port).map((r) => String(r.inode)));
      }),
    );
  });

  test('connectivity listen – isAuthProxy: `authproxy start` and Duo\'s own proxy, not other programs', () => {
    assert.equal(isAuthProxy({ pid: 1, name: 'node', commandLine: 'node /opt/authproxy/bin/authproxy.js start -c /etc/authproxy.cfg' }), true);
    assert.equal(isAuthProxy({ pid: 1, name: 'node', commandLine: 'node /usr/bin/authproxy start -c x.cfg' }), true);
    assert.equal(isAuthProxy({ pid: 1, name: 'twistd', commandLine: '/opt/duoauthproxy/usr/local/bin/twistd' }), true);
    assert.equal(isAuthProxy({ pid: 1, name: 'node', commandLine: 'node bin/authproxy.js connectivity -c x.cfg' }), false);
    assert.equal(isAuthProxy({ pid: 1, name: 'freeradius', commandLine: '/usr/sbin/freeradius -f' }), false);
  });
});
