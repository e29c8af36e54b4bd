// ad_client against a real OpenLDAP (test/harness/slapd.ts): the flow of reference §13 with its exact
// messages, TLS (StartTLS, LDAPS, verification), failover and timeouts, filter injection, ldap_filter,
// msDS-PrincipalName narrowing, and the pooled service connection (reuse, retry, directory restart).
// slapd has no NTLM, so every client here uses auth_type=plain; NTLM is tested against Samba.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type AdClient, createAdClient } from '../../adapters/ldap/ad-client.ts';
import type { AdClientOptions } from '../../adapters/ldap/options.ts';
import { silentLogger } from '../../adapters/log/logger.ts';
import { isTcpOpen } from '../harness/ports.ts';
import { spawnServer, waitUntil } from '../harness/process.ts';
import * as slapd from '../harness/slapd.ts';
import { captureLogger, login, startSilentServer, startTap, unusedPort } from './helpers.ts';

const OK = { ok: true, message: 'Active Directory authentication succeeded', attributes: [] };
const INVALID_USER = { ok: false, message: 'Invalid User', attributes: [] };
const AUTH_FAILED = { ok: false, message: 'User Authentication Failed', attributes: [] };
const NO_SERVER = { ok: false, message: 'Failed to communicate with any Active Directory server', attributes: [] };
const WEIRD_UID = 'we*)(ird\\';

describe('ldap ad_client on slapd', () => {
  let srv: slapd.SlapdServer;
  const clients: AdClient[] = [];

  before(async () => {
    srv = await slapd.start({
      extraSchema: slapd.AD_LIKE_SCHEMA,
      entries: {
        users: [
          { uid: 'svc-duo', password: 'svc pw', ou: 'service' },
          { uid: 'alice', password: 'alice pw', mail: 'alice@example.com', memberOf: ['vpn-users'] },
          { uid: 'bob', password: 'bob pw' },
          { uid: WEIRD_UID, password: 'weird pw', memberOf: ['vpn-users'] },
          ...(['one', 'two'] as const).map((ou) => ({
            uid: 'dup',
            ou,
            password: `dup ${ou} pw`,
            objectClasses: ['adLikeUser'],
            attributes: { sAMAccountName: 'dup', 'msDS-PrincipalName': `${ou.toUpperCase()}\\dup`, userPrincipalName: `dup@${ou}.example.com` },
          })),
        ],
      },
    });
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await srv?.stop();
  });

  const groupDn = () => slapd.groupDn({ cn: 'vpn-users' }, srv.baseDn);
  function client(o: Partial<AdClientOptions> = {}, logger = silentLogger()): AdClient {
    const c = createAdClient(
      {
        hosts: ['127.0.0.1'],
        port: srv.port,
        authType: 'plain',
        bindDn: slapd.userDn({ uid: 'svc-duo', ou: 'service' }, srv.baseDn),
        serviceAccountPassword: 'svc pw',
        searchDn: srv.baseDn,
        usernameAttribute: 'uid',
        timeout: 5,
        ...o,
      },
      { logger },
    );
    clients.push(c);
    return c;
  }

  test('ad_client slapd – uid logins: success, wrong password, unknown user; no attributes returned', async () => {
    const c = client();
    assert.deepEqual(await c.authenticate(login('alice', 'alice pw')), OK);
    assert.deepEqual(await c.authenticate(login('alice', 'alice PW')), AUTH_FAILED);
    assert.deepEqual(await c.authenticate(login('carol', 'x')), INVALID_USER);
  });

  test('ad_client slapd – an empty or absent password is refused before any connection', async (t) => {
    const tap = await startTap(srv.port);
    t.after(() => tap.close());
    const c = client({ port: tap.port });
    assert.deepEqual(await c.authenticate(login('alice', '')), { ok: false, message: 'No password.', attributes: [] });
    assert.deepEqual(await c.authenticate(login('alice', undefined)), { ok: false, message: 'No password.', attributes: [] });
    assert.equal(tap.connections(), 0);
  });

  test('ad_client slapd – security_group_dn admits direct members only (memberOf overlay)', async () => {
    const c = client({ securityGroupDn: groupDn() });
    assert.deepEqual(await c.authenticate(login('alice', 'alice pw')), OK);
    assert.deepEqual(await c.authenticate(login('bob', 'bob pw')), INVALID_USER);
  });

  test('ad_client slapd – usernames with filter syntax match only themselves (no injection)', async () => {
    const c = client();
    assert.deepEqual(await c.authenticate(login(WEIRD_UID, 'weird pw')), OK);
    for (const attack of ['*', 'a*', '*)(uid=*', 'alice)(|(uid=*', '*)(|(objectClass=*', 'alice\\2a', `${WEIRD_UID}*`]) {
      assert.deepEqual(await c.authenticate(login(attack, 'alice pw')), INVALID_USER, attack);
    }
  });

  test('ad_client slapd – ldap_filter is ANDed in; an unparsable one is logged and ignored', async () => {
    const withMail = client({ ldapFilter: '(mail=alice@example.com)' });
    assert.deepEqual(await withMail.authenticate(login('alice', 'alice pw')), OK);
    assert.deepEqual(await withMail.authenticate(login('bob', 'bob pw')), INVALID_USER);

    const { logger, messages } = captureLogger();
    const broken = client({ ldapFilter: '(mail=alice@example.com' }, logger);
    assert.deepEqual(await broken.authenticate(login('bob', 'bob pw')), OK);
    assert.ok(messages().includes('ldap_filter could not be parsed and is ignored'));
  });

  test('ad_client slapd – several matches are narrowed by msDS-PrincipalName = DOMAIN\\user', async () => {
    const c = client({ usernameAttribute: 'sAMAccountName' });
    assert.deepEqual(await c.authenticate(login('ONE\\dup', 'dup one pw')), OK);
    assert.deepEqual(await c.authenticate(login('two\\DUP', 'dup two pw')), OK);
    // The narrowed entry is the one whose password is checked.
    assert.deepEqual(await c.authenticate(login('TWO\\dup', 'dup one pw')), AUTH_FAILED);
    assert.deepEqual(await c.authenticate(login('dup', 'dup one pw')), INVALID_USER);
    assert.deepEqual(await c.authenticate(login('THREE\\dup', 'dup one pw')), INVALID_USER);
    // user@domain searches at_attribute (userPrincipalName) instead.
    assert.deepEqual(await c.authenticate(login('dup@two.example.com', 'dup two pw')), OK);
  });

  test('ad_client slapd – StartTLS and LDAPS with the harness CA', async () => {
    const starttls = client({ transport: 'starttls', sslCaCertsFile: srv.caFile });
    assert.deepEqual(await starttls.authenticate(login('alice', 'alice pw')), OK);
    const ldaps = client({ transport: 'ldaps', port: srv.tlsPort, sslCaCertsFile: srv.caFile });
    assert.deepEqual(await ldaps.authenticate(login('alice', 'alice pw')), OK);
    assert.deepEqual(await ldaps.authenticate(login('alice', 'nope')), AUTH_FAILED);
  });

  test('ad_client slapd – TLS is verified: unknown CA and wrong host name fail, unless turned off', async (t) => {
    // No CA file: the system store doesn't know the harness CA.
    assert.deepEqual(await client({ transport: 'ldaps', port: srv.tlsPort }).authenticate(login('alice', 'alice pw')), NO_SERVER);
    // 127.0.0.5 reaches the same server, but the certificate names only localhost and 127.0.0.1.
    const tap = await startTap(srv.tlsPort, '127.0.0.5');
    t.after(() => tap.close());
    const wrongName: Partial<AdClientOptions> = { hosts: ['127.0.0.5'], transport: 'ldaps', port: tap.port, sslCaCertsFile: srv.caFile };
    assert.deepEqual(await client(wrongName).authenticate(login('alice', 'alice pw')), NO_SERVER);
    assert.deepEqual(await client({ ...wrongName, sslVerifyHostname: false }).authenticate(login('alice', 'alice pw')), OK);
    // Neither a CA file nor host name checking: no verification at all, with a warning.
    const { logger, messages } = captureLogger();
    const unverified = client({ ...wrongName, sslCaCertsFile: undefined, sslVerifyHostname: false }, logger);
    assert.deepEqual(await unverified.authenticate(login('alice', 'alice pw')), OK);
    assert.ok(messages().some((m) => m.includes('certificate is not verified')));
    // A CA file that can't be read fails every host instead of falling back to the system store.
    assert.deepEqual(await client({ ...wrongName, sslCaCertsFile: join(srv.dir, 'missing.pem') }).authenticate(login('alice', 'alice pw')), NO_SERVER);
  });

  test('ad_client slapd – a host that refuses connections is skipped for the next one', async () => {
    const { logger, messages } = captureLogger();
    // Same port, another loopback address where nothing listens.
    const c = client({ hosts: ['127.0.0.2', '127.0.0.1'] }, logger);
    assert.deepEqual(await c.authenticate(login('alice', 'alice pw')), OK);
    assert.deepEqual(messages().filter((m) => m.startsWith('Sending AD') || m.startsWith('Error sending')), [
      "Sending AD authentication request for 'alice' to '127.0.0.2'",
      "Error sending AD auth request to '127.0.0.2'. Trying next fallback host...",
      "Sending AD authentication request for 'alice' to '127.0.0.1'",
    ]);
  });

  test('ad_client slapd – a host that accepts but never answers times out, then the next host answers', async (t) => {
    const silent = await startSilentServer('127.0.0.3', srv.port);
    t.after(() => silent.close());
    const { logger, messages } = captureLogger();
    const c = client({ hosts: ['127.0.0.3', '127.0.0.1'], timeout: 0.3 }, logger);
    assert.deepEqual(await c.authenticate(login('alice', 'alice pw')), OK);
    assert.equal(silent.connections(), 1);
    assert.ok(messages().includes('AD connection timed out'));
  });

  test('ad_client slapd – when every host is down: the reference messages', async () => {
    const port = await unusedPort();
    const { logger, messages } = captureLogger();
    const c = client({ hosts: ['127.0.0.1', '127.0.0.2'], port }, logger);
    assert.deepEqual(await c.authenticate(login('alice', 'alice pw')), NO_SERVER);
    assert.ok(messages().includes('No remaining AD fallback hosts; returning authentication failure...'));
  });

  test('ad_client slapd – a wrong password or unknown user is final: no failover', async (t) => {
    const second = await startSilentServer('127.0.0.4', srv.port);
    t.after(() => second.close());
    const c = client({ hosts: ['127.0.0.1', '127.0.0.4'] });
    assert.deepEqual(await c.authenticate(login('alice', 'wrong')), AUTH_FAILED);
    assert.deepEqual(await c.authenticate(login('nobody', 'x')), INVALID_USER);
    assert.equal(second.connections(), 0);
  });

  test('ad_client slapd – a refused service bind or a failing search moves on, and is logged as Duo does', async () => {
    const { logger, messages } = captureLogger();
    const badService = client({ serviceAccountPassword: 'wrong' }, logger);
    assert.deepEqual(await badService.authenticate(login('alice', 'alice pw')), NO_SERVER);
    assert.ok(messages().some((m) => /^Initial LDAP bind to AD failed: '.*49/.test(m)));

    const badBase = client({ searchDn: `ou=nowhere,${srv.baseDn}` }, logger);
    assert.deepEqual(await badBase.authenticate(login('alice', 'alice pw')), NO_SERVER);
    assert.ok(messages().some((m) => m.startsWith("LDAP search on AD service failed: '")));
  });

  test('ad_client slapd – connections are reused: once warm, a login opens no connection', async (t) => {
    const tap = await startTap(srv.port);
    t.after(() => tap.close());
    const c = client({ port: tap.port });
    for (let i = 0; i < 5; i++) assert.deepEqual(await c.authenticate(login(i % 2 ? 'alice' : 'bob', i % 2 ? 'alice pw' : 'bob pw')), OK);
    // One service connection and one connection for user binds, whoever logs in.
    assert.equal(tap.connections(), 2);
    assert.deepEqual(await c.authenticate(login('alice', 'wrong')), AUTH_FAILED);
    assert.deepEqual(await c.authenticate(login('alice', 'alice pw')), OK);
    assert.equal(tap.connections(), 2);
    const concurrent = await Promise.all(Array.from({ length: 24 }, () => c.authenticate(login('alice', 'alice pw'))));
    assert.ok(concurrent.every((r) => r.ok));
    // At most the service pool size (2) plus one user-bind connection per concurrent login.
    assert.ok(tap.connections() <= 2 + 24, `connections: ${tap.connections()}`);
    const settled = tap.connections();
    for (let i = 0; i < 5; i++) assert.deepEqual(await c.authenticate(login('bob', 'bob pw')), OK);
    assert.equal(tap.connections(), settled, 'the kept connections serve what follows');
  });

  test('ad_client slapd – with userBindPoolSize 0 every user bind has its own connection, as in Duo', async (t) => {
    const tap = await startTap(srv.port);
    t.after(() => tap.close());
    const c = client({ port: tap.port, userBindPoolSize: 0 });
    for (let i = 0; i < 3; i++) assert.deepEqual(await c.authenticate(login('alice', 'alice pw')), OK);
    assert.equal(tap.connections(), 1 + 3);
  });

  test('ad_client slapd – a pooled connection that died unnoticed is replaced and the login retried once', async (t) => {
    const tap = await startTap(srv.port);
    t.after(() => tap.close());
    const c = client({ port: tap.port });
    assert.deepEqual(await c.authenticate(login('alice', 'alice pw')), OK);
    tap.breakOpenConnections();
    assert.deepEqual(await c.authenticate(login('alice', 'alice pw')), OK);
    // Both kept connections (service, user binds) were broken: each is replaced once, and the login
    // still succeeds.
    assert.equal(tap.connections(), 2 + 2);
  });

  test('ad_client slapd – the service pool survives a directory restart', async (t) => {
    const own = await slapd.start({ entries: { users: [{ uid: 'alice', password: 'alice pw' }] } });
    t.after(() => own.stop());
    const c = client({ port: own.port, bindDn: own.adminDn, serviceAccountPassword: own.adminPassword, searchDn: own.baseDn });
    assert.deepEqual(await c.authenticate(login('alice', 'alice pw')), OK);

    // Restart slapd on the same ports with the same database (the harness has no restart()).
    process.kill(own.pid, 'SIGTERM');
    await waitUntil(async () => !(await isTcpOpen(own.port)), { what: 'slapd to stop' });
    const again = spawnServer({
      command: slapd.SLAPD,
      args: ['-d', 'none', '-F', join(own.dir, 'slapd.d'), '-h', `ldap://127.0.0.1:${own.port}/`],
      logFile: join(own.dir, 'slapd-restarted.log'),
    });
    t.after(() => again.stop());
    await waitUntil(() => isTcpOpen(own.port), { what: 'slapd to restart', proc: again });

    assert.deepEqual(await c.authenticate(login('alice', 'alice pw')), OK);
    assert.deepEqual(await c.authenticate(login('alice', 'wrong')), AUTH_FAILED);
  });

  test('ad_client slapd – an aborted login returns at once, without waiting for a hung host', async (t) => {
    const silent = await startSilentServer('127.0.0.6', srv.port);
    t.after(() => silent.close());
    const c = client({ hosts: ['127.0.0.6'], timeout: 30 });
    const controller = new AbortController();
    const pending = c.authenticate(login('alice', 'alice pw'), controller.signal);
    await waitUntil(() => silent.connections() > 0, { what: 'the connection to the hung host' });
    controller.abort();
    assert.deepEqual(await pending, { ok: false, message: 'Primary authentication cancelled', attributes: [] });
  });
});
