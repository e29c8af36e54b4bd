import { loginMachine } from '../machines/login.ts';
const p = (loginMachine.root.states as any).processing;
for (const [k, ts] of p.transitions) for (const t of ts) console.log(k, t.target, t.actions.map((a: any) => [typeof a, a.type, a.event]));
