// `authproxy start` as an admin runs it: the ready line, SIGTERM letting a running login finish and
// exiting 0, a config mistake named with file and line; `authproxy viz` from the machine itself.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { freePort } from '../harness/ports.ts';
import { device } from '../e2e/device.ts';
import { SECRET } from '../e2e/stack.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'authproxy.js');
const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'demo-duo.yaml');

test('cli start – ready line, then SIGTERM lets the running login finish and exits 0', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'authproxy-cli-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const port = await freePort('udp');
  const cfg = join(dir, 'authproxy.cfg');
  await writeFile(cfg, `[radius_server_duo_only]\nikey=DIDEMO00000000000000\nskey=demoSkeyDemoSkeyDemoSkeyDemoSkeyDemoSkey\napi_host=localhost\nradius_ip_1=127.0.0.1\nradius_secret_1=${SECRET}\nport=${port}\n`);
  const child = spawn(process.execPath, [BIN, 'start', '-c', cfg, '--mock-duo', FIXTURE], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  t.after(() => child.kill('SIGKILL'));
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (l) => {
      raw.push(l);
      const j = JSON.parse(l) as Record<string, unknown>;
      lines.push(j);
      if (j.event === 'ready') resolve(j);
    });
    void exited.then(() => reject(new Error('exited before ready')));
  });
  assert.equal(ready.bus, 'memory');
  assert.equal(ready.store, 'memory');
  // alice's demo push takes 1.5 s: SIGTERM arrives while it waits; the answer must still come.
  const d = device(port);
  const login = d.send('alice', 'push');
  await new Promise((r) => setTimeout(r, 400));
  child.kill('SIGTERM');
  const reply = await login;
  await d.close();
  assert.deepEqual([reply.code, reply.replyMessages], [2, ['Success. Logging you in...']]);
  assert.equal(await exited, 0);
  assert.ok(lines.some((l) => l.event === 'stopping') && lines.some((l) => l.event === 'stopped'));
  // pino's own keys once per line: a field named like one writes a second key, and a JSON reader keeps
  // the last (the log-outputs line's `level` of the configured log level relabelled that info line).
  for (const key of ['level', 'time', 'msg']) assert.deepEqual(raw.filter((l) => l.split(`"${key}":`).length !== 2), [], key);
  // The log never carries the password. In duo_only the password `push` is also the factor's name,
  // which the login line gives as `factor`: that field alone may say it.
  assert.ok(lines.some((l) => l.event === 'login' && l.factor === 'push'));
  assert.ok(!JSON.stringify(lines.map(({ factor: _factor, ...rest }) => rest)).includes('"push"'));
});

test('cli start – a config mistake is named with file and line, nothing starts, exit 2', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'authproxy-cli-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const cfg = join(dir, 'authproxy.cfg');
  await writeFile(cfg, '[radius_server_auto]\nikey=DIABC\nskey=x\napi_host=localhost\nradius_ip_1=127.0.0.1\nradius_secret_1=s3cr3t-value\nallow_concat=yes\n');
  const r = spawnSync(process.execPath, [BIN, 'start', '-c', cfg], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, new RegExp(`${cfg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:7 \\[radius_server_auto\\] allow_concat: Invalid value for configuration item: 'allow_concat' must be a boolean value`));
  assert.match(r.stderr, /:2 \[radius_server_auto\] ikey: The ikey value provided is invalid\./);
  assert.ok(!r.stderr.includes('s3cr3t-value'));
});

test('cli viz – Mermaid and DOT generated from the login machine', () => {
  const mermaid = spawnSync(process.execPath, [BIN, 'viz', '--mode', 'challenge'], { encoding: 'utf8' });
  assert.equal(mermaid.status, 0);
  assert.match(mermaid.stdout, /^stateDiagram-v2/);
  assert.match(mermaid.stdout, /awaiting/);
  const dot = spawnSync(process.execPath, [BIN, 'viz', '--format', 'dot'], { encoding: 'utf8' });
  assert.match(dot.stdout, /^digraph/);
  assert.match(dot.stdout, /cluster_Duo preauth/);
});

test('cli viz – --format svg -o FILE writes a picture a browser shows; concat mode; an unwritable path is an error', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'authproxy-viz-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const out = join(dir, 'login.svg');
  const r = spawnSync(process.execPath, [BIN, 'viz', '--format', 'svg', '--mode', 'concat', '-o', out], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '');
  const svg = await readFile(out, 'utf8');
  assert.match(svg, /^<\?xml[\s\S]*<svg [\s\S]*<\/svg>\s*$/);
  assert.ok(svg.includes('primarySplit') === false && svg.includes('preauthFailmode'), 'concat: no split-first path, failmode shown');
  const bad = spawnSync(process.execPath, [BIN, 'viz', '--format', 'svg', '-o', join(dir, 'missing', 'x.svg')], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /cannot write .*x\.svg/);
});
