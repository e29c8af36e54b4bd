import { startSamba } from '/work/main/test/harness/samba.ts';
import { Client } from 'ldapts';
const t0 = Date.now();
const dc = await startSamba();
console.log('started', Date.now() - t0, dc.url);
const alice = await dc.addUser('alice', 'Alice-pw-1');
const carol = await dc.addUser('carol', 'Carol-pw-1', { disabled: true });
const g = await dc.addGroup('duo-users');
console.log('seeded', Date.now() - t0, alice, g);
const c = new Client({ url: dc.url });
for (const [dn, pw] of [['TEST\\alice', 'Alice-pw-1'], [alice, 'Alice-pw-1'], [alice, 'wrong'], [carol, 'Carol-pw-1'], ['alice@test.local', 'Alice-pw-1']]) {
  try { await c.bind(dn!, pw); console.log('bind ok', dn); await c.unbind(); } catch (e) { console.log('bind fail', dn, (e as Error).message); }
}
await dc.stop();
console.log('stopped', Date.now() - t0);
