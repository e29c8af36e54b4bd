// authevents.log after a reload: each line carries the ikey (and the factor rule of the mode) of the
// section as it runs now, not as it ran at start (the facts were read once, at start).
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConfigText } from '../../config/index.ts';
import type { AnyLoginEvent } from '../../machines/login-events.ts';
import { openLogOutputs } from '../../ops/logs/outputs.ts';

const SKEY = 'Zk3vQ9tYpL2mN8rW4xC6bH1jD5fG7sA0eU2iO9kX';
const cfg = (logDir: string, ikey: string) =>
  `[main]\nlog_auth_events=true\nlog_dir=${logDir}\n\n[radius_server_challenge]\nikey=${ikey}\nskey=${SKEY}\napi_host=localhost\nradius_ip_1=127.0.0.1\nradius_secret_1=s3cret-reload\nclient=duo_only_client\n\n[duo_only_client]\n`;

function authAnswered(): AnyLoginEvent {
  return {
    kind: 'duo',
    loginId: 'l1',
    server: 'radius_server_challenge',
    user: 'alice',
    clientIp: '127.0.0.1',
    state: 'processing.auth',
    event: 'login.duo',
    at: new Date().toISOString(),
    detail: { endpoint: 'auth', ms: 3, ok: true, round: 2, httpStatus: 200, result: 'allow', status: 'Success. Logging you in...', factor: 'push1' },
  } as AnyLoginEvent;
}

test('authevents after a reload – the section\'s new ikey, and a section the reload added, are written', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'authproxy-authev-reload-'));
  try {
    const first = parseConfigText(cfg(dir, 'DIAAAAAAAAAAAAAAAAAA'), join(dir, 'conf', 'authproxy.cfg'));
    const second = parseConfigText(cfg(dir, 'DIBBBBBBBBBBBBBBBBBB'), join(dir, 'conf', 'authproxy.cfg'));
    assert.ok(first.ok && second.ok);
    const outputs = openLogOutputs(first.config, { write: () => {} });
    outputs.onLoginEvent(authAnswered());
    outputs.setServers(second.config.servers);
    outputs.onLoginEvent(authAnswered());
    await outputs.close();
    const lines = (await readFile(join(dir, 'authevents.log'), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(
      lines.map((l) => [l['server_section_ikey'], l['factor']]),
      [
        ['DIAAAAAAAAAAAAAAAAAA', 'push1'],
        ['DIBBBBBBBBBBBBBBBBBB', 'push1'],
      ],
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
