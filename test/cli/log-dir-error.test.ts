// A log_dir that cannot be created or written (the common case: Duo's authproxy.cfg copied to
// /etc/authproxy/ with log_file = true, whose default log_dir is /etc/log, read-only under the systemd
// unit) is a configuration error named with the file, the option and the fix, exit 2 (which the unit
// does not restart in a loop), instead of a stack trace and exit 1.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../harness/ports.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'authproxy.js');

test('cli start – an unusable log_dir is a clear configuration error, exit 2, no stack trace', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'authproxy-logdir-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // A regular file where a folder should be: mkdir fails for root too (ENOTDIR).
  writeFileSync(join(dir, 'not-a-dir'), '');
  const cfg = join(dir, 'authproxy.cfg');
  writeFileSync(
    cfg,
    `[main]\nlog_file=true\nlog_dir=${join(dir, 'not-a-dir', 'log')}\n\n[radius_server_duo_only]\nikey=DIDEMO00000000000000\nskey=demoSkeyDemoSkeyDemoSkeyDemoSkeyDemoSkey\napi_host=localhost\nradius_ip_1=127.0.0.1\nradius_secret_1=log-dir-secret\nport=${await freePort('udp')}\n`,
  );
  const r = spawnSync(process.execPath, [BIN, 'start', '-c', cfg], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /log_dir/);
  assert.match(r.stderr, new RegExp(`${cfg.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
  assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
  assert.ok(!(r.stdout + r.stderr).includes('log-dir-secret'));
});
