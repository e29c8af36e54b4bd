// SIGHUP (issue 11 §3, "no option silently ignored"): the log destinations are opened once, when
// `start` begins (cli/commands/start.ts), so a reload cannot change them. A changed log option must be
// named in the reload's "applied at the next restart" warning like the other process-shaping [main]
// settings; it used to be taken silently and left as it was.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfigText, type ProxyConfig } from '../../config/index.ts';
import { restartOnlyChanges } from '../../ops/reload.ts';

const SECTION = '[radius_server_duo_only]\nikey=DIDEMO00000000000000\nskey=demoSkeyDemoSkeyDemoSkeyDemoSkeyDemoSkey\napi_host=localhost\nradius_ip_1=127.0.0.1\nradius_secret_1=reload-restart-secret\n';

function config(main: string): ProxyConfig {
  const r = parseConfigText(`[main]\n${main}\n${SECTION}`, '/etc/authproxy/authproxy.cfg');
  assert.ok(r.ok, JSON.stringify(r.ok ? [] : r.problems));
  return r.config;
}

test('reload – a changed log option is reported as needing a restart, not taken silently', () => {
  const before = config('');
  for (const [option, value] of [
    ['log_file', 'true'],
    ['log_stdout', 'true'],
    ['log_syslog', 'true'],
    ['syslog_facility', 'local3'],
    ['log_dir', '/var/log/authproxy'],
    ['log_max_size', '2048'],
    ['log_max_files', '2'],
    ['log_auth_events', 'true'],
    ['debug', 'true'],
    // Run once, as start begins (Duo's authproxyctl start): a reload does not run it.
    ['test_connectivity_on_startup', 'true'],
  ]) {
    assert.deepEqual(restartOnlyChanges(before.main, config(`${option}=${value}`).main), [option], option);
  }
  assert.deepEqual(restartOnlyChanges(before.main, config('syslog_server=127.0.0.1:514\nlog_syslog=true').main).sort(), ['log_syslog', 'syslog_server']);
  assert.deepEqual(restartOnlyChanges(before.main, config('').main), [], 'an unchanged file needs no restart');
});
