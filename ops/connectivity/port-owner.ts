// Which process holds a local UDP or TCP port (Linux: /proc/net/* gives the socket inode, /proc/<pid>/fd
// the process that has it open). Duo's tool asks psutil the same question to name the owner in its
// "already in use" text. Elsewhere, or for another user's process we may not look into, the owner is
// unknown.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface PortOwner {
  pid: number;
  /** /proc/<pid>/comm: the executable's short name ('node', 'freeradius'). */
  name: string;
  /** The command line, arguments separated by spaces. */
  commandLine: string;
}

/** Inodes of the sockets bound to `port` in one /proc/net table (udp, udp6, tcp, tcp6). Pure. */
export function socketInodes(table: string, port: number): string[] {
  const inodes: string[] = [];
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    const inode = fields[9];
    if (!local || !inode || inode === '0') continue;
    const hexPort = local.slice(local.lastIndexOf(':') + 1);
    if (Number.parseInt(hexPort, 16) === port) inodes.push(inode);
  }
  return inodes;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export function findPortOwner(kind: 'udp' | 'tcp', port: number, proc = '/proc'): PortOwner | undefined {
  const inodes = new Set([...socketInodes(read(`${proc}/net/${kind}`) ?? '', port), ...socketInodes(read(`${proc}/net/${kind}6`) ?? '', port)]);
  if (inodes.size === 0) return undefined;
  const wanted = new Set([...inodes].map((i) => `socket:[${i}]`));
  let pids: string[];
  try {
    pids = readdirSync(proc).filter((d) => /^\d+$/.test(d));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`${proc}/${pid}/fd`);
    } catch {
      continue; // gone, or another user's
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = readlinkSync(`${proc}/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (!wanted.has(link)) continue;
      return {
        pid: Number(pid),
        name: (read(`${proc}/${pid}/comm`) ?? '').trim() || 'unknown',
        commandLine: (read(`${proc}/${pid}/cmdline`) ?? '').split('\0').filter(Boolean).join(' '),
      };
    }
  }
  return undefined;
}

/** Whether a process is an `authproxy start` (ours, run through node), or Duo's own proxy
 *  (twistd / proxy_svc, which is what Duo's tool looks for). */
export function isAuthProxy(owner: PortOwner): boolean {
  const name = owner.name.toLowerCase();
  if (name.includes('twistd') || name.includes('proxy_svc')) return true;
  const args = owner.commandLine.split(' ');
  const runsUs = args.some((a) => /(^|\/)authproxy(\.js)?$|(^|\/)cli\/main\.ts$/.test(a));
  return runsUs && args.includes('start');
}
