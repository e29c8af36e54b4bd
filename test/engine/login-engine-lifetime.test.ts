// What the login engine keeps once a login is over, and shutdown (abandon) of the logins still
// running. Regression: each login raced its settle() against one shutdown promise that never settles
// in normal running, which left a reaction per login on it: ~0.4 KiB of heap per login ever handled,
// for the life of the process (seen failing: ~390 bytes per login retained before the fix).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createMemoryBus } from '../../adapters/bus/memory.ts';
import type { LoginRequestMessage } from '../../adapters/bus/login-rpc.ts';
import { silentLogger } from '../../adapters/log/logger.ts';
import { hidePassword } from '../../adapters/radius/codec/index.ts';
import { createMemoryStore } from '../../adapters/store/memory.ts';
import { ABANDONED, type EngineServer, createLoginEngine } from '../../engine/login-engine.ts';
import type { DuoApi } from '../../machines/contracts.ts';
import { loginOptions } from '../../machines/login.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const SECRET = 's3cret';
const instantDuo: DuoApi = {
  preauth: async () => ({ ok: true, value: { result: 'auth', prompt: 'p', factors: { default: 'push1', '1': 'push1' } } }),
  auth: async () => ({ ok: true, value: { result: 'allow', status: 'Success. Logging you in...' } }),
};

function engineWith(duo: DuoApi) {
  const server: EngineServer = {
    name: 'radius_server_duo_only',
    integration: 'DIXXXXXXXXXXXXXXXXXX',
    mode: 'radius_server_duo_only',
    options: loginOptions({ failmode: 'secure' }),
    clientIpAttr: 'Calling-Station-Id',
    pwCodec: 'utf-8',
    secretFor: () => SECRET,
    primary: { authenticate: async () => ({ result: 'reject', attributes: [] }) } as never,
    duo,
  };
  return createLoginEngine({ servers: new Map([[server.name, server]]), store: createMemoryStore(), bus: createMemoryBus(), logger: silentLogger() });
}

let n = 0;
function request(): LoginRequestMessage {
  const authenticator = Buffer.alloc(16, n % 251);
  const hidden = hidePassword(Buffer.from('push'), SECRET, authenticator);
  assert.ok(hidden.ok);
  return {
    loginId: `login-${n++}`,
    server: 'radius_server_duo_only',
    clientIp: '127.0.0.1',
    clientPort: 40000,
    identifier: n % 256,
    authenticator: authenticator.toString('base64'),
    attributes: [
      { type: 1, value: Buffer.from('alice').toString('base64') },
      { type: 2, value: Buffer.from(hidden.value).toString('base64') },
    ],
    replySubject: 'unused',
    deadline: Date.now() + 10_000,
  };
}

async function logins(engine: ReturnType<typeof engineWith>, count: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next++ < count) {
        const reply = await engine.handle(request());
        assert.equal(reply.kind === 'reply' && reply.code, 2);
      }
    }),
  );
}

test('login engine – a finished login leaves nothing behind (heap flat over 8,000 logins)', async () => {
  const engine = engineWith(instantDuo);
  await logins(engine, 1000);
  gc();
  const before = process.memoryUsage().heapUsed;
  await logins(engine, 8000);
  gc();
  gc();
  const perLogin = (process.memoryUsage().heapUsed - before) / 8000;
  // The leak this guards against kept ~390 bytes per login; a clean engine measures 38-109 bytes of noise
  // (heap bookkeeping, JIT code) depending on the machine's load, so the line sits between the two.
  assert.ok(perLogin < 200, `${perLogin.toFixed(0)} bytes of heap retained per finished login`);
});

test('login engine – abandon() answers running logins drop at once, and later ones too', async () => {
  let calls = 0;
  const engine = engineWith({ ...instantDuo, auth: () => (calls++, new Promise(() => {})) });
  const running = engine.handle(request());
  while (calls === 0) await new Promise((r) => setImmediate(r));
  assert.equal(await engine.abandon(), 1);
  assert.deepEqual(await running, { kind: 'drop', reason: ABANDONED });
  assert.deepEqual(await engine.handle(request()), { kind: 'drop', reason: ABANDONED });
});
