import { getShortestPaths } from '@xstate/graph';
import { loginMachine } from '../machines/login.ts';
import { makeInput, primaryOk, preauthAuth } from '../test/machines/support.ts';
const input = makeInput('radius_server_auto', { password: 'hunter2,push' });
const paths = getShortestPaths(loginMachine, {
  input,
  events: (s: any) => {
    const v = JSON.stringify(s.value);
    if (v.includes('primary')) return [{ type: 'xstate.done.actor.primaryAuth', output: primaryOk() } as any, { type: 'xstate.after.LOGIN_TIMEOUT.login.processing' }];
    if (v.includes('preauth')) return [{ type: 'xstate.done.actor.duoPreauth', output: preauthAuth() }];
    return [];
  },
});
console.log(paths.length);
for (const p of paths) console.log(JSON.stringify(p.state.value), p.state.status, p.steps.map((st: any) => st.event.type + '→' + JSON.stringify(st.state.value)).join(' | '));
