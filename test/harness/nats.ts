// A private nats-server (Debian's 2.9.10) with JetStream, on 127.0.0.1. The server picks its own
// ports (`-p -1 -m -1`) and reports them in a ports file, so there is no port race on the first
// start; restart() reuses the same client port and store dir, for outage tests:
//
//   const srv = await nats.start();
//   t.after(() => srv.stop());
//   const nc = await connect({ servers: srv.url });
//   await srv.restart();            // or srv.kill('SIGKILL') … srv.restart()
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAddressInUse, LOOPBACK } from './ports.ts';
import { type ServerProcess, spawnServer, startupError, waitUntil } from './process.ts';
import { makeTempDir, removeTempDir } from './tmp.ts';

export const NATS_SERVER = '/usr/sbin/nats-server';

export interface NatsOptions {
  /** Enable JetStream (needed for KV); default true. */
  jetstream?: boolean;
  /** Extra nats-server arguments, e.g. ['-D'] for debug logging. */
  args?: readonly string[];
  /** Default 10 000 ms. */
  startTimeoutMs?: number;
}

export interface NatsServer {
  /** nats://127.0.0.1:<port> */
  url: string;
  host: string;
  port: number;
  /** http://127.0.0.1:<port> of the monitoring endpoint (changes on restart). */
  readonly monitorUrl: string;
  /** Process id of the current server process (changes on restart). */
  readonly pid: number;
  dir: string;
  logFile: string;
  logTail(lines?: number): string;
  /** Stops the server (if running) and starts it again on the same port with the same store dir. */
  restart(): Promise<void>;
  /** Sends a signal without waiting (SIGKILL: a crash; SIGSTOP/SIGCONT: a hang). */
  kill(signal?: NodeJS.Signals): void;
  /** Stops the server and removes `dir`. Idempotent. */
  stop(): Promise<void>;
}

type Running = { proc: ServerProcess; port: number; monitorUrl: string };

export async function start(opts: NatsOptions = {}): Promise<NatsServer> {
  const dir = await makeTempDir('nats');
  const logFile = join(dir, 'nats-server.log');
  let current: Running;
  try {
    current = await launch(dir, logFile, -1, opts);
  } catch (error) {
    await removeTempDir(dir);
    throw error;
  }
  const port = current.port;
  let stopping: Promise<void> | undefined;
  return {
    url: `nats://${LOOPBACK}:${port}`,
    host: LOOPBACK,
    port,
    get monitorUrl() {
      return current.monitorUrl;
    },
    get pid() {
      return current.proc.pid;
    },
    dir,
    logFile,
    logTail: (lines) => current.proc.logTail(lines),
    async restart() {
      if (stopping) throw new Error('nats harness: restart() after stop()');
      await current.proc.stop();
      current = await relaunch(dir, logFile, port, opts);
    },
    kill(signal = 'SIGKILL') {
      current.proc.signal(signal);
    },
    stop() {
      stopping ??= current.proc.stop().then(() => removeTempDir(dir));
      return stopping;
    },
  };
}

/** The same port must come back; if something grabbed it meanwhile, wait for it rather than move. */
async function relaunch(dir: string, logFile: string, port: number, opts: NatsOptions): Promise<Running> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(dir, logFile, port, opts);
    } catch (error) {
      if (attempt >= 20 || !isAddressInUse(error)) throw error;
      await sleep(100);
    }
  }
}

/** Starts nats-server on `port` (-1: let it choose) and waits until JetStream is ready. */
async function launch(dir: string, logFile: string, port: number, opts: NatsOptions): Promise<Running> {
  const runDir = join(dir, 'run');
  await mkdir(runDir, { recursive: true });
  const jetstream = opts.jetstream ?? true;
  const args = [
    ...['-a', LOOPBACK, '-p', String(port), '-m', '-1', '--ports_file_dir', runDir],
    ...(jetstream ? ['-js', '-sd', join(dir, 'js')] : []),
    ...(opts.args ?? []),
  ];
  const proc = spawnServer({ command: NATS_SERVER, args, logFile });
  const what = `nats-server in ${dir}`;
  const timeoutMs = opts.startTimeoutMs ?? 10_000;
  try {
    let ports: { nats: string; monitoring: string } | undefined;
    await waitUntil(async () => (ports = await readPortsFile(runDir, proc.pid)) !== undefined, { what, proc, timeoutMs });
    if (!ports) throw startupError(`${what}: no ports file`, proc);
    const url = new URL(ports.nats);
    const monitorUrl = ports.monitoring;
    const health = `${monitorUrl}/healthz${jetstream ? '?js-enabled=true' : ''}`;
    await waitUntil(() => healthy(health), { what, proc, timeoutMs });
    return { proc, port: Number(url.port), monitorUrl };
  } catch (error) {
    await proc.stop();
    throw error;
  }
}

/** nats-server writes `<dir>/nats-server_<pid>.ports` once it listens: {"nats":[url],"monitoring":[url]}. */
async function readPortsFile(runDir: string, pid: number): Promise<{ nats: string; monitoring: string } | undefined> {
  const name = (await readdir(runDir)).find((f) => f.endsWith(`_${pid}.ports`));
  if (!name) return undefined;
  try {
    const parsed = JSON.parse(await readFile(join(runDir, name), 'utf8')) as { nats?: string[]; monitoring?: string[] };
    const nats = parsed.nats?.[0];
    const monitoring = parsed.monitoring?.[0];
    return nats && monitoring ? { nats, monitoring } : undefined;
  } catch {
    return undefined; // written but not complete yet
  }
}

async function healthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    const body = (await response.json()) as { status?: string };
    return response.ok && body.status === 'ok';
  } catch {
    return false;
  }
}
