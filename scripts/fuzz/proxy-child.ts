// The proxy under attack for `npm run fuzz` and `npm run soak`: a real `authproxy start` child with the
// bundled mock Duo, a duo_only and a challenge section on free UDP ports, in a temporary directory. It
// keeps count of what the proxy logs (bytes, lines, events), notices a crash, and reads the child's
// resident memory and open descriptors from /proc.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from '../../test/harness/ports.ts';

const ROOT = join(import.meta.dirname, '..', '..');
export const SECRET = 'fuzz-and-soak-secret';
export const IKEY = 'DIFUZZ00000000000000';
const SKEY = 'fuzzSkeyFuzzSkeyFuzzSkeyFuzzSkeyFuzzSkey';

/** Users of the mock Duo: `fast` logs in with a passcode at once, `slow` approves a push after `slowPushMs`. */
function fixture(slowPushMs: number): string {
  const phone = (afterMs: number) => `      - { id: DPFUZZ0000000000000${afterMs ? 2 : 1}, type: phone, number: XXX-XXX-1234, capabilities: [auto, push, phone, sms, mobile_otp], push: approve, phone: approve, after_ms: ${afterMs} }\n`;
  return [
    'integrations:',
    `  - { ikey: ${IKEY}, skey: ${SKEY}, api_host: localhost }`,
    'new_user_policy: deny',
    'lockout_after: 1000000000',
    'users:',
    '  fast:',
    '    status: active',
    '    devices:',
    phone(0).trimEnd(),
    '    passcodes: ["111111"]',
    '  slow:',
    '    status: active',
    '    devices:',
    phone(slowPushMs).trimEnd(),
    '',
  ].join('\n');
}

export interface ProxyChild {
  readonly duoOnlyPort: number;
  readonly challengePort: number;
  readonly pid: () => number;
  /** Log volume and events since start (all incarnations). */
  readonly log: { bytes: number; lines: number; events: Map<string, number> };
  /** Unexpected exits (each is restarted when `restartOnCrash`). */
  crashes: number;
  rss(): Promise<number>;
  fds(): Promise<number>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

export async function startProxyChild(opts: { slowPushMs?: number; restartOnCrash?: boolean; onCrash?: (stderr: string) => void } = {}): Promise<ProxyChild> {
  const dir = await mkdtemp(join(tmpdir(), 'authproxy-fuzz-'));
  const [duoOnlyPort, challengePort] = [await freePort('udp'), await freePort('udp')];
  const duo = `ikey=${IKEY}\nskey=${SKEY}\napi_host=localhost\nradius_ip_1=127.0.0.1\nradius_secret_1=${SECRET}\nfailmode=secure\n`;
  await writeFile(join(dir, 'duo.yaml'), fixture(opts.slowPushMs ?? 3000));
  await writeFile(
    join(dir, 'authproxy.cfg'),
    `[radius_server_duo_only]\n${duo}port=${duoOnlyPort}\n\n[radius_server_challenge]\n${duo}client=duo_only_client\nport=${challengePort}\nlimit_proxy_state=true\n\n[duo_only_client]\n`,
  );
  const log = { bytes: 0, lines: 0, events: new Map<string, number>() };
  let child!: ChildProcess;
  let stopping = false;
  const self: ProxyChild = {
    duoOnlyPort,
    challengePort,
    pid: () => child.pid!,
    log,
    crashes: 0,
    rss: async () => Number(/VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? Number.NaN) * 1024,
    fds: async () => (await readdir(`/proc/${child.pid}/fd`)).length,
    async stop() {
      stopping = true;
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      const code = await exited;
      await rm(dir, { recursive: true, force: true });
      return code;
    },
  };

  const launch = (): Promise<void> =>
    new Promise((resolve, reject) => {
      child = spawn(process.execPath, [join(ROOT, 'bin', 'authproxy.js'), 'start', '-c', join(dir, 'authproxy.cfg'), '--mock-duo', join(dir, 'duo.yaml')], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      let ready = false;
      child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
      child.stdout!.on('data', (d: Buffer) => (log.bytes += d.length));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        log.lines++;
        const event = /"event":"([^"]+)"/.exec(line)?.[1] ?? 'other';
        log.events.set(event, (log.events.get(event) ?? 0) + 1);
        if (event === 'ready' && !ready) {
          ready = true;
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        if (!ready) return reject(new Error(`authproxy exited before ready (${code ?? signal})\n${stderr}`));
        if (stopping) return;
        self.crashes++;
        opts.onCrash?.(`exit ${code ?? signal}\n${stderr}`);
        if (opts.restartOnCrash) void launch();
      });
    });
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);
  await launch();
  return self;
}
