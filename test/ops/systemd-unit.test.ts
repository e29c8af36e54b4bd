// packaging/authproxy.service (issue 11 §4): systemd accepts it (`systemd-analyze verify`, where the
// machine has it), and it says what the operations guide promises: a dedicated user, reload by SIGHUP,
// restart on failure but not on a configuration error, the hardening directives, the config read-only
// and the log and state directories the only writable paths.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const UNIT = join(import.meta.dirname, '..', '..', 'packaging', 'authproxy.service');
const text = readFileSync(UNIT, 'utf8');
const hasAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

/** Every `Key=value` of a section, in order (a key may repeat). */
function directives(section: string): [string, string][] {
  const body = text.split(/^\[/m).find((s) => s.startsWith(`${section}]`)) ?? '';
  return body
    .split('\n')
    .filter((l) => /^[A-Za-z]+=/.test(l))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as [string, string]);
}

test('systemd unit – systemd-analyze verify accepts it', { skip: !hasAnalyze && 'systemd-analyze is not installed' }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'authproxy-unit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // verify checks that ExecStart's program exists: where node is elsewhere, point it there.
  const copy = join(dir, 'authproxy.service');
  writeFileSync(copy, existsSync('/usr/bin/node') ? text : text.replace('/usr/bin/node', process.execPath));
  const r = spawnSync('systemd-analyze', ['verify', '--man=no', copy], { encoding: 'utf8', cwd: dir });
  // Other units of the machine may draw warnings of their own; ours must draw none.
  const ours = r.stderr.split('\n').filter((l) => l.includes('authproxy'));
  assert.deepEqual(ours, []);
  assert.equal(r.status, 0, r.stderr);
});

test('systemd unit – dedicated user, SIGHUP reload, restart on failure, drain on stop', () => {
  const s = new Map(directives('Service'));
  assert.equal(s.get('User'), 'authproxy');
  assert.equal(s.get('Group'), 'authproxy');
  assert.match(s.get('ExecStart') ?? '', /\/bin\/authproxy\.js start -c \/etc\/authproxy\/authproxy\.cfg$/);
  assert.equal(s.get('ExecReload'), '/bin/kill -HUP $MAINPID');
  assert.equal(s.get('Restart'), 'on-failure');
  assert.equal(s.get('RestartPreventExitStatus'), '2', 'a configuration error (exit 2) is not retried in a loop');
  assert.equal(s.get('KillMode'), 'mixed');
  assert.ok(Number.parseInt(s.get('TimeoutStopSec') ?? '0', 10) > 10, 'longer than the default --grace of 10 s');
});

test('systemd unit – hardening, config read-only, the log and state directories the only writable paths', () => {
  const s = directives('Service');
  const get = (k: string) => s.filter(([key]) => key === k).map(([, v]) => v);
  for (const [k, v] of [
    ['NoNewPrivileges', 'yes'],
    ['ProtectSystem', 'strict'],
    ['ProtectHome', 'yes'],
    ['PrivateTmp', 'yes'],
    ['CapabilityBoundingSet', ''],
    ['RestrictSUIDSGID', 'yes'],
    ['LockPersonality', 'yes'],
    ['ConfigurationDirectory', 'authproxy'],
    ['LogsDirectory', 'authproxy'],
    // ma_state_file (issue 15 §8) goes to $STATE_DIRECTORY: /etc is read-only under ProtectSystem=strict.
    ['StateDirectory', 'authproxy'],
  ])
    assert.deepEqual(get(k!), [v], k);
  assert.deepEqual(get('ReadWritePaths'), [], 'nothing writable but LogsDirectory and StateDirectory');
  assert.deepEqual(get('MemoryDenyWriteExecute'), [], 'V8 needs writable executable memory');
  assert.match(get('RestrictAddressFamilies')[0] ?? '', /AF_INET AF_INET6 AF_UNIX/);
});
