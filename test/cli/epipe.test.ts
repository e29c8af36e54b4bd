// issue 15 §6: a closed stdout is normal for a command line tool (`authproxy check-config | head -1`):
// every command exits quietly, with the exit code it would have had, and no stack trace.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../harness/ports.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'authproxy.js');
const FIXTURES = join(ROOT, 'test', 'config', 'fixtures');

/** Runs `authproxy ARGS | true` (the reader is gone before the first write): its stderr and status. */
async function intoClosedPipe(dir: string, args: string[]): Promise<{ status: number; stderr: string }> {
  const errFile = join(dir, `stderr-${Math.random().toString(36).slice(2)}`);
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  // timeout(1) bounds the command itself: one that runs on blind (stdout gone) is killed, never left behind.
  const r = spawnSync('bash', ['-c', `timeout -k 5 30 ${quoted} 2>'${errFile}' | true; exit "\${PIPESTATUS[0]}"`], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status ?? -1, stderr: await readFile(errFile, 'utf8').catch(() => '') };
}

test('cli closed stdout – every command exits quietly with its own exit code (issue 15 §6)', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'authproxy-epipe-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const port = await freePort('udp');
  const cfg = join(dir, 'authproxy.cfg');
  await writeFile(cfg, `[radius_server_duo_only]\nikey=DIDEMO00000000000000\nskey=demoSkeyDemoSkeyDemoSkeyDemoSkeyDemoSkey\napi_host=localhost\nradius_ip_1=127.0.0.1\nradius_secret_1=epipe-secret\nport=${port}\n`);
  const cases: { args: string[]; status: number }[] = [
    { args: ['--help'], status: 0 },
    { args: ['check-config', '-c', join(FIXTURES, 'valid.cfg')], status: 0 },
    { args: ['check-config', '-c', join(FIXTURES, 'mistakes.cfg')], status: 2 },
    { args: ['connectivity', '-c', join(FIXTURES, 'mistakes.cfg')], status: 2 },
    { args: ['viz', '--format', 'dot'], status: 0 },
    // Long-running ones: the ready line finds stdout closed; they stop instead of running blind.
    { args: ['mock-duo', '--port', '0', '--http', '--fixtures', join(ROOT, 'fixtures', 'demo-duo.yaml')], status: 0 },
    { args: ['start', '-c', cfg, '--mock-duo', join(ROOT, 'fixtures', 'demo-duo.yaml')], status: 0 },
  ];
  for (const c of cases) {
    const r = await intoClosedPipe(dir, c.args);
    assert.equal(r.stderr, '', `authproxy ${c.args[0]}: nothing on stderr`);
    assert.equal(r.status, c.status, `authproxy ${c.args[0]} exits ${c.status}`);
  }
});
