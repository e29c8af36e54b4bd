// log_syslog: our JSON lines as RFC 5424 syslog messages, app name `Authproxy` (Duo's ident), the
// facility of syslog_facility and a severity from the line's level. To the local syslog socket
// (/dev/log) through a long-lived `logger` (util-linux) child fed one line per message (Node has no
// unix datagram sockets), or over UDP with node:dgram when syslog_server names a host.
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { hostname } from 'node:os';
export { facilityNumber } from './syslog-config.ts';

const SEVERITY: Record<string, number> = { fatal: 2, error: 3, warn: 4, info: 6, debug: 7, trace: 7 };

/** The severity of one of our JSON lines, from its `"level"` (info when it has none). */
export function severityOf(line: string): number {
  const m = /"level":"(\w+)"/.exec(line);
  return (m && SEVERITY[m[1]!]) ?? 6;
}

/** One RFC 5424 message: `<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG`, no trailing newline. */
export function formatRfc5424(o: { facility: number; severity: number; at: Date; host: string; app: string; pid: number; msg: string }): string {
  const field = (s: string) => (s === '' ? '-' : s.replace(/[^\x21-\x7e]/g, '_').slice(0, 255));
  return `<${o.facility * 8 + o.severity}>1 ${o.at.toISOString()} ${field(o.host)} ${field(o.app)} ${o.pid} - - ${o.msg}`;
}

export interface SyslogSink {
  write(line: string): void;
  close(): Promise<void>;
}

/** UDP to host:port. */
export function udpSyslog(o: { host: string; port: number; facility: number; onError?: (err: Error) => void }): SyslogSink {
  const socket: Socket = createSocket(o.host.includes(':') ? 'udp6' : 'udp4');
  socket.on('error', (err) => o.onError?.(err));
  socket.unref();
  const host = hostname();
  return {
    write(line) {
      const msg = formatRfc5424({ facility: o.facility, severity: severityOf(line), at: new Date(), host, app: 'Authproxy', pid: process.pid, msg: line.trimEnd() });
      socket.send(msg, o.port, o.host, (err) => err && o.onError?.(err));
    },
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

/** The local syslog socket through `logger --prio-prefix --rfc5424`, one message per stdin line. */
export function localSyslog(o: { socketPath?: string; facility: number; onError?: (err: Error) => void }): SyslogSink {
  const child: ChildProcess = spawn(
    'logger',
    ['--socket', o.socketPath ?? '/dev/log', '--socket-errors=on', '--rfc5424=notq', '--prio-prefix', '--tag', 'Authproxy', '--id', String(process.pid), '--size', '65000'],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  child.on('error', (err) => o.onError?.(err));
  child.stderr?.on('data', (b: Buffer) => o.onError?.(new Error(`logger: ${b.toString().trim()}`)));
  child.stdin?.on('error', (err) => o.onError?.(err));
  child.unref();
  return {
    write(line) {
      // One message per line: a newline inside the text would split it.
      child.stdin?.write(`<${o.facility * 8 + severityOf(line)}>${line.trimEnd().replace(/\n/g, ' ')}\n`);
    },
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || !child.stdin) return resolve();
        child.once('exit', () => resolve());
        child.stdin.end();
      }),
  };
}
