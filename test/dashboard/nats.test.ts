// Over NATS a dashboard shows the logins of every instance: two `authproxy start` processes share a
// private nats-server; the login is sent to instance A (which runs the only engine), and the dashboard
// of instance B (a listener only) has its trace, assembled from events that crossed NATS.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { freePort, nats, radclient } from '../harness/index.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'authproxy.js');
const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'demo-duo.yaml');

function startProxy(cfg: string, args: string[], t: { after(fn: () => void): void }): Promise<Record<string, unknown>[]> {
  const child: ChildProcess = spawn(process.execPath, [BIN, 'start', '-c', cfg, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => child.kill('SIGKILL'));
  return new Promise((resolve, reject) => {
    const lines: Record<string, unknown>[] = [];
    createInterface({ input: child.stdout! }).on('line', (l) => {
      lines.push(JSON.parse(l) as Record<string, unknown>);
      if (lines.at(-1)!.event === 'ready') resolve(lines);
    });
    child.once('exit', (code) => reject(new Error(`proxy exited (${code}) before ready`)));
  });
}

test('dashboard over NATS – instance B shows a login that ran on instance A', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'authproxy-dash-nats-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const server = await nats.start();
  t.after(() => server.stop());
  const [udpA, udpB, dash] = [await freePort('udp'), await freePort('udp'), await freePort('tcp')];
  const section = (port: number) =>
    `[radius_server_duo_only]\nikey=DIDEMO00000000000000\nskey=demoSkeyDemoSkeyDemoSkeyDemoSkeyDemoSkey\napi_host=localhost\nradius_ip_1=127.0.0.1\nradius_secret_1=testing123\nport=${port}\n`;
  await writeFile(join(dir, 'a.cfg'), `[main]\nnats_url=${server.url}\nrole=both\n\n${section(udpA)}`);
  await writeFile(join(dir, 'b.cfg'), `[main]\nnats_url=${server.url}\nrole=listener\ndashboard_port=${dash}\n\n${section(udpB)}`);
  await startProxy(join(dir, 'a.cfg'), ['--mock-duo', FIXTURE], t);
  const b = await startProxy(join(dir, 'b.cfg'), [], t);
  const url = String(b.find((l) => l.event === 'dashboard')?.url);

  const r = await radclient({ server: `127.0.0.1:${udpA}`, secret: 'testing123', attributes: [['User-Name', 'dave'], ['User-Password', 'push'], ['Message-Authenticator', '0x00']], timeoutSec: 5 });
  assert.equal(r.code, 'Access-Reject');
  let logins: { loginId: string; user: string; outcome: string }[] = [];
  for (let i = 0; i < 50 && !logins.some((l) => l.user === 'dave' && l.outcome === 'reject'); i++) {
    await new Promise((res) => setTimeout(res, 100));
    logins = (await (await fetch(`${url}api/logins?user=dave`)).json()) as typeof logins;
  }
  const dave = logins.find((l) => l.outcome === 'reject');
  assert.ok(dave, `B's dashboard lists dave's login: ${JSON.stringify(logins)}`);
  const trace = (await (await fetch(`${url}api/logins/${dave.loginId}`)).json()) as { transitions: { state: string }[]; duo: { endpoint: string }[]; server: string };
  assert.equal(trace.server, 'radius_server_duo_only');
  assert.ok(trace.transitions.some((s) => s.state === 'rejected'));
  assert.ok(trace.duo.some((d) => d.endpoint === 'preauth'), 'the Duo call events came over NATS too');
});
