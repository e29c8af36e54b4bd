import { Client, EqualityFilter } from 'ldapts';
import * as slapd from '../../harness/slapd.ts';
import { openSession, closeSession } from '../../../adapters/ldap/session.ts';
const users = Array.from({ length: 50 }, (_, i) => ({ uid: `user${i}`, password: `pw ${i}`, memberOf: ['vpn-users'] }));
const srv = await slapd.start({ entries: { users } });
const C = Number(process.env.C ?? 128);
async function measure(name: string, op: (i: number) => Promise<unknown>) {
  let n = 0; const until = performance.now() + 2000; const t0 = performance.now();
  await Promise.all(Array.from({ length: C }, async () => { while (performance.now() < until) { await op(n++); } }));
  console.log(name, (n / ((performance.now() - t0) / 1000)).toFixed(0), '/s');
}
const shared = new Client({ url: srv.url }); await shared.bind(srv.adminDn, srv.adminPassword);
await measure('search on 1 shared conn', (i) => shared.search(srv.baseDn, { filter: new EqualityFilter({ attribute: 'uid', value: users[i % 50]!.uid }), attributes: ['uid'] }));
await measure('ldapts bind loop', async (i) => { const c = new Client({ url: srv.url }); await c.bind(slapd.userDn(users[i % 50]!, srv.baseDn), users[i % 50]!.password); await c.unbind(); });
await measure('openSession+close', async (i) => { const r = await openSession({ host: '127.0.0.1', port: srv.port, transport: 'clear', ca: undefined, verifyHostname: true }, { kind: 'simple', dn: slapd.userDn(users[i % 50]!, srv.baseDn), password: users[i % 50]!.password }, AbortSignal.timeout(5000)); if (r.ok) closeSession(r.socket); });
await measure('openSession+destroy', async (i) => { const r = await openSession({ host: '127.0.0.1', port: srv.port, transport: 'clear', ca: undefined, verifyHostname: true }, { kind: 'simple', dn: slapd.userDn(users[i % 50]!, srv.baseDn), password: users[i % 50]!.password }, AbortSignal.timeout(5000)); if (r.ok) r.socket.destroy(); });
await shared.unbind(); await srv.stop();
