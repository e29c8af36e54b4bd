// What each section needs as a whole (reference §16.3): required keys, keys that need each other,
// keys that exclude each other, and the numbering rules of radius_ip_N / exempt_username_N / host_N.
import type { ReadSection } from './section-reader.ts';
import { str } from './section-reader.ts';
import { msg, type ProblemList } from './problems.ts';
import { facilityNumber, parseSyslogServer } from '../ops/logs/syslog-config.ts';

/** The numbers N of present keys `prefix + N`, with their lines. */
export function numbersOf(read: ReadSection, prefix: string): Map<number, number> {
  const out = new Map<number, number>();
  const re = new RegExp(`^${prefix}(\\d+)$`);
  for (const [key, line] of read.present) {
    const m = re.exec(key);
    if (m && !out.has(Number(m[1]))) out.set(Number(m[1]), line);
  }
  return out;
}

/** Numbers kept by Duo's "contiguous from `from`" rule: from, from+1... up to the first gap. */
export function contiguous(numbers: Iterable<number>, from: number): { kept: number[]; ignored: number[] } {
  const all = [...new Set(numbers)].sort((a, b) => a - b);
  const kept: number[] = [];
  for (let n = from; all.includes(n); n++) kept.push(n);
  return { kept, ignored: all.filter((n) => !kept.includes(n)) };
}

function requireKey(read: ReadSection, problems: ProblemList, key: string, fix: string, reported = key): void {
  if (!read.present.has(key)) problems.error({ line: read.line, section: read.name, option: reported }, msg.missing(reported), fix);
}

function exclusive(read: ReadSection, problems: ProblemList, a: string, b: string): void {
  if (read.present.has(a) && read.present.has(b))
    problems.error({ line: read.present.get(b)!, section: read.name, option: b }, msg.incompatible(a, b), `remove ${b} (it only works on Windows) and keep ${a}`);
}
export function checkServerSection(read: ReadSection, problems: ProblemList): void {
  const at = (option: string, line = read.present.get(option) ?? read.line) => ({ line, section: read.name, option });
  requireKey(read, problems, 'ikey', 'add ikey = the integration key of your Duo RADIUS application (Duo Admin Panel)');
  requireKey(read, problems, 'skey', 'add skey = the secret key of your Duo RADIUS application (Duo Admin Panel)');
  requireKey(read, problems, 'api_host', 'add api_host = the API hostname of your Duo account, e.g. api-xxxxxxxx.duosecurity.com');
  exclusive(read, problems, 'skey', 'skey_protected');

  const ips = numbersOf(read, 'radius_ip_');
  const secrets = numbersOf(read, 'radius_secret_');
  const protectedSecrets = numbersOf(read, 'radius_secret_protected_');
  if (ips.size === 0) problems.error(at('radius_ip_1', read.line), msg.missing('radius_ip_1'), 'add radius_ip_1 = the IP or network of your VPN or RADIUS client');
  if (secrets.size === 0) problems.error(at('radius_secret_1', read.line), msg.missing('radius_secret_1'), 'add radius_secret_1 = the shared secret configured on that RADIUS client');
  for (const [n, line] of ips) {
    if (secrets.has(n)) continue;
    const fix = protectedSecrets.has(n) ? `add radius_secret_${n}; radius_secret_protected_${n} only works on Windows` : `add radius_secret_${n} = the shared secret of the clients in radius_ip_${n}`;
    problems.error(at(`radius_ip_${n}`, line), msg.unpaired(`radius_secret_${n}`, `radius_ip_${n}`), fix);
  }
  for (const [n, line] of secrets) {
    if (!ips.has(n)) problems.error(at(`radius_secret_${n}`, line), msg.unpaired(`radius_ip_${n}`, `radius_secret_${n}`), `add radius_ip_${n} = the IP or network of the clients using this secret`);
  }
  for (const n of protectedSecrets.keys()) {
    if (secrets.has(n)) exclusive(read, problems, `radius_secret_${n}`, `radius_secret_protected_${n}`);
  }

  const exempt = numbersOf(read, 'exempt_username_');
  const { kept, ignored } = contiguous(exempt.keys(), 1);
  for (const n of ignored) {
    const gap = kept.length + 1;
    problems.warn(at(`exempt_username_${n}`, exempt.get(n)), `exempt_username_${n} is ignored because exempt_username_${gap} is missing`, 'number exempt_username_N from 1 without gaps');
  }

  if (read.type === 'radius_server_duo_only' && read.present.has('client')) {
    problems.warn(at('client'), msg.ineffective('client', read.name, 'in this type of section'), 'remove client=: duo_only sections do no primary authentication');
  }
}

export function checkAdClient(read: ReadSection, problems: ProblemList): void {
  const at = (option: string) => ({ line: read.present.get(option) ?? read.line, section: read.name, option });
  if (!read.present.has('host') && numbersOf(read, 'host_').size === 0)
    problems.error(at('host'), msg.missing('host'), 'add host = the hostname or IP of a domain controller');
  const authType = str(read, 'auth_type');
  if (authType === 'sspi') {
    problems.error(at('auth_type'), 'auth_type sspi only works on Windows', 'use auth_type = ntlm2 or plain with service_account_username and service_account_password');
  } else {
    requireKey(read, problems, 'service_account_username', 'add service_account_username = the account used to search for users');
    requireKey(read, problems, 'service_account_password', 'add service_account_password = the password of that account');
  }
  exclusive(read, problems, 'service_account_password', 'service_account_password_protected');
  requireKey(read, problems, 'search_dn', 'add search_dn = the DN under which users are searched, e.g. DC=example,DC=com');
  const transport = str(read, 'transport');
  if ((transport === 'ldaps' || transport === 'starttls') && str(read, 'ssl_ca_certs_file') === '' && read.values.get('ssl_verify_hostname')?.value !== false) {
    problems.error(at('ssl_ca_certs_file'), `ssl_ca_certs_file is required for transport type ${transport}`, 'set ssl_ca_certs_file to the PEM file of the CA that signed the domain controllers\' certificates');
  }
  if (authType === 'plain' && str(read, 'bind_dn') === '') {
    problems.error(at('bind_dn'), 'bind_dn is required for auth_type plain', 'set bind_dn to the DN of the service account, e.g. CN=svc,CN=Users,DC=example,DC=com');
  }
}

export function checkRadiusClient(read: ReadSection, problems: ProblemList): void {
  const at = (option: string, line = read.present.get(option) ?? read.line) => ({ line, section: read.name, option });
  const hostNs = numbersOf(read, 'host_');
  if (!read.present.has('host') && hostNs.size === 0) problems.error(at('host'), msg.missing('host'), 'add host = the IP address of the upstream RADIUS server');
  if (!read.present.has('secret')) problems.error(at('secret', read.line), msg.missing('secret/secret_protected'), 'add secret = the shared secret of the upstream RADIUS server');
  exclusive(read, problems, 'secret', 'secret_protected');
  if (read.present.has('port') && !read.present.has('host')) problems.error(at('port'), msg.unpaired('host', 'port'), 'add host, or remove port');
  for (const [n, line] of numbersOf(read, 'port_')) {
    if (!hostNs.has(n)) problems.error(at(`port_${n}`, line), msg.unpaired(`host_${n}`, `port_${n}`), `add host_${n}, or remove port_${n}`);
  }
  // host_1 is read on its own; from host_2 on, numbering must be contiguous (reference §4.6).
  const { kept, ignored } = contiguous([...hostNs.keys()].filter((n) => n >= 2), 2);
  for (const n of [...ignored, ...(hostNs.has(0) ? [0] : [])]) {
    const hint = n === 0 ? 'numbering starts at host_1' : `host_${kept.length + 2} is missing`;
    problems.warn(at(`host_${n}`, hostNs.get(n)), `host_${n} is ignored because ${hint}`, 'number host_N from 1 (or 2 after host) without gaps');
  }
}

export function checkMain(read: ReadSection, problems: ProblemList): void {
  const at = (option: string) => ({ line: read.present.get(option) ?? read.line, section: read.name, option });
  if (read.present.has('http_proxy_port') && !read.present.has('http_proxy_host'))
    problems.error(at('http_proxy_port'), msg.missing('http_proxy_host'), 'add http_proxy_host, or remove http_proxy_port');
  if (read.present.has('nats_user') && !read.present.has('nats_password'))
    problems.error(at('nats_user'), msg.unpaired('nats_password', 'nats_user'), 'add nats_password, or remove nats_user');
  if (read.present.has('nats_password') && !read.present.has('nats_user'))
    problems.error(at('nats_password'), msg.unpaired('nats_user', 'nats_password'), 'add nats_user, or remove nats_password');
  const hasNats = read.values.has('nats_url') && (read.values.get('nats_url')!.value as readonly string[]).length > 0;
  if (!hasNats) {
    for (const key of ['nats_user', 'nats_password', 'nats_creds_file', 'nats_ca_file']) {
      if (read.present.has(key)) problems.warn(at(key), msg.ineffective(key, read.name, 'nats_url is not set'), 'set nats_url, or remove it');
    }
    const role = str(read, 'role');
    if (role !== 'both' && !read.present.has('nats_url'))
      problems.error(at('role'), msg.roleNeedsNats(role), 'set nats_url, or use role = both');
  }
  if (str(read, 'role') === 'listener' && read.present.has('engine_threads'))
    problems.warn(at('engine_threads'), msg.ineffective('engine_threads', read.name, 'role = listener'), 'remove engine_threads, or use role = both or engine');
  if (!read.present.has('metrics_port') && read.present.has('metrics_interface'))
    problems.warn(at('metrics_interface'), msg.ineffective('metrics_interface', read.name, 'metrics_port is not set'), 'set metrics_port, or remove it');
  const metrics = read.values.get('metrics_port');
  const dashboard = read.values.get('dashboard_port');
  if (metrics && dashboard && metrics.value === dashboard.value)
    problems.error(at('dashboard_port'), `metrics_port and dashboard_port are both ${String(metrics.value)}`, 'give the dashboard and the metrics endpoint different ports');
  checkDashboard(read, problems);
  checkLogging(read, problems);
  if (read.present.has('server') && !read.present.has('client'))
    problems.warn(at('server'), msg.ineffective('server', read.name, 'client is not set'), 'add client = the client section for that server, or remove server');
}

/** The dashboard shows who logs in from where: off loopback it needs a token (design.md "Contract: dashboard"). */
function checkDashboard(read: ReadSection, problems: ProblemList): void {
  const at = (option: string) => ({ line: read.present.get(option) ?? read.line, section: read.name, option });
  if (!read.present.has('dashboard_port')) {
    for (const key of ['dashboard_interface', 'dashboard_token', 'dashboard_logins', 'dashboard_max_age', 'dashboard_window'])
      if (read.present.has(key)) problems.warn(at(key), msg.ineffective(key, read.name, 'dashboard_port is not set'), 'set dashboard_port, or remove it');
    return;
  }
  const address = str(read, 'dashboard_interface');
  const token = read.values.get('dashboard_token')?.value;
  if (!isLoopback(address) && (typeof token !== 'string' || token === ''))
    problems.error(at('dashboard_interface'), `the dashboard on ${address} (not a loopback address) needs dashboard_token`, 'set dashboard_token to a long random string, or dashboard_interface = 127.0.0.1');
  if (typeof token === 'string' && token.length > 0 && token.length < 16)
    problems.error(at('dashboard_token'), `dashboard_token is ${token.length} characters; it must be at least 16`, 'use a long random string, e.g. from `openssl rand -hex 24`');
}

/** 127.0.0.0/8 and ::1. */
export function isLoopback(address: string): boolean {
  return /^127\./.test(address) || address === '::1' || address === '0:0:0:0:0:0:0:1';
}

/** Duo refuses an unknown facility at start (reference §4.7); syslog_server needs log_syslog. */
function checkLogging(read: ReadSection, problems: ProblemList): void {
  const at = (option: string) => ({ line: read.present.get(option) ?? read.line, section: read.name, option });
  const facility = str(read, 'syslog_facility');
  if (read.present.has('syslog_facility') && facilityNumber(facility) === undefined)
    problems.error(at('syslog_facility'), `Unknown syslog_facility: ${facility}`, 'use LOG_USER, LOG_DAEMON, LOG_AUTH, LOG_AUTHPRIV or LOG_LOCAL0 … LOG_LOCAL7');
  const server = str(read, 'syslog_server');
  if (server !== '' && parseSyslogServer(server) === undefined)
    problems.error(at('syslog_server'), `syslog_server must be host or host:port, not ${server}`, 'e.g. syslog_server = 10.0.0.5:514');
  if (read.present.has('syslog_server') && read.values.get('log_syslog')?.value !== true)
    problems.warn(at('syslog_server'), msg.ineffective('syslog_server', read.name, 'log_syslog is not true'), 'set log_syslog = true, or remove it');
}
