// Where the log lines of `authproxy start` go, from [main] as Duo reads it (reference §4.7, §15):
// authproxy.log (log_file), stdout (log_stdout, or when no destination is chosen), syslog (log_syslog),
// and authevents.log (log_auth_events) from the logins' events. One writer per file, in the main
// thread (engine threads send their lines and events there).
import { hostname } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { ProxyConfig } from '../../config/index.ts';
import type { AnyLoginEvent } from '../../machines/login-events.ts';
import { authEventsOf, formatAuthEvent, type SectionFacts } from './authevents.ts';
import { RotatingFile } from './rotating-file.ts';
import { facilityNumber, parseSyslogServer } from './syslog-config.ts';
import { localSyslog, type SyslogSink, udpSyslog } from './syslog.ts';

export interface LineSink {
  write(line: string): void;
  /** Asynchronous sinks (stdout) say when their buffer is out. */
  flush?(cb?: (err?: Error) => void): void;
}

export interface LogOutputs {
  /** pino's destination: every log line. */
  lines: LineSink;
  /** The lifecycle lines (ready, stopping, stopped): the destinations, and stdout whatever they are. */
  lifecycle: LineSink;
  /** Feed every login event here (ProxyOptions.onLoginEvent) for authevents.log. */
  onLoginEvent(ev: AnyLoginEvent): void;
  /** SIGUSR2: reopen the files (after logrotate moved them). */
  reopen(): void;
  /** After a reload (SIGHUP): the sections' ikey and mode that authevents.log writes. A section the reload
   *  removed keeps its facts for the logins it still finishes. */
  setServers(servers: ProxyConfig['servers']): void;
  close(): Promise<void>;
  /** What was opened, for the startup line: ['file /x/log/authproxy.log', 'stdout', ...]. */
  describe: string[];
}

/** log_dir as a path: relative to the folder above the config file's (Duo's <install>/log). */
export function logDirOf(config: Pick<ProxyConfig, 'file' | 'main'>): string {
  const base = dirname(dirname(resolve(config.file)));
  return isAbsolute(config.main.logDir) ? config.main.logDir : join(base, config.main.logDir);
}

export function openLogOutputs(config: Pick<ProxyConfig, 'file' | 'main' | 'servers'>, stdout: LineSink, o: { onError?: (what: string, err: Error) => void } = {}): LogOutputs {
  const m = config.main;
  const dir = logDirOf(config);
  const err = (what: string) => (e: Error) => o.onError?.(what, e);
  const sinks: LineSink[] = [];
  const files: RotatingFile[] = [];
  const closers: (() => Promise<void> | void)[] = [];
  const describe: string[] = [];
  const stdoutOn = m.logStdout || (!m.logFile && !m.logSyslog);
  if (stdoutOn) {
    sinks.push(stdout);
    describe.push('stdout');
  }
  if (m.logFile) {
    const f = new RotatingFile(join(dir, 'authproxy.log'), { maxSize: m.logMaxSize, maxFiles: m.logMaxFiles, onError: err('authproxy.log') });
    files.push(f);
    sinks.push(f);
    describe.push(`file ${f.path}`);
  }
  if (m.logSyslog) {
    const facility = facilityNumber(m.syslogFacility) ?? 1;
    const server = m.syslogServer ? parseSyslogServer(m.syslogServer) : undefined;
    const s: SyslogSink = server ? udpSyslog({ ...server, facility, onError: err('syslog') }) : localSyslog({ facility, onError: err('syslog') });
    sinks.push(s);
    closers.push(() => s.close());
    describe.push(server ? `syslog udp ${server.host}:${server.port}` : 'syslog /dev/log');
  }
  let authFile: RotatingFile | undefined;
  const sections = new Map<string, SectionFacts>();
  const setServers = (servers: ProxyConfig['servers']) => {
    for (const sv of servers) sections.set(sv.name, { ikey: sv.ikey, mode: sv.type });
  };
  setServers(config.servers);
  const host = hostname();
  if (m.logAuthEvents) {
    authFile = new RotatingFile(join(dir, 'authevents.log'), { maxSize: m.logMaxSize, maxFiles: m.logMaxFiles, onError: err('authevents.log') });
    files.push(authFile);
    describe.push(`authevents ${authFile.path}`);
  }
  const flush = (cb?: (err?: Error) => void) => (stdout.flush ? stdout.flush(cb) : cb?.());
  const lines: LineSink = { write: sinks.length === 1 ? (line) => sinks[0]!.write(line) : (line) => sinks.forEach((s) => s.write(line)), flush };
  return {
    lines,
    lifecycle: stdoutOn ? lines : { write: (line) => (lines.write(line), stdout.write(line)), flush },
    onLoginEvent(ev) {
      if (!authFile || ev.kind === undefined || ev.kind === 'transition') return;
      for (const a of authEventsOf(ev, sections.get(ev.server), host)) authFile.write(formatAuthEvent(a));
    },
    reopen: () => files.forEach((f) => f.reopen()),
    setServers,
    async close() {
      await new Promise<void>((r) => flush(() => r()));
      for (const f of files) f.close();
      await Promise.all(closers.map((c) => c()));
    },
    describe,
  };
}
