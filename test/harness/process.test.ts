import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { waitUntil } from './process.ts';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'orphan.ts');

/** A process is gone when /proc has no entry for it or it is a zombie nobody has reaped yet. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Runs the fixture in `mode`; resolves with what it printed and how it ended. */
function runOrphan(mode: string): Promise<{ pid: number; dir: string; code: number | null; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, mode], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      try {
        const { pid, dir } = JSON.parse(out.trim().split('\n')[0] ?? '') as { pid: number; dir: string };
        resolve({ pid, dir, code, signal });
      } catch {
        reject(new Error(`fixture printed ${JSON.stringify(out)} (code ${code}, signal ${signal})`));
      }
    });
  });
}

describe('harness process cleanup', { concurrency: true }, () => {
  test('process – a test process that crashes still kills its servers and removes their dirs', async () => {
    const r = await runOrphan('throw');
    assert.equal(r.code, 1);
    await waitUntil(() => !alive(r.pid), { what: 'orphan to die', timeoutMs: 3000 });
    assert.equal(existsSync(r.dir), false);
  });

  test('process – SIGTERM to the test process cleans up and still terminates it', async () => {
    const r = await runOrphan('sigterm');
    assert.equal(r.signal, 'SIGTERM');
    await waitUntil(() => !alive(r.pid), { what: 'orphan to die', timeoutMs: 3000 });
    assert.equal(existsSync(r.dir), false);
  });

  test('process – a forgotten server neither keeps the test process alive nor outlives it', async () => {
    const r = await runOrphan('forget');
    assert.equal(r.code, 0);
    await waitUntil(() => !alive(r.pid), { what: 'orphan to die', timeoutMs: 3000 });
    assert.equal(existsSync(r.dir), false);
  });

  const noSetpriv = !existsSync('/usr/bin/setpriv') && 'needs setpriv (util-linux, Linux)';
  test('process – a SIGKILLed test process still takes its servers down (pdeathsig)', { skip: noSetpriv }, async () => {
    const r = await runOrphan('sigkill');
    assert.equal(r.signal, 'SIGKILL');
    await waitUntil(() => !alive(r.pid), { what: 'orphan to die', timeoutMs: 3000 });
    // no JavaScript ran, so the temp dir is left behind: remove it here
    rmSync(r.dir, { recursive: true, force: true });
  });
});
