// `npm run docs:images`: the README's pictures of the dashboard, from a real run. Starts the demo
// (demo/authproxy.cfg with the bundled mock Duo, on free ports instead of 1812/1813/8812 so that it
// never collides with a running demo), sends the README's logins with radclient (alice's push
// approved, carol's denied, a challenge login answered with option 1, one left waiting), and takes
// screenshots with Debian's chromium: docs/images/dashboard.png (lists and the live diagram) and
// docs/images/dashboard-trace.png (the trace of carol's denied login).
// The diagram alone is `npx authproxy viz --format svg -o docs/images/login-machine.svg`.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';
import { freePort } from '../test/harness/ports.ts';
import { radclient } from '../test/harness/radclient.ts';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'docs', 'images');
const dir = await mkdtemp(join(tmpdir(), 'authproxy-docs-images-'));
const [duoOnly, challenge, dash] = [await freePort('udp'), await freePort('udp'), await freePort('tcp')];
const cfg = (await readFile(join(ROOT, 'demo', 'authproxy.cfg'), 'utf8'))
  .replace('port=1812', `port=${duoOnly}`)
  .replace('port=1813', `port=${challenge}`)
  .replace('dashboard_port=8812', `dashboard_port=${dash}`);
await writeFile(join(dir, 'authproxy.cfg'), cfg);

let proxy: ChildProcess | undefined;
try {
  proxy = spawn(process.execPath, [join(ROOT, 'bin', 'authproxy.js'), 'start', '-c', join(dir, 'authproxy.cfg'), '--mock-duo', join(ROOT, 'fixtures', 'demo-duo.yaml')], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: proxy!.stdout! }).on('line', (l) => {
      if (l.includes('"event":"ready"')) resolve();
    });
    proxy!.once('exit', () => reject(new Error('the demo exited before it was ready')));
  });
  const url = `http://127.0.0.1:${dash}/`;
  const login = (port: number, user: string, password: string, state?: string) =>
    radclient({ server: `127.0.0.1:${port}`, secret: 'testing123', attributes: [['User-Name', user], ['User-Password', password], ['Message-Authenticator', '0x00'], ...(state ? ([['State', state]] as [string, string][]) : [])], timeoutSec: 10 });

  const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 1050 },
  });
  const page = await context.newPage();
  await page.goto(url);
  await page.locator('#status.live').waitFor();
  // The README's logins: two pushes on the duo_only section, a challenge answered with option 1, and
  // one challenge left waiting so the in-flight list has a row.
  const first = await login(challenge, 'alice', 'anything');
  const state = first.attributes.find((a) => a.name === 'State')?.value;
  await Promise.all([login(duoOnly, 'alice', 'push'), login(duoOnly, 'carol', 'push'), state ? login(challenge, 'alice', '1', state) : undefined]);
  await login(challenge, 'bob', 'anything');
  await page.locator('#recent-rows tr', { hasText: 'carol' }).waitFor();
  await page.waitForTimeout(800);
  await page.screenshot({ path: join(OUT, 'dashboard.png') });
  await page.locator('#recent-rows a', { hasText: 'carol' }).click();
  await page.locator('#trace-reply', { hasText: 'Access-Reject' }).waitFor();
  await page.screenshot({ path: join(OUT, 'dashboard-trace.png'), fullPage: true });
  await context.close();
  console.log(`wrote ${join(OUT, 'dashboard.png')} and ${join(OUT, 'dashboard-trace.png')}`);
} finally {
  proxy?.kill('SIGTERM');
  await rm(dir, { recursive: true, force: true });
}
