// The simulator's load generator must not be the bottleneck (`npm run bench -- simulator`): against
// FreeRADIUS answering PAP on this machine, the rate simulator/load.ts drives is compared with what
// radperf-style raw sending reaches in the same run: one socket, a window of requests in flight, each
// packet written by hand into one buffer (new identifier and authenticator, password hidden,
// Message-Authenticator), and each reply matched by identifier and checked as radperf/radclient check
// it (rad_decode: the Response Authenticator; the Message-Authenticator when present), nothing else:
// no objects, no attribute decoding, no promises. Both run in a child process of their own, one after
// the other, alternating, at the same window. Target: ours >= 0.9x raw.
import { hash, randomFillSync } from 'node:crypto';
import { fork } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { pap, runLoad } from '../simulator/load.ts';

const SECRET = 'bench-secret';
const USER = 'bench';
const PASSWORD = 'bench-pw';
const RUN_MS = 3000;

interface Figures {
  answered: number;
  seconds: number;
  perSecond: number;
}

/** radperf-style sending: the least work a RADIUS client can do per request. */
function rawLoad(port: number, window: number, ms: number): Promise<Figures> {
  const sock = createSocket('udp4');
  const secret = Buffer.from(SECRET);
  // The fastest MD5 and HMAC-MD5 Node has: one-shot crypto.hash, HMAC from precomputed pads.
  const ipad = Buffer.alloc(64, 0x36);
  const opad = Buffer.alloc(64, 0x5c);
  for (let i = 0; i < secret.length; i++) {
    ipad[i]! ^= secret[i]!;
    opad[i]! ^= secret[i]!;
  }
  const md5 = (...parts: Buffer[]) => hash('md5', Buffer.concat(parts), 'buffer');
  const hmac = (data: Buffer) => md5(opad, md5(ipad, data));
  const name = Buffer.from(USER);
  const password = Buffer.alloc(16);
  password.write(PASSWORD);
  // Header, Message-Authenticator, User-Name, User-Password (16), NAS-IP-Address.
  const size = 20 + 18 + 2 + name.length + 18 + 6;
  const outstanding = new Map<number, number>();
  const authOf = new Map<number, Buffer>();
  const pool = Buffer.alloc(16 * 4096);
  let poolAt = pool.length;
  let nextId = 0;
  let answered = 0;
  let stopped = false;
  const sendOne = () => {
    if (stopped) return;
    let id = nextId;
    for (let k = 0; k < 256 && outstanding.has(id); k++) id = (id + 1) & 255;
    if (outstanding.has(id)) return;
    nextId = (id + 1) & 255;
    if (poolAt >= pool.length) {
      randomFillSync(pool);
      poolAt = 0;
    }
    const auth = pool.subarray(poolAt, (poolAt += 16));
    authOf.set(id, auth);
    const p = Buffer.alloc(size);
    p[0] = 1;
    p[1] = id;
    p.writeUInt16BE(size, 2);
    auth.copy(p, 4);
    p[20] = 80;
    p[21] = 18;
    let o = 38;
    p[o] = 1;
    p[o + 1] = 2 + name.length;
    name.copy(p, o + 2);
    o += 2 + name.length;
    p[o] = 2;
    p[o + 1] = 18;
    const pad = md5(secret, auth);
    for (let i = 0; i < 16; i++) p[o + 2 + i] = password[i]! ^ pad[i]!;
    o += 18;
    p[o] = 4;
    p[o + 1] = 6;
    p.writeUInt32BE(0x7f000001, o + 2);
    hmac(p).copy(p, 22);
    outstanding.set(id, performance.now());
    sock.send(p, port, '127.0.0.1');
  };
  return new Promise((resolve) => {
    sock.on('message', (msg) => {
      const id = msg[1]!;
      const auth = authOf.get(id);
      if (msg.length < 20 || auth === undefined || !outstanding.has(id)) return;
      // Response Authenticator: MD5(code id length RequestAuth attributes secret).
      const expect = md5(msg.subarray(0, 4), auth, msg.subarray(20), secret);
      if (!expect.equals(msg.subarray(4, 20))) return;
      // Message-Authenticator, when the reply has one first (FreeRADIUS puts it first): HMAC with the
      // request authenticator in the header and the MA value zeroed.
      if (msg[20] === 80 && msg[21] === 18) {
        const copy = Buffer.from(msg);
        auth.copy(copy, 4);
        copy.fill(0, 22, 38);
        if (!hmac(copy).equals(msg.subarray(22, 38))) return;
      }
      outstanding.delete(id);
      answered++;
      sendOne();
    });
    sock.bind(0, '127.0.0.1', () => {
      sock.setRecvBufferSize(4 * 1024 * 1024);
      const t0 = performance.now();
      for (let i = 0; i < window; i++) sendOne();
      // A lost datagram would shrink the window for good: after 1 s a request counts as lost and is replaced.
      const refill = setInterval(() => {
        const now = performance.now();
        for (const [id, at] of outstanding)
          if (now - at > 1000) {
            outstanding.delete(id);
            sendOne();
          }
      }, 100);
      setTimeout(() => {
        stopped = true;
        clearInterval(refill);
        const seconds = (performance.now() - t0) / 1000;
        sock.close();
        resolve({ answered, seconds, perSecond: answered / seconds });
      }, ms);
    });
  });
}

async function oursLoad(port: number, window: number, ms: number): Promise<Figures> {
  const request = pap(USER, PASSWORD);
  const r = await runLoad({ target: { host: '127.0.0.1', port }, secret: SECRET, concurrency: window, count: 10_000_000, maxMs: ms, timeoutMs: 1000, attributes: () => request });
  return { answered: r.answered, seconds: r.seconds, perSecond: r.perSecond };
}

function inChild(kind: 'raw' | 'ours', port: number, window: number): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--child', kind, String(port), String(window)], { execArgv: ['--import', 'tsx'] });
    child.once('message', (m) => resolve(m as Figures));
    child.once('exit', (code) => code !== 0 && reject(new Error(`${kind} load exited with ${code}`)));
  });
}

async function main(): Promise<void> {
  if (!existsSync('/usr/sbin/freeradius')) {
    console.log('FreeRADIUS not installed: nothing to measure against (the test command installs it)');
    return;
  }
  const radiusd = await import('../test/harness/radiusd.ts');
  const fr = await radiusd.start({ clients: [{ ip: '127.0.0.1', secret: SECRET }], users: [{ name: USER, password: PASSWORD, replyMessage: 'ok' }] });
  try {
    console.log(`FreeRADIUS ${fr.address} answering PAP (Access-Accept); each load ${RUN_MS / 1000} s in its own process, raw and ours alternating`);
    console.log('window   raw (radperf-style) req/s   simulator/load.ts req/s   ratio ours/raw');
    const ratios: string[] = [];
    for (const window of [16, 64]) {
      // Warm FreeRADIUS up, then raw, ours, raw, ours: the best of each.
      await inChild('raw', fr.port, window);
      const raw: Figures[] = [];
      const ours: Figures[] = [];
      for (let i = 0; i < 2; i++) {
        raw.push(await inChild('raw', fr.port, window));
        ours.push(await inChild('ours', fr.port, window));
      }
      const best = (xs: Figures[]) => Math.max(...xs.map((x) => x.perSecond));
      const ratio = best(ours) / best(raw);
      console.log(`${String(window).padStart(6)}   ${best(raw).toFixed(0).padStart(25)}   ${best(ours).toFixed(0).padStart(23)}   ${ratio.toFixed(2).padStart(14)}x`);
      ratios.push(`window ${window}: ${ratio.toFixed(2)}x ${ratio >= 0.9 ? '(target >= 0.9x met)' : '(BELOW the 0.9x target)'}`);
    }
    console.log('\n-- summary --');
    for (const r of ratios) console.log(r);
  } finally {
    await fr.stop();
  }
}

if (process.argv[2] === '--child') {
  const [kind, port, window] = process.argv.slice(3);
  const f = kind === 'raw' ? await rawLoad(Number(port), Number(window), RUN_MS) : await oursLoad(Number(port), Number(window), RUN_MS);
  process.send!(f, () => process.exit(0));
} else {
  await main();
}
