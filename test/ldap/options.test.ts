import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createAdClient } from '../../adapters/ldap/ad-client.ts';
import { type AdClientOptions, resolveAdClientOptions } from '../../adapters/ldap/options.ts';
import type { AdClientSection } from '../../config/types.ts';
import { captureLogger, login } from './helpers.ts';

// The engine hands the parsed [ad_client] section straight to createAdClient: this must compile.
const fromSection = (s: AdClientSection): AdClientOptions => s;

describe('ldap ad_client options', () => {
  test('options – Duo defaults (reference §4.6)', () => {
    const r = resolveAdClientOptions({ hosts: ['dc1'], searchDn: 'DC=x' }, 'PROXYHOST');
    assert.deepEqual(r, {
      hosts: ['dc1'],
      port: 389,
      transport: 'clear',
      sslCaCertsFile: undefined,
      sslVerifyHostname: true,
      timeoutMs: 10_000,
      serviceAccountUsername: '',
      serviceAccountPassword: '',
      bindDn: '<ROOT>',
      searchDn: 'DC=x',
      securityGroupDn: '',
      usernameAttribute: 'sAMAccountName',
      atAttribute: 'userPrincipalName',
      ldapFilter: undefined,
      authType: 'ntlm2',
      ntlmDomain: '',
      ntlmWorkstation: 'PROXYHOST',
      servicePoolSize: 2,
      userBindPoolSize: 16,
    });
    assert.equal(resolveAdClientOptions({ hosts: [], searchDn: '', transport: 'ldaps' }, 'h').port, 636);
    // Empty strings from the config file mean "not set".
    const blank = resolveAdClientOptions({ hosts: [], searchDn: '', bindDn: '', ldapFilter: '  ', sslCaCertsFile: '' }, 'h');
    assert.equal(blank.bindDn, '<ROOT>');
    assert.equal(blank.ldapFilter, undefined);
    assert.equal(blank.sslCaCertsFile, undefined);
  });

  test('options – a config AdClientSection is accepted as is', () => {
    const section: AdClientSection = {
      name: 'ad_client',
      type: 'ad_client',
      line: 1,
      hosts: ['10.0.0.1', '10.0.0.2'],
      port: 636,
      transport: 'ldaps',
      authType: 'plain',
      serviceAccountUsername: 'svc',
      serviceAccountPassword: 'pw',
      searchDn: 'DC=x',
      securityGroupDn: '',
      bindDn: 'CN=svc,DC=x',
      usernameAttribute: 'sAMAccountName',
      atAttribute: 'userPrincipalName',
      ldapFilter: '',
      ntlmDomain: '',
      ntlmWorkstation: '',
      domainDiscovery: false,
      timeout: 10,
      sslCaCertsFile: undefined,
      sslVerifyDepth: 9,
      sslVerifyHostname: true,
      debug: false,
    };
    const r = resolveAdClientOptions(fromSection(section), 'h');
    assert.equal(r.port, 636);
    assert.equal(r.transport, 'ldaps');
    assert.equal(r.bindDn, 'CN=svc,DC=x');
  });

  test('options – auth_type=sspi fails the initial bind as Duo does off Windows, connecting nowhere', async () => {
    const { logger, messages } = captureLogger();
    const c = createAdClient({ hosts: ['127.0.0.1'], port: 1, searchDn: 'DC=x', authType: 'sspi' }, { logger });
    const r = await c.authenticate(login('alice', 'pw'));
    await c.close();
    assert.deepEqual(r, { ok: false, message: 'Failed to communicate with any Active Directory server', attributes: [] });
    assert.ok(messages().includes("Initial LDAP bind to AD failed: 'The SSPI bind type is only supported on Windows.'"));
  });
});
