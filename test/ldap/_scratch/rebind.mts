import { Client } from 'ldapts';
import * as slapd from '../../harness/slapd.ts';
const users = Array.from({ length: 50 }, (_, i) => ({ uid: `user${i}`, password: `pw ${i}` }));
const srv = await slapd.start({ entries: { users } });
const C = 16;
async function measure(name: string, op: (i: number, w: number) => Promise<unknown>) {
  let n = 0; const until = performance.now() + 2000; const t0 = performance.now();
  await Promise.all(Array.from({ length: C }, async (_, w) => { while (performance.now() < until) { await op(n++, w); } }));
  console.log(name, (n / ((performance.now() - t0) / 1000)).toFixed(0), '/s');
}
const conns = await Promise.all(Array.from({ length: C }, async () => { const c = new Client({ url: srv.url }); return c; }));
for (let r = 0; r < 2; r++) {
await measure('bind loop new conn', async (i) => { const c = new Client({ url: srv.url }); await c.bind(slapd.userDn(users[i % 50]!, srv.baseDn), users[i % 50]!.password); await c.unbind(); });
await measure('rebind on kept conn', async (i, w) => { await conns[w]!.bind(slapd.userDn(users[i % 50]!, srv.baseDn), users[i % 50]!.password); });
}
for (const c of conns) await c.unbind();
await srv.stop();
