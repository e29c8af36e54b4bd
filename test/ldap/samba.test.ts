// ad_client against a real Active Directory: a private Samba AD DC (test/harness/samba.ts), provisioned
// once for this file. Covers what only AD has: sAMAccountName / DOMAIN\user / UPN logins, the primary
// group (primaryGroupID vs the group's objectSid), disabled accounts, and NTLM binds (ntlm2, ntlm1).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from 'ldapts';
import { createAdClient } from '../../adapters/ldap/ad-client.ts';
import type { AdClientOptions } from '../../adapters/ldap/options.ts';
import { silentLogger } from '../../adapters/log/logger.ts';
import { type SambaDc, sambaAvailable, startSamba } from '../harness/samba.ts';
import { captureLogger, login, startTap } from './helpers.ts';

const available = sambaAvailable();

describe('ldap samba ad', { skip: available ? false : 'samba is not installed (apt-get install samba samba-ad-provision samba-dsdb-modules samba-vfs-modules)' }, () => {
  let dc: SambaDc;
  const dn: Record<string, string> = {};
  let vpn: { dn: string; rid: number };
  let primary: { dn: string; rid: number };

  before(async () => {
    dc = await startSamba();
    for (const [name, pw] of [
      ['svc-duo', 'Svc-pw-1'],
      ['alice', 'Alice-pw-1'],
      ['bob', 'Bob-pw-1'],
      ['dave', 'Dave-pw-1'],
    ] as const) {
      dn[name] = await dc.addUser(name, pw);
    }
    dn.carol = await dc.addUser('carol', 'Carol-pw-1', { disabled: true });
    vpn = await dc.addGroup('vpn-users');
    primary = await dc.addGroup('vpn-primary');
    await dc.addMember(vpn.dn, dn.alice!);
    await dc.addMember(vpn.dn, dn.carol!);
    await dc.addMember(primary.dn, dn.bob!);
    await dc.setPrimaryGroup(dn.bob!, primary.rid);
  });
  after(() => dc?.stop());

  const options = (o: Partial<AdClientOptions> = {}): AdClientOptions => ({
    hosts: ['127.0.0.1'],
    port: dc.port,
    searchDn: dc.baseDn,
    serviceAccountUsername: 'svc-duo',
    serviceAccountPassword: 'Svc-pw-1',
    ntlmDomain: 'TEST',
    timeout: 5,
    ...o,
  });

  async function outcomes(o: Partial<AdClientOptions>, logins: [string, string][]): Promise<string[]> {
    const client = createAdClient(options(o), { logger: silentLogger() });
    try {
      const out: string[] = [];
      for (const [u, p] of logins) {
        const r = await client.authenticate(login(u, p));
        out.push(`${r.ok ? 'ok' : 'fail'}: ${r.message}`);
      }
      return out;
    } finally {
      await client.close();
    }
  }

  const OK = 'ok: Active Directory authentication succeeded';
  const BAD_PASSWORD = 'fail: User Authentication Failed';
  const INVALID = 'fail: Invalid User';

  test('samba ad – ntlm2 (the default): sAMAccountName, DOMAIN\\user and UPN logins; wrong password; unknown user', async () => {
    const got = await outcomes({}, [
      ['alice', 'Alice-pw-1'],
      ['TEST\\alice', 'Alice-pw-1'],
      ['test\\ALICE', 'Alice-pw-1'],
      ['alice@test.local', 'Alice-pw-1'],
      ['alice', 'alice-pw-1'],
      ['nobody', 'x'],
      ['nobody@test.local', 'x'],
    ]);
    assert.deepEqual(got, [OK, OK, OK, OK, BAD_PASSWORD, INVALID, INVALID]);
  });

  test('samba ad – a disabled account is refused at the user bind', async () => {
    assert.deepEqual(await outcomes({}, [['carol', 'Carol-pw-1']]), [BAD_PASSWORD]);
  });

  test('samba ad – security_group_dn by direct membership (memberOf)', async () => {
    const got = await outcomes({ securityGroupDn: vpn.dn }, [
      ['alice', 'Alice-pw-1'],
      ['bob', 'Bob-pw-1'],
      ['dave', 'Dave-pw-1'],
      ['carol', 'Carol-pw-1'],
    ]);
    // carol is a member but disabled: found, then refused at the bind.
    assert.deepEqual(got, [OK, INVALID, INVALID, BAD_PASSWORD]);
  });

  test('samba ad – security_group_dn matched through the primary group (primaryGroupID = RID of objectSid)', async () => {
    // AD lists no primary group in memberOf, so only the primaryGroupID clause can let bob in.
    const admin = new Client({ url: dc.url });
    await admin.bind(dc.adminDn, dc.adminPassword);
    const { searchEntries } = await admin.search(dn.bob!, { scope: 'base', attributes: ['memberOf', 'primaryGroupID'] });
    await admin.unbind();
    assert.equal(String(searchEntries[0]?.primaryGroupID), String(primary.rid));
    assert.ok(![searchEntries[0]?.memberOf ?? []].flat().some((g) => String(g).toLowerCase() === primary.dn.toLowerCase()));

    const got = await outcomes({ securityGroupDn: primary.dn }, [
      ['bob', 'Bob-pw-1'],
      ['TEST\\bob', 'Bob-pw-1'],
      ['alice', 'Alice-pw-1'],
    ]);
    assert.deepEqual(got, [OK, OK, INVALID]);
  });

  test('samba ad – auth_type=plain: simple binds with bind_dn and the user DN', async () => {
    const got = await outcomes({ authType: 'plain', bindDn: dn['svc-duo'] }, [
      ['alice', 'Alice-pw-1'],
      ['TEST\\alice', 'Alice-pw-1'],
      ['alice@test.local', 'Alice-pw-1'],
      ['alice', 'nope'],
      ['carol', 'Carol-pw-1'],
    ]);
    assert.deepEqual(got, [OK, OK, OK, BAD_PASSWORD, BAD_PASSWORD]);
  });

  test('samba ad – auth_type=ntlm1 (Samba allows NTLMv1 with ntlm auth = yes)', async () => {
    const got = await outcomes({ authType: 'ntlm1' }, [
      ['alice', 'Alice-pw-1'],
      ['TEST\\alice', 'Alice-pw-1'],
      ['alice', 'nope'],
    ]);
    assert.deepEqual(got, [OK, OK, BAD_PASSWORD]);
  });

  test('samba ad – ntlm2 with no ntlm_domain takes the domain from the server challenge', async () => {
    assert.deepEqual(await outcomes({ ntlmDomain: '' }, [['alice', 'Alice-pw-1']]), [OK]);
  });

  test('samba ad – a wrong service password fails the initial bind on every host', async () => {
    const { logger, messages } = captureLogger();
    const client = createAdClient(options({ serviceAccountPassword: 'wrong', hosts: ['127.0.0.1', '127.0.0.1'] }), { logger });
    const r = await client.authenticate(login('alice', 'Alice-pw-1'));
    await client.close();
    assert.deepEqual(r, { ok: false, message: 'Failed to communicate with any Active Directory server', attributes: [] });
    const binds = messages().filter((m) => m.startsWith("Initial LDAP bind to AD failed: '49: "));
    assert.equal(binds.length, 2);
    assert.ok(messages().includes('No remaining AD fallback hosts; returning authentication failure...'));
  });

  test('samba ad – ntlm2 never puts a password on the wire; plain does (the tap sees it)', async () => {
    const secrets = ['Svc-pw-1', 'Alice-pw-1'];
    const onWire = (bytes: Buffer) =>
      secrets.filter((s) => bytes.includes(Buffer.from(s, 'utf8')) || bytes.includes(Buffer.from(s, 'utf16le')));
    for (const [authType, expected] of [
      ['ntlm2', []],
      ['plain', secrets],
    ] as const) {
      const tap = await startTap(dc.port);
      const client = createAdClient(options({ port: tap.port, authType, bindDn: dn['svc-duo'] }), { logger: silentLogger() });
      const results = [];
      for (const [u, p] of [
        ['alice', 'Alice-pw-1'],
        ['alice', 'bad'],
        ['TEST\\alice', 'Alice-pw-1'],
      ] as const) {
        results.push((await client.authenticate(login(u, p))).message);
      }
      await client.close();
      await tap.close();
      assert.deepEqual(results, [OK.slice(4), BAD_PASSWORD.slice(6), OK.slice(4)], authType);
      assert.deepEqual(onWire(tap.sent()), expected, authType);
      // The service connection and one connection that carried all three user binds (AD accepts a
      // new NTLM bind on a connection that already did one).
      assert.equal(tap.connections(), 2, authType);
    }
  });
});
