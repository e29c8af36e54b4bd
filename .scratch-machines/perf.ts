import { createActor } from 'xstate';
import { settle } from '../machines/login.ts';
import { fakeMachine, makeInput, primaryOk, preauthAuth, authOk } from '../test/machines/support.ts';
const m = fakeMachine({ primary: primaryOk(), preauth: preauthAuth(), auth: authOk('allow', 'ok') });
async function auto(n: number) {
  const t = performance.now();
  for (let i = 0; i < n; i++) { const a = createActor(m, { input: makeInput('radius_server_auto', { password: 'pw,push' }) }); a.start(); await settle(a); a.stop(); }
  return n / ((performance.now() - t) / 1000);
}
async function challenge(n: number) {
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    const a = createActor(m, { input: makeInput('radius_server_challenge') }); a.start(); await settle(a);
    const snap = JSON.stringify(a.getPersistedSnapshot()); a.stop();
    const b = createActor(m, { snapshot: JSON.parse(snap), input: undefined as never }); b.start();
    b.send({ type: 'ANSWER', now: Date.now(), clientIp: '10.0.0.5', password: '1' }); await settle(b); b.stop();
  }
  return n / ((performance.now() - t) / 1000);
}
await auto(500); await challenge(300);
console.log('auto logins/s', Math.round(await auto(5000)));
console.log('challenge logins (persist+restore+answer)/s', Math.round(await challenge(3000)));
const a = createActor(m, { input: makeInput('radius_server_challenge') }); a.start(); await settle(a);
console.log('snapshot bytes', JSON.stringify(a.getPersistedSnapshot()).length);
