// The ad_client checks (reference §16.4) against a private slapd: per host in order, TCP connect, LDAP
// connect (clear, LDAPS, StartTLS), the service bind, and the basic user search; a failed step skips the
// later ones with Duo's texts. slapd has no NTLM, so these sections use auth_type=plain.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { AdClientSection } from '../../config/index.ts';
import { checkAdClient } from '../../ops/connectivity/ad-checks.ts';
import * as M from '../../ops/connectivity/messages.ts';
import * as slapd from '../harness/slapd.ts';
import { makeTestCertificates } from '../harness/test-ca.ts';
import { startSilentServer, unusedPort } from '../ldap/helpers.ts';
import { config } from './helpers.ts';

const SVC_PASSWORD = 'svc pw 1234';

describe('connectivity ad_client on slapd', () => {
  let srv: slapd.SlapdServer;
  let dir: string;
  let otherCa: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'connectivity-ldap-'));
    [srv, { caFile: otherCa }] = await Promise.all([
      slapd.start({
        entries: {
          users: [
            { uid: 'svc-duo', password: SVC_PASSWORD, ou: 'service' },
            { uid: 'alice', password: 'alice pw', memberOf: ['vpn-users'] },
            { uid: 'bob', password: 'bob pw' },
          ],
          groups: [{ cn: 'empty-group' }],
        },
      }),
      makeTestCertificates(dir),
    ]);
  });
  after(async () => {
    await srv?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const svcDn = () => slapd.userDn({ uid: 'svc-duo', ou: 'service' }, srv.baseDn);

  function section(extra: Record<string, string | number> = {}): AdClientSection {
    const options: Record<string, string | number> = {
      host: '127.0.0.1',
      port: srv.port,
      auth_type: 'plain',
      bind_dn: svcDn(),
      service_account_username: 'svc-duo',
      service_account_password: SVC_PASSWORD,
      search_dn: srv.baseDn,
      username_attribute: 'uid',
      timeout: 5,
      ...extra,
    };
    const lines = Object.entries(options).map(([k, v]) => `${k}=${v}`);
    const parsed = config(`[ad_client]\n${lines.join('\n')}\n[radius_server_auto]\nikey=DIXXXXXXXXXXXXXXXXXX\nskey=${'s'.repeat(40)}\napi_host=localhost\nradius_ip_1=127.0.0.1\nradius_secret_1=abcd\nclient=ad_client\n`);
    const c = parsed.clients['ad_client'];
    assert.equal(c?.type, 'ad_client');
    return c as AdClientSection;
  }

  const statuses = (checks: { check: string; status: string }[]) => checks.map((c) => `${c.check}:${c.status}`);

  test('connectivity ad_client – a good service account: TCP, LDAP, bind and search all pass', async () => {
    const checks = await checkAdClient(section());
    const target = `127.0.0.1:${srv.port}`;
    assert.deepEqual(statuses(checks), ['tcp connection:ok', 'ldap connection:ok', 'bind:ok', 'search:ok']);
    assert.ok(checks.every((c) => c.target === target));
    assert.equal(checks[0]!.message, `The Auth Proxy was able to establish a connection to ${target}.`);
    assert.equal(checks[1]!.message, `The Auth Proxy was able to establish an LDAP connection to ${target}.`);
    assert.equal(checks[2]!.message, 'The Auth Proxy was able to bind as svc-duo.');
    assert.equal(checks[3]!.message, M.searchOk);
  });

  test('connectivity ad_client – a wrong password: the bind fails with the credentials hint and the search is skipped', async () => {
    const checks = await checkAdClient(section({ service_account_password: 'not the password' }));
    assert.deepEqual(statuses(checks), ['tcp connection:ok', 'ldap connection:ok', 'bind:fail', 'search:skip']);
    assert.equal(checks[2]!.message, 'The Auth Proxy was unable to bind as svc-duo.');
    assert.equal(checks[2]!.hint, 'Please ensure that the provided service account credentials are correct.');
    assert.match(checks[2]!.detail ?? '', /\b49\b/);
    assert.equal(checks[3]!.message, 'The Auth Proxy did not run the search check because of the problem(s) with the bind check. Resolve that issue and rerun the tester.');
    assert.ok(!JSON.stringify(checks).includes('not the password'));
  });

  test('connectivity ad_client – hosts in order: an unreachable one fails at TCP and skips the rest, the next one passes', async () => {
    // slapd listens on 127.0.0.1 only: 127.0.0.2 (also loopback) refuses the connection.
    const checks = await checkAdClient(section({ host: '127.0.0.2', host_2: '127.0.0.1' }));
    assert.deepEqual(statuses(checks), [
      'tcp connection:fail', 'ldap connection:skip', 'bind:skip', 'search:skip',
      'tcp connection:ok', 'ldap connection:ok', 'bind:ok', 'search:ok',
    ]);
    assert.equal(checks[0]!.message, `The Auth Proxy was not able to establish a connection to 127.0.0.2:${srv.port}.`);
    assert.match(checks[0]!.detail ?? '', /ECONNREFUSED/);
    assert.equal(checks[1]!.message, 'The Auth Proxy did not run the ldap connection check because of the problem(s) with the tcp connection check. Resolve that issue and rerun the tester.');
    assert.equal(checks[4]!.target, `127.0.0.1:${srv.port}`);
  });

  test('connectivity ad_client – the security group and ldap_filter are part of the search; no match gives Duo\'s text with the filter', async () => {
    const group = slapd.groupDn({ cn: 'vpn-users' }, srv.baseDn);
    const inGroup = await checkAdClient(section({ security_group_dn: group }));
    assert.equal(inGroup[3]!.status, 'ok');

    const empty = slapd.groupDn({ cn: 'empty-group' }, srv.baseDn);
    const none = await checkAdClient(section({ security_group_dn: empty }));
    assert.equal(none[3]!.status, 'fail');
    assert.match(none[3]!.message, new RegExp(`^The Auth Proxy did not get results searching for users in DN ${srv.baseDn} using the filter \\(&\\(\\|\\(memberof=cn=empty-group,ou=groups,dc=example,dc=com\\)\\)`));
    assert.ok(none[3]!.message.endsWith(`Please confirm that ${srv.baseDn} is the correct, fully qualified DN and that users should pass the filter.`));

    const filtered = await checkAdClient(section({ ldap_filter: '(uid=nobody)' }));
    assert.equal(filtered[3]!.status, 'fail');
    assert.match(filtered[3]!.message, /\(uid=nobody\)\)\.  It is likely that Duo would not be able to find specific users/);
  });

  test('connectivity ad_client – LDAPS and StartTLS with the directory\'s CA pass; another CA fails the LDAP connection with the certs hint', async () => {
    const ldaps = await checkAdClient(section({ transport: 'ldaps', port: srv.tlsPort, ssl_ca_certs_file: srv.caFile }));
    assert.deepEqual(statuses(ldaps), ['tcp connection:ok', 'ldap connection:ok', 'bind:ok', 'search:ok']);
    const starttls = await checkAdClient(section({ transport: 'starttls', ssl_ca_certs_file: srv.caFile }));
    assert.deepEqual(statuses(starttls), ['tcp connection:ok', 'ldap connection:ok', 'bind:ok', 'search:ok']);

    const wrong = await checkAdClient(section({ transport: 'ldaps', port: srv.tlsPort, ssl_ca_certs_file: otherCa }));
    assert.deepEqual(statuses(wrong), ['tcp connection:ok', 'ldap connection:fail', 'bind:skip', 'search:skip']);
    assert.equal(wrong[1]!.hint, M.bindHintCerts);
  });

  test('connectivity ad_client – a directory that never answers: the bind ends at the section\'s timeout', async (t) => {
    const silent = await startSilentServer();
    t.after(() => silent.close());
    const checks = await checkAdClient(section({ port: silent.port, timeout: 1 }));
    assert.deepEqual(statuses(checks), ['tcp connection:ok', 'ldap connection:ok', 'bind:fail', 'search:skip']);
    assert.match(checks[2]!.detail ?? '', /no answer to the bind within 1000 ms/);
  });

  test('connectivity ad_client – nothing listening at all: TCP fails', async () => {
    const port = await unusedPort();
    const checks = await checkAdClient(section({ port }));
    assert.deepEqual(statuses(checks), ['tcp connection:fail', 'ldap connection:skip', 'bind:skip', 'search:skip']);
  });
});
