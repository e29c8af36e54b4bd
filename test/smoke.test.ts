import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';

test('cli – prints its help with every command of the contract', () => {
  const out = execFileSync(process.execPath, ['bin/authproxy.js', '--help'], { encoding: 'utf8' });
  for (const cmd of ['start', 'check-config', 'mock-duo']) assert.match(out, new RegExp(`\\b${cmd}\\b`));
});
