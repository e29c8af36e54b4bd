import { startSamba } from '../../harness/samba.ts';
import { openSession, closeSession, type Endpoint, type BindCredentials } from '../../../adapters/ldap/session.ts';
const dc = await startSamba();
try {
  await dc.addUser('alice', 'Alice-pw-1');
  const ep: Endpoint = { host: '127.0.0.1', port: dc.port, transport: 'clear', ca: undefined, verifyHostname: true };
  const cases: [string, BindCredentials][] = [
    ['v2 TEST', { kind: 'ntlm', version: 2, dn: '<ROOT>', username: 'alice', password: 'Alice-pw-1', domain: 'TEST', workstation: 'WS' }],
    ['v2 nodomain', { kind: 'ntlm', version: 2, dn: '<ROOT>', username: 'alice', password: 'Alice-pw-1', domain: '', workstation: 'WS' }],
    ['v2 upn', { kind: 'ntlm', version: 2, dn: '', username: 'alice@test.local', password: 'Alice-pw-1', domain: '', workstation: 'WS' }],
    ['v2 upn TEST', { kind: 'ntlm', version: 2, dn: '', username: 'alice@test.local', password: 'Alice-pw-1', domain: 'TEST', workstation: 'WS' }],
    ['v2 wrong', { kind: 'ntlm', version: 2, dn: '', username: 'alice', password: 'nope', domain: 'TEST', workstation: 'WS' }],
    ['v1 TEST', { kind: 'ntlm', version: 1, dn: '<ROOT>', username: 'alice', password: 'Alice-pw-1', domain: 'TEST', workstation: 'WS' }],
    ['v1 wrong', { kind: 'ntlm', version: 1, dn: '<ROOT>', username: 'alice', password: 'x', domain: 'TEST', workstation: 'WS' }],
    ['v2 dn', { kind: 'ntlm', version: 2, dn: 'CN=alice,CN=Users,DC=test,DC=local', username: 'alice', password: 'Alice-pw-1', domain: 'TEST', workstation: 'WS' }],
    ['simple', { kind: 'simple', dn: 'CN=alice,CN=Users,DC=test,DC=local', password: 'Alice-pw-1' }],
    ['empty', { kind: 'simple', dn: 'CN=alice,CN=Users,DC=test,DC=local', password: '' }],
  ];
  for (const [name, c] of cases) {
    const r = await openSession(ep, c, AbortSignal.timeout(5000));
    console.log(name, r.ok ? 'OK' : r);
    if (r.ok) closeSession(r.socket);
  }
} finally { await dc.stop(); }
