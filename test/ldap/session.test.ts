// Opening sessions (connect, StartTLS/LDAPS, bind) and the service pool, against a real slapd and
// against servers that misbehave at the TCP level.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as net from 'node:net';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { EqualityFilter } from 'ldapts';
import { ServicePool } from '../../adapters/ldap/service-pool.ts';
import { type BindCredentials, closeSession, type Endpoint, openSession } from '../../adapters/ldap/session.ts';
import * as slapd from '../harness/slapd.ts';
import { startSilentServer, startTap, unusedPort } from './helpers.ts';

const PYTHON = '/usr/bin/python3';

/** A listener with a backlog of 0 that never accepts: once one connection fills its queue, further
 *  SYNs are dropped and a connect hangs, like a firewalled host. */
async function startSynDropper(host: string): Promise<{ port: number; filler: net.Socket; stop: () => void }> {
  const script =
    'import socket,sys,time\ns=socket.socket()\ns.bind((sys.argv[1],0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(120)';
  const child: ChildProcess = spawn(PYTHON, ['-c', script, host], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = Number(await new Promise<string>((r) => createInterface({ input: child.stdout! }).once('line', r)));
  const filler = net.connect({ host, port });
  await new Promise((r) => filler.once('connect', r));
  const stop = (): void => {
    filler.destroy();
    child.kill('SIGKILL');
  };
  return { port, filler, stop };
}

describe('ldap session', () => {
  let srv: slapd.SlapdServer;
  const userDn = () => slapd.userDn({ uid: 'alice' }, srv.baseDn);
  const endpoint = (o: Partial<Endpoint> = {}): Endpoint => ({
    host: '127.0.0.1',
    port: srv.port,
    transport: 'clear',
    ca: undefined,
    verifyHostname: true,
    ...o,
  });
  const alice = (password = 'alice pw'): BindCredentials => ({ kind: 'simple', dn: userDn(), password });

  before(async () => {
    srv = await slapd.start({ entries: { users: [{ uid: 'alice', password: 'alice pw' }] } });
  });
  after(() => srv?.stop());

  test('session – a simple bind over clear, StartTLS and LDAPS', async () => {
    const ca = readFileSync(srv.caFile, 'utf8');
    for (const ep of [endpoint(), endpoint({ transport: 'starttls', ca }), endpoint({ transport: 'ldaps', port: srv.tlsPort, ca })]) {
      const r = await openSession(ep, alice(), AbortSignal.timeout(5000));
      assert.equal(r.ok, true, `${ep.transport}: ${JSON.stringify(r)}`);
      if (r.ok) {
        assert.equal(r.socket.constructor.name, ep.transport === 'clear' ? 'Socket' : 'TLSSocket');
        closeSession(r.socket);
      }
    }
  });

  test('session – a refused bind is "rejected" with its result code; a refused connect is "network"', async () => {
    const bad = await openSession(endpoint(), alice('wrong'), AbortSignal.timeout(5000));
    assert.equal(bad.ok, false);
    assert.equal(!bad.ok && bad.kind === 'rejected' && bad.resultCode, 49);
    const down = await openSession(endpoint({ port: await unusedPort() }), alice(), AbortSignal.timeout(5000));
    assert.equal(!down.ok && down.kind, 'network');
    assert.match(!down.ok && down.kind === 'network' ? down.message : '', /ECONNREFUSED/);
  });

  test('session – StartTLS with a certificate from an unknown CA fails as "network"', async () => {
    const r = await openSession(endpoint({ transport: 'starttls' }), alice(), AbortSignal.timeout(5000));
    assert.equal(!r.ok && r.kind, 'network');
  });

  test('session – the abort signal ends a hung connect and a hung bind', { skip: !existsSync(PYTHON) && 'no python3' }, async (t) => {
    const dropper = await startSynDropper('127.0.0.9');
    t.after(dropper.stop);
    const hung = new AbortController();
    const connecting = openSession(endpoint({ host: '127.0.0.9', port: dropper.port }), alice(), hung.signal);
    setTimeout(() => hung.abort(), 50);
    assert.deepEqual(await connecting, { ok: false, kind: 'aborted' });

    const silent = await startSilentServer();
    t.after(() => silent.close());
    const controller = new AbortController();
    const pending = openSession(endpoint({ port: silent.port }), alice(), controller.signal);
    await new Promise<void>((r) => {
      const poll = () => (silent.connections() > 0 ? r() : setTimeout(poll, 10));
      poll();
    });
    controller.abort();
    assert.deepEqual(await pending, { ok: false, kind: 'aborted' });
  });

  test('session pool – concurrent logins share at most `size` connections, and ldapts searches over them', async (t) => {
    const tap = await startTap(srv.port);
    t.after(() => tap.close());
    const pool = new ServicePool({
      size: 2,
      timeoutMs: 5000,
      open: (signal) => openSession(endpoint({ port: tap.port }), { kind: 'simple', dn: srv.adminDn, password: srv.adminPassword }, signal),
    });
    const found = await Promise.all(
      Array.from({ length: 40 }, async () => {
        const lease = await pool.acquire(AbortSignal.timeout(5000));
        assert.ok(lease.ok);
        const { searchEntries } = await lease.client.search(srv.baseDn, { filter: new EqualityFilter({ attribute: 'uid', value: 'alice' }) });
        lease.release();
        return searchEntries.length;
      }),
    );
    assert.deepEqual(new Set(found), new Set([1]));
    assert.ok(tap.connections() >= 1 && tap.connections() <= 2, `connections: ${tap.connections()}`);
    assert.equal(pool.size, tap.connections());

    // The server side goes away: the pool notices by itself and opens a new connection on demand.
    await tap.close();
    await new Promise<void>((r) => {
      const poll = () => (pool.size === 0 ? r() : setTimeout(poll, 10));
      poll();
    });
    const direct = new ServicePool({
      size: 1,
      timeoutMs: 5000,
      open: (signal) => openSession(endpoint(), { kind: 'simple', dn: srv.adminDn, password: srv.adminPassword }, signal),
    });
    const lease = await direct.acquire(AbortSignal.timeout(5000));
    assert.ok(lease.ok);
    lease.release();
    await Promise.all([pool.close(), direct.close()]);
    assert.equal(direct.size, 0);
  });

  test('session pool – a refused service bind is reported to every waiting login, and nothing is kept', async () => {
    const pool = new ServicePool({
      size: 2,
      timeoutMs: 5000,
      open: (signal) => openSession(endpoint(), { kind: 'simple', dn: srv.adminDn, password: 'wrong' }, signal),
    });
    const leases = await Promise.all([1, 2, 3].map(() => pool.acquire(AbortSignal.timeout(5000))));
    for (const l of leases) assert.equal(!l.ok && l.kind, 'rejected');
    assert.equal(pool.size, 0);
    await pool.close();
  });
});
