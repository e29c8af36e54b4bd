// The log formatters and the rotating file (ops/logs/): properties over any input.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { createLogger, REDACT, unredacted } from '../../adapters/log/logger.ts';
import type { LoginSummary } from '../../machines/login-events.ts';
import { formatAuthEvent } from '../../ops/logs/authevents.ts';
import { loginLine } from '../../ops/logs/login-line.ts';
import { pyJsonString, pyUtcTimestamp } from '../../ops/logs/py-json.ts';
import { RotatingFile } from '../../ops/logs/rotating-file.ts';
import { facilityNumber, parseSyslogServer } from '../../ops/logs/syslog-config.ts';
import { formatRfc5424, severityOf } from '../../ops/logs/syslog.ts';

describe('log formats', () => {
  test('py-json – any string: ASCII only, parses back to itself, and matches python3 json.dumps on a sample', () => {
    const samples: string[] = [];
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const out = pyJsonString(s);
        assert.match(out, /^[\x20-\x7e]*$/);
        assert.equal(JSON.parse(out), s); // lone surrogates included: they travel as escapes
        if (samples.length < 200) samples.push(s);
      }),
    );
    // Python reads our JSON lines and writes them back: the same bytes.
    const lines = samples.map((s) => `[${pyJsonString(s)}]`);
    const back = execFileSync('python3', ['-c', 'import sys, json\nfor l in sys.stdin.read().split("\\n"): print(json.dumps(json.loads(l)))'], { input: lines.join('\n') }).toString().split('\n').slice(0, -1);
    assert.deepEqual(back, lines);
  });

  test('py-json – timestamps as Python isoformat: microseconds, none when exactly 0', () => {
    assert.equal(pyUtcTimestamp(Date.UTC(2020, 7, 27, 9, 37, 19, 123)), '2020-08-27T09:37:19.123000Z');
    assert.equal(pyUtcTimestamp(Date.UTC(2020, 7, 27, 9, 37, 19, 0)), '2020-08-27T09:37:19Z');
    fc.assert(fc.property(fc.integer({ min: 0, max: 4102444800000 }), (ms) => assert.match(pyUtcTimestamp(ms), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}000)?Z$/)));
  });

  test('authevents – reference §18 fact 48, key for key', () => {
    const line = formatAuthEvent({ at: Date.UTC(2020, 7, 27, 9, 37, 19, 123), msg: 'Primary authentication successful - Active Directory authentication succeeded', username: 'alice', stage: 'Primary authentication', status: 'Allow', clientIp: '10.0.0.5', server: 'radius_server_auto', ikey: 'DIXXXXXXXXXXXXXXXXXX', factor: null, hostname: 'host' });
    assert.equal(
      line,
      '{"timestamp": "2020-08-27T09:37:19.123000Z", "msg": "Primary authentication successful - Active Directory authentication succeeded", "username": "alice", "auth_stage": "Primary authentication", "status": "Allow", "client_ip": "10.0.0.5", "server_section": "radius_server_auto", "server_section_ikey": "DIXXXXXXXXXXXXXXXXXX", "factor": null, "hostname": "host"}\n',
    );
  });

  test('syslog – RFC 5424 header for any facility, severity and text; the settings parsers', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 23 }), fc.constantFrom('debug', 'info', 'warn', 'error', 'fatal'), fc.string(), (facility, level, text) => {
        const line = JSON.stringify({ level, msg: text });
        const m = formatRfc5424({ facility, severity: severityOf(line), at: new Date(0), host: 'h o', app: 'Authproxy', pid: 7, msg: line });
        const r = /^<(\d+)>1 1970-01-01T00:00:00\.000Z h_o Authproxy 7 - - (.*)$/s.exec(m);
        assert.ok(r, m);
        assert.equal(Number(r[1]) >> 3, facility);
        assert.equal(r[2], line);
      }),
    );
    assert.deepEqual(['LOG_USER', 'log_local3', 'daemon', 'LOG_NOPE'].map(facilityNumber), [1, 19, 3, undefined]);
    assert.deepEqual(parseSyslogServer('10.0.0.5'), { host: '10.0.0.5', port: 514 });
    assert.deepEqual(parseSyslogServer('[::1]:5514'), { host: '::1', port: 5514 });
    assert.equal(parseSyslogServer('a:b:c:99999'), undefined);
  });

  test('rotating file – any lines, sizes and counts: all lines once, in order, across the copies; no copy over the size unless one line is', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 0, maxLength: 120 }), { maxLength: 60 }), fc.integer({ min: 1, max: 400 }), (texts, maxSize) => {
        const dir = mkdtempSync(join(tmpdir(), 'authproxy-rot-'));
        try {
          const f = new RotatingFile(join(dir, 'a.log'), { maxSize, maxFiles: 0, checkEveryMs: 0 });
          const lines = texts.map((t, i) => `${i} ${t.replace(/\n/g, ' ')}\n`);
          for (const l of lines) f.write(l);
          f.close();
          const copies = readdirSync(dir).filter((n) => /^a\.log\.\d+$/.test(n)).sort((a, b) => Number(b.split('.').pop()) - Number(a.split('.').pop()));
          const all = [...copies, 'a.log'].map((n) => readFileSync(join(dir, n), 'utf8'));
          assert.equal(all.join(''), lines.join(''));
          for (const text of all.slice(0, -1)) assert.ok(Buffer.byteLength(text) <= maxSize || text.split('\n').length === 2);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 60 },
    );
  });

  test('rotating file – moved away by logrotate (no signal): noticed and reopened, no line lost', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'authproxy-rot-'));
    try {
      const f = new RotatingFile(join(dir, 'a.log'), { maxSize: 0, maxFiles: 0, checkEveryMs: 20 });
      f.write('before\n');
      renameSync(join(dir, 'a.log'), join(dir, 'a.log-20261208'));
      f.write('still to the moved file\n');
      await new Promise((r) => setTimeout(r, 100));
      f.write('after\n');
      f.close();
      assert.equal(readFileSync(join(dir, 'a.log-20261208'), 'utf8'), 'before\nstill to the moved file\n');
      assert.equal(readFileSync(join(dir, 'a.log'), 'utf8'), 'after\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('rotating file – lines gathered in one turn of the loop reach the file by the next, and at a process.exit() without close()', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'authproxy-rot-'));
    try {
      const f = new RotatingFile(join(dir, 'a.log'), { maxSize: 0, maxFiles: 0, checkEveryMs: 0 });
      f.write('one\n');
      f.write('two\n');
      await new Promise((r) => setImmediate(r));
      assert.equal(readFileSync(join(dir, 'a.log'), 'utf8'), 'one\ntwo\n');
      f.close();
      // A fatal error's last line is written just before process.exit(): it must not stay gathered.
      const module = fileURLToPath(new URL('../../ops/logs/rotating-file.ts', import.meta.url));
      const script = `const { RotatingFile } = await import(${JSON.stringify(module)}); const f = new RotatingFile(${JSON.stringify(join(dir, 'b.log'))}, { maxSize: 0, maxFiles: 0 }); f.write('last words\\n'); process.exit(3);`;
      assert.throws(() => execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: 'pipe' }), (e: { status?: number }) => e.status === 3);
      assert.equal(readFileSync(join(dir, 'b.log'), 'utf8'), 'last words\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('rotating file – log_max_files keeps that many copies, the newest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'authproxy-rot-'));
    try {
      const f = new RotatingFile(join(dir, 'a.log'), { maxSize: 10, maxFiles: 2, checkEveryMs: 0 });
      for (let i = 0; i < 6; i++) f.write(`line ${i}..\n`);
      f.close();
      assert.deepEqual(readdirSync(dir).sort(), ['a.log', 'a.log.1', 'a.log.2']);
      assert.deepEqual(['a.log.2', 'a.log.1', 'a.log'].map((n) => readFileSync(join(dir, n), 'utf8')), ['line 3..\n', 'line 4..\n', 'line 5..\n']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// The login line is written without pino's redaction (adapters/log/logger.ts unredacted(), engine/proxy.ts):
// that is only sound while its fields are flat and none has a redacted name. Any summary, with a thread.
describe('login line without redaction', () => {
  const summary = fc.record({
    loginId: fc.uuid(),
    server: fc.string(),
    mode: fc.constantFrom('radius_server_auto', 'radius_server_duo_only', 'radius_server_challenge'),
    clientIp: fc.string(),
    user: fc.option(fc.string()),
    factor: fc.option(fc.string()),
    outcome: fc.constantFrom('allow', 'reject', 'challenge', 'drop'),
    reason: fc.string(),
    reasonText: fc.string(),
    final: fc.boolean(),
    code: fc.option(fc.constantFrom(2, 3, 11, 99), { nil: undefined }),
    replyMessage: fc.option(fc.string(), { nil: undefined }),
    txid: fc.option(fc.string(), { nil: undefined }),
    rounds: fc.nat(),
    startedAt: fc.string(),
    ms: fc.nat(),
    primaryMs: fc.nat(),
    preauthMs: fc.nat(),
    authMs: fc.nat(),
    engine: fc.string(),
  });
  const names = new Set(REDACT.map((p) => p.split('.').at(-1)));

  test('its fields are flat and none is a redacted name, so both loggers write the same line', () => {
    const lines: string[] = [];
    const sink = { write: (s: string) => lines.push(s) } as unknown as NodeJS.WritableStream;
    const redacting = createLogger({ level: 'info', destination: sink }).child({ component: 'radius' });
    const plain = unredacted(redacting);
    fc.assert(
      fc.property(summary, fc.option(fc.nat(), { nil: undefined }), (s, thread) => {
        const line = loginLine(s as LoginSummary);
        const fields = thread === undefined ? line.fields : { ...line.fields, thread };
        for (const [k, v] of Object.entries(fields)) {
          assert.ok(!names.has(k), k);
          assert.ok(v === null || typeof v !== 'object', k);
        }
        lines.length = 0;
        redacting.info(fields, line.message);
        plain.info(fields, line.message);
        const [a, b] = lines.map((l) => ({ ...(JSON.parse(l) as Record<string, unknown>), time: 0 }));
        assert.deepEqual(b, a);
      }),
    );
    assert.equal(plain.level, redacting.level);
  });
});
