// A private FreeRADIUS 3.2 server (`/usr/sbin/freeradius -f`) on 127.0.0.1:<ephemeral UDP port>
// with a generated minimal configuration (see radiusd-config.ts), for interop tests:
//
//   const srv = await radiusd.start({ users: [{ name: 'alice', password: 'pw', reply: [['Class', 'x']] }] });
//   t.after(() => srv.stop());
//   const r = await radclient({ server: srv.address, secret: srv.secret, attributes: [...] });
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LOOPBACK, withFreePorts } from './ports.ts';
import { spawnServer, startupError, waitUntil } from './process.ts';
import { radclient } from './radclient.ts';
import {
  ACCESS_REJECT_FILTER,
  type RadiusdClient,
  type RadiusdUser,
  renderRadiusdConf,
  renderUsers,
} from './radiusd-config.ts';
import { makeTempDir, removeTempDir } from './tmp.ts';

export type { AttributePair, RadiusdClient, RadiusdResponse, RadiusdUser } from './radiusd-config.ts';

export const FREERADIUS = '/usr/sbin/freeradius';

export interface RadiusdOptions {
  /** Default: one client 127.0.0.1 with secret 'testing123'. */
  clients?: readonly RadiusdClient[];
  users?: readonly RadiusdUser[];
  /** Run with -X (full debug log in `logFile`; noticeably slower). */
  debug?: boolean;
  /** Default 10 000 ms. */
  startTimeoutMs?: number;
}

export interface RadiusdServer {
  pid: number;
  host: string;
  port: number;
  /** `host:port`, as radclient takes it. */
  address: string;
  /** The first client's secret. */
  secret: string;
  dir: string;
  logFile: string;
  logTail(lines?: number): string;
  /** Stops the server (SIGTERM, then SIGKILL) and removes `dir`. Idempotent. */
  stop(): Promise<void>;
}

const DEFAULT_CLIENTS: readonly RadiusdClient[] = [{ ip: '127.0.0.1', secret: 'testing123' }];

export async function start(opts: RadiusdOptions = {}): Promise<RadiusdServer> {
  const clients = opts.clients ?? DEFAULT_CLIENTS;
  const first = clients[0];
  if (!first) throw new Error('radiusd: at least one client is needed');
  const dir = await makeTempDir('radiusd');
  try {
    await writeFile(join(dir, 'users'), renderUsers(opts.users ?? []));
    await writeFile(join(dir, 'access_reject'), ACCESS_REJECT_FILTER);
    return await withFreePorts('udp', 1, ([port = 0]) => startOn(port, dir, clients, opts));
  } catch (error) {
    await removeTempDir(dir);
    throw error;
  }
}

async function startOn(
  port: number,
  dir: string,
  clients: readonly RadiusdClient[],
  opts: RadiusdOptions,
): Promise<RadiusdServer> {
  const logFile = join(dir, 'radiusd.log');
  await rm(logFile, { force: true });
  await writeFile(join(dir, 'radiusd.conf'), renderRadiusdConf({ dir, port, clients }));
  const args = ['-f', '-l', 'stdout', '-d', dir, ...(opts.debug ? ['-X'] : [])];
  const proc = spawnServer({ command: FREERADIUS, args, logFile });
  const what = `radiusd on ${LOOPBACK}:${port}`;
  try {
    // Printed once the listeners are bound; a bind failure exits with "Address already in use".
    await waitUntil(async () => (await readFile(logFile, 'utf8')).includes('Ready to process requests'), {
      what,
      proc,
      timeoutMs: opts.startTimeoutMs ?? 10_000,
    });
    const problem = await probe(port, clients);
    if (problem) throw startupError(`${what}: ${problem}`, proc);
  } catch (error) {
    await proc.stop();
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    pid: proc.pid,
    host: LOOPBACK,
    port,
    address: `${LOOPBACK}:${port}`,
    secret: clients[0]?.secret ?? '',
    dir,
    logFile,
    logTail: (lines) => proc.logTail(lines),
    stop() {
      stopping ??= proc.stop().then(() => removeTempDir(dir));
      return stopping;
    },
  };
}

/**
 * Confirms the server answers a Status-Server, when a client entry lets us send one from 127.0.0.1.
 * Returns what went wrong, or undefined.
 */
async function probe(port: number, clients: readonly RadiusdClient[]): Promise<string | undefined> {
  const local = clients.find((c) => c.ip === LOOPBACK);
  if (!local) return undefined;
  const reply = await radclient({
    server: `${LOOPBACK}:${port}`,
    secret: local.secret,
    code: 'status',
    attributes: [['Message-Authenticator', '0x00']],
    retries: 3,
    timeoutSec: 1,
  });
  return reply.code === 'Access-Accept' ? undefined : `no answer to Status-Server (${reply.stderr.trim()})`;
}
