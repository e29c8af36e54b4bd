// RADIUS transport benchmark (`npm run bench -- radius`):
//  1. codec: encode/decode per second, ours against the `radius` package in the same run;
//  2. server round trips per second with a trivial Access-Accept handler at concurrency 1/16/128, from
//     our load generator in a child process, against the same load on FreeRADIUS radiusd (harness)
//     answering from its users file: the ratio ours/FreeRADIUS, p50/p99;
//  3. a burst of 2,000 requests sent at once: how many are lost.
// Targets: >= 0.5x FreeRADIUS's rate; p99 <= 2 ms at concurrency 16; 0 lost in the burst.
import { execFileSync, fork } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import radius from 'radius';
import { attr, toRaw } from '../adapters/radius/attributes.ts';
import { decodePacket, encodeReply, encodeRequest } from '../adapters/radius/codec/index.ts';
import { type LoadOptions, type LoadReport, runLoad } from '../simulator/load.ts';
import { startTestRadiusServer } from '../adapters/radius/test-server.ts';

const SECRET = 'bench-secret';
const USER = 'bench';
const PASSWORD = 'bench-pw';

function loadInChild(o: LoadOptions): Promise<LoadReport> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--loadgen', JSON.stringify(o)], { execArgv: ['--import', 'tsx'] });
    child.once('message', (m) => resolve(m as LoadReport));
    child.once('exit', (code) => code !== 0 && reject(new Error(`load generator exited with ${code}`)));
  });
}

function opsPerSec(fn: () => void, ms = 800): number {
  for (let i = 0; i < 2000; i++) fn();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    for (let i = 0; i < 200; i++) fn();
    n += 200;
  }
  return n / ((performance.now() - t0) / 1000);
}

const f0 = (n: number) => Math.round(n).toLocaleString('en-US');
const f2 = (n: number) => n.toFixed(2);

function codecBench(): void {
  console.log('\n-- codec (Access-Request: User-Name, User-Password, NAS-IP-Address, NAS-Port, Calling-Station-Id, MA) --');
  const ours = [attr('User-Name', 'alice'), attr('User-Password', 'correct horse'), attr('NAS-IP-Address', '10.0.0.1'), attr('NAS-Port', 1), attr('Calling-Station-Id', '10.0.0.5')].map(toRaw);
  const theirs: [string, string | number][] = [['User-Name', 'alice'], ['User-Password', 'correct horse'], ['NAS-IP-Address', '10.0.0.1'], ['NAS-Port', 1], ['Calling-Station-Id', '10.0.0.5']];
  const enc = encodeRequest({ id: 1, secret: SECRET, attributes: ours });
  if (!enc.ok) throw new Error(enc.error);
  const decoded = decodePacket(enc.bytes, { secret: SECRET, requireMessageAuthenticator: true });
  if (!decoded.ok) throw new Error(decoded.reason);
  const rows: [string, number, number][] = [
    [
      'encode request',
      opsPerSec(() => encodeRequest({ id: 1, secret: SECRET, attributes: ours })),
      opsPerSec(() => radius.encode({ code: 'Access-Request', identifier: 1, secret: SECRET, add_message_authenticator: true, attributes: theirs.map((a) => [...a]) })),
    ],
    [
      'decode + verify request',
      opsPerSec(() => decodePacket(enc.bytes, { secret: SECRET, requireMessageAuthenticator: true })),
      opsPerSec(() => radius.decode({ packet: enc.bytes, secret: SECRET })),
    ],
    [
      'encode reply (MA, Reply-Message)',
      opsPerSec(() => encodeReply(decoded.packet, 2, [{ type: 18, value: Buffer.from('Welcome') }], SECRET)),
      opsPerSec(() =>
        radius.encode({ code: 'Access-Accept', identifier: 1, authenticator: enc.bytes.subarray(4, 20), secret: SECRET, add_message_authenticator: true, attributes: [['Reply-Message', 'Welcome']] } as never),
      ),
    ],
  ];
  console.log('operation                         ours ops/s   radius ops/s   ratio ours/radius');
  for (const [name, a, b] of rows) console.log(`${name.padEnd(32)} ${f0(a).padStart(11)}   ${f0(b).padStart(12)}   ${f2(a / b).padStart(8)}x`);
}

/** Raises net.core.rmem_max to `want` when root and lower; returns the value to restore, if changed. */
function raiseRmemMax(want: number): number | undefined {
  const path = '/proc/sys/net/core/rmem_max';
  if (!existsSync(path)) return undefined;
  const current = Number(readFileSync(path, 'utf8').trim());
  if (current >= want) {
    console.log(`net.core.rmem_max = ${current} (enough for the ${want}-byte receive buffer)`);
    return undefined;
  }
  if (process.getuid?.() !== 0) {
    console.log(`net.core.rmem_max = ${current} caps the receive buffer; not root, so left as is (the burst may lose packets)`);
    return undefined;
  }
  execFileSync('sysctl', ['-w', `net.core.rmem_max=${want}`], { stdio: 'ignore' });
  console.log(`raised net.core.rmem_max from ${current} to ${want} with sysctl -w (restored at the end)`);
  return current;
}

function line(label: string, r: LoadReport): string {
  return `${label.padEnd(22)} ${f0(r.perSecond).padStart(8)} req/s   p50 ${f2(r.p50).padStart(6)} ms   p99 ${f2(r.p99).padStart(6)} ms   answered ${r.answered}/${r.sent}${r.lost ? `   LOST ${r.lost}` : ''}`;
}

async function main(): Promise<void> {
  codecBench();
  const restore = raiseRmemMax(8 * 1024 * 1024);
  const ours = await startTestRadiusServer({
    secret: SECRET,
    requireMessageAuthenticator: 'true',
    handle: () => ({ kind: 'reply', code: 2, replyMessage: 'ok', attributes: [] }),
  });
  let fr: { stop(): Promise<void>; host: string; port: number } | undefined;
  try {
    if (existsSync('/usr/sbin/freeradius')) {
      const radiusd = await import('../test/harness/radiusd.ts');
      fr = await radiusd.start({ clients: [{ ip: '127.0.0.1', secret: SECRET }], users: [{ name: USER, password: PASSWORD, replyMessage: 'ok' }] });
    } else console.log('FreeRADIUS not installed: no baseline');

    console.log('\n-- round trips (PAP Access-Request -> Access-Accept), load generator in a child process --');
    const base = (port: number, concurrency: number): LoadOptions => ({
      target: { host: '127.0.0.1', port },
      secret: SECRET,
      concurrency,
      count: 40_000,
      maxMs: 3000,
      // No `attributes`: functions do not cross to the child, whose default login (bench / bench-pw,
      // simulator/load.ts) is the user both servers know.
    });
    const summary: string[] = [];
    for (const c of [1, 16, 128]) {
      const a = await loadInChild(base(ours.port, c));
      console.log(line(`ours         c=${c}`, a));
      if (fr) {
        const b = await loadInChild(base(fr.port, c));
        console.log(line(`FreeRADIUS   c=${c}`, b));
        summary.push(`c=${c}: ours/FreeRADIUS = ${f2(a.perSecond / b.perSecond)}x${a.perSecond / b.perSecond >= 0.5 ? '' : '  (BELOW the 0.5x target)'}`);
      }
      if (c === 16) summary.push(`c=16 p99 ${f2(a.p99)} ms ${a.p99 <= 2 ? '(target <= 2 ms met)' : '(ABOVE the 2 ms target)'}`);
    }

    console.log('\n-- burst: 2,000 requests sent at once --');
    const before = ours.server.stats();
    const burst = await loadInChild({ ...base(ours.port, 2000), count: 2000, maxMs: 10_000, timeoutMs: 3000, sockets: 16 });
    const after = ours.server.stats();
    console.log(line('ours         burst', burst));
    console.log(`server read ${after.received - before.received} of 2000 datagrams; lost ${burst.lost} (target 0)`);
    if (fr) console.log(line('FreeRADIUS   burst', await loadInChild({ ...base(fr.port, 2000), count: 2000, maxMs: 10_000, timeoutMs: 3000, sockets: 16 })));

    console.log('\n-- summary --');
    for (const s of summary) console.log(s);
    console.log(`burst lost: ${burst.lost}`);
  } finally {
    await fr?.stop();
    await ours.close();
    if (restore !== undefined) {
      execFileSync('sysctl', ['-w', `net.core.rmem_max=${restore}`], { stdio: 'ignore' });
      console.log(`restored net.core.rmem_max to ${restore}`);
    }
  }
}

if (process.argv[2] === '--loadgen') {
  // Child mode: run one load and hand the report back over IPC.
  const report = await runLoad(JSON.parse(process.argv[3]!) as LoadOptions);
  process.send!(report, () => process.exit(0));
} else {
  await main();
}
