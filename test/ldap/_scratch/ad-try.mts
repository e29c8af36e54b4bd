import { startSamba } from '../../harness/samba.ts';
import { createAdClient } from '../../../adapters/ldap/ad-client.ts';
import { createLogger } from '../../../adapters/log/logger.ts';
const dc = await startSamba();
const logger = createLogger({ level: 'debug', sync: true });
try {
  await dc.addUser('svc', 'Svc-pw-1');
  const alice = await dc.addUser('alice', 'Alice-pw-1');
  const bob = await dc.addUser('bob', 'Bob-pw-1');
  await dc.addUser('carol', 'Carol-pw-1', { disabled: true });
  await dc.addUser('dave', 'Dave-pw-1');
  const g = await dc.addGroup('duo-users');
  const p = await dc.addGroup('duo-primary');
  await dc.addMember(g.dn, alice);
  await dc.addMember(p.dn, bob);
  await dc.setPrimaryGroup(bob, p.rid);
  for (const authType of ['ntlm2', 'ntlm1', 'plain'] as const) {
    for (const group of [undefined, g.dn, p.dn]) {
      const c = createAdClient({ hosts: ['127.0.0.1'], port: dc.port, searchDn: dc.baseDn, serviceAccountUsername: 'svc', serviceAccountPassword: 'Svc-pw-1', bindDn: `CN=svc,CN=Users,${dc.baseDn}`, ntlmDomain: authType === 'ntlm1' ? 'TEST' : '', authType, securityGroupDn: group }, { logger });
      for (const [u, pw] of [['alice', 'Alice-pw-1'], ['TEST\\alice', 'Alice-pw-1'], ['alice@test.local', 'Alice-pw-1'], ['alice', 'bad'], ['bob', 'Bob-pw-1'], ['carol', 'Carol-pw-1'], ['nobody', 'x'], ['dave', 'Dave-pw-1'], ['alice', '']]) {
        const r = await c.authenticate({ username: u!, password: pw, requestAttributes: [], server: 'radius_server_auto' });
        console.log('RESULT', authType, group?.slice(3, 14) ?? '-', u, r.ok, r.message);
      }
      await c.close();
    }
  }
} finally { await dc.stop(); }
