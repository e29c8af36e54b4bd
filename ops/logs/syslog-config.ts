// The syslog settings as check-config reads them: facility names (reference §4.7: Duo refuses an
// unknown one) and syslog_server (ours: host[:port] for UDP).
export const SYSLOG_FACILITIES = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9, authpriv: 10, ftp: 11,
  local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
} as const;

/** `LOG_USER`, `log_local3`, `user` → the facility number; undefined for anything else. */
export function facilityNumber(name: string): number | undefined {
  const key = name.trim().toLowerCase().replace(/^log_/, '');
  return Object.hasOwn(SYSLOG_FACILITIES, key) ? SYSLOG_FACILITIES[key as keyof typeof SYSLOG_FACILITIES] : undefined;
}

/** `host`, `host:port`, `[v6]:port` or a bare IPv6 address → host and port (514 by default). */
export function parseSyslogServer(text: string): { host: string; port: number } | undefined {
  const t = text.trim();
  const m = /^\[([0-9a-fA-F:.]+)\](?::(\d{1,5}))?$/.exec(t) ?? /^([^:\s]+)(?::(\d{1,5}))?$/.exec(t);
  if (m) {
    const port = m[2] === undefined ? 514 : Number(m[2]);
    return port >= 1 && port <= 65535 ? { host: m[1]!, port } : undefined;
  }
  return /^[0-9a-fA-F:]+$/.test(t) && t.includes('::') ? { host: t, port: 514 } : undefined;
}
