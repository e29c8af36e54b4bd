// THE table of every section type and option authproxy reads from authproxy.cfg (reference §4,
// §16.3). It is the one source of names, types, defaults and help: the parser's typed values
// (config/values.ts), check-config's messages and docs/configuration.md (scripts/gen-config-docs.ts)
// all come from here. `ours: true` marks authproxy's additions; `secret: true` values are never printed;
// `noEffect` says that (and why) an option is read but changes nothing here.

export type OptionType =
  | 'string' //     free text
  | 'int' //        an integer (Python int(): sign and _ separators allowed), within min/max
  | 'bool' //       true/false in any case, or an integer (0 is false)
  | 'enum' //       one of `values`, compared lowercased
  | 'port' //       an integer from 1 to 65535
  | 'ip' //         one IPv4 or IPv6 address
  | 'host' //       a hostname or an IP address
  | 'network' //    an IP, CIDR, IP/netmask or IP1-IP2 range
  | 'dn' //         an LDAP distinguished name
  | 'file' //       a readable file; relative paths are resolved against the config file's directory
  | 'factors' //    comma list of auto, push, phone, passcode
  | 'list' //       comma list of names
  | 'attribute' //  a RADIUS attribute name
  | 'codec' //      a character encoding name
  | 'ldap-filter' // an LDAP search filter
  | 'ikey' //       a Duo integration key
  | 'skey' //       a Duo secret key
  | 'nats-url'; //  nats:// or tls:// URLs, comma separated

export interface OptionSpec {
  /** The key; numbered options write their number as N (radius_ip_N). */
  readonly name: string;
  readonly numbered?: boolean;
  readonly type: OptionType;
  readonly values?: readonly string[];
  /** The value used when the key is absent (undefined: none). */
  readonly default?: string | number | boolean;
  /** Docs text for a default that depends on something else. */
  readonly defaultText?: string;
  readonly required?: boolean;
  /** Docs text for a conditional requirement. */
  readonly requiredText?: string;
  readonly min?: number;
  readonly max?: number;
  readonly secret?: boolean;
  /** A Windows DPAPI `*_protected` form: read, warned about, never used. */
  readonly windowsOnly?: boolean;
  /** An authproxy addition (not in Duo's proxy). */
  readonly ours?: boolean;
  /** Present when the option is read (its value still checked) but changes nothing here: why, and what
   *  to use instead. check-config and start report each such key of a file as `FILE:LINE [section]
   *  option: accepted for compatibility, has no effect here; <this text>`. Absent: the option takes
   *  effect (docs/configuration.md says which do not). */
  readonly noEffect?: string;
  readonly help: string;
}

export type SectionKind = 'main' | 'server' | 'client';

export interface SectionSpec {
  readonly kind: SectionKind;
  readonly help: string;
  readonly options: readonly OptionSpec[];
}

const PROTECTED_HELP = 'Windows DPAPI-protected form of the key above; only works on Windows, use the plain key.';

const SERVER_COMMON = [
  { name: 'ikey', type: 'ikey', required: true, help: 'Integration key of the Duo application: DI followed by 18 letters or digits.' },
  { name: 'skey', type: 'skey', required: true, secret: true, help: 'Secret key of the Duo application: 40 letters or digits.' },
  { name: 'skey_protected', type: 'string', secret: true, windowsOnly: true, help: PROTECTED_HELP },
  { name: 'api_host', type: 'host', required: true, help: 'Duo API hostname, e.g. api-xxxxxxxx.duosecurity.com.' },
  { name: 'api_port', type: 'port', default: 443, help: 'HTTPS port of the Duo API.' },
  { name: 'api_timeout', type: 'int', default: 0, min: 0, help: 'Seconds allowed for one Duo HTTP request; 0 means no per-request limit: only login_timeout ends a Duo call then (opening the connection still gets at most 30 s, as in Duo\'s proxy).' },
  { name: 'failmode', type: 'enum', values: ['safe', 'secure'], default: 'safe', help: 'What to do when Duo cannot be reached: safe lets the user in after primary auth, secure rejects.' },
  { name: 'radius_ip_N', numbered: true, type: 'network', required: true, requiredText: 'at least radius_ip_1', help: 'RADIUS clients allowed to send requests: an IP, a CIDR (10.0.0.0/24), an IP/netmask or a range (10.0.0.1-10.0.0.9).' },
  { name: 'radius_secret_N', numbered: true, type: 'string', required: true, requiredText: 'one per radius_ip_N', secret: true, help: 'RADIUS shared secret for the clients of radius_ip_N.' },
  { name: 'radius_secret_protected_N', numbered: true, type: 'string', secret: true, windowsOnly: true, help: PROTECTED_HELP },
  { name: 'exempt_username_N', numbered: true, type: 'string', help: 'Usernames that skip Duo (exact, case-sensitive); numbered from 1 without gaps.' },
  { name: 'client', type: 'string', defaultText: '[main] client, or the only client section', help: 'Name of the client section that does primary authentication.' },
  { name: 'port', type: 'port', default: 1812, help: 'UDP port to listen on.' },
  { name: 'interface', type: 'ip', defaultText: '[main] interface, else all', help: 'Local IP address to listen on.' },
  { name: 'pass_through_attr_names', type: 'list', default: '', help: 'Comma list of RADIUS attributes copied from the request into the upstream RADIUS request (radius_client only).' },
  { name: 'pass_through_all', type: 'bool', default: false, help: 'Copy every request attribute into the upstream RADIUS request.' },
  { name: 'pw_codec', type: 'codec', default: 'utf-8', help: 'Character encoding of User-Password: utf-8, latin-1 or ascii.' },
  { name: 'client_ip_attr', type: 'attribute', default: 'default', help: 'Attribute holding the user\'s IP for Duo: default (Calling-Station-Id), paloalto (PaloAlto-Client-Source-IP) or an attribute name.' },
  { name: 'debug', type: 'bool', default: false, noEffect: 'per-section debug logging does not exist here; set [main] debug = true (or run `authproxy start --log-level debug`) for the whole process', help: 'Extra logging for this section (packet dumps, HTTP bodies without secrets).' },
  { name: 'http_ca_certs_file', type: 'file', defaultText: '[main] http_ca_certs_file', help: 'CA bundle trusted for the Duo API (taken from [main] when set there).' },
  { name: 'http_proxy_host', type: 'host', defaultText: '[main] http_proxy_host', help: 'HTTPS CONNECT proxy for Duo calls (taken from [main] when set there).' },
  { name: 'http_proxy_port', type: 'port', default: 80, help: 'Port of http_proxy_host.' },
  { name: 'require_message_authenticator', type: 'enum', values: ['true', 'false', 'auto'], default: 'auto', ours: true, help: 'Require Message-Authenticator in requests (BlastRADIUS); auto: required from a client once it has sent a valid one.' },
  { name: 'limit_proxy_state', type: 'bool', default: false, ours: true, help: 'Drop requests that carry Proxy-State but no Message-Authenticator (BlastRADIUS).' },
  { name: 'duo_api', type: 'enum', values: ['rest_v1', 'auth_v2'], default: 'rest_v1', ours: true, help: 'Duo API dialect: rest_v1 (what Duo\'s proxy uses for RADIUS application keys) or auth_v2 (keys of an Auth API application).' },
  { name: 'login_timeout', type: 'int', default: 120, min: 1, ours: true, help: 'Seconds one login may take in all; at the deadline the Duo call counts as a timeout and failmode applies.' },
] as const satisfies readonly OptionSpec[];

const SPLIT_OPTIONS = [
  { name: 'delimiter', type: 'string', default: ',', help: 'Separator between the password and an appended factor or passcode (the last one is used).' },
  { name: 'delimited_password_length', type: 'int', default: 0, min: 0, help: 'When above 0, the password is its first N characters and the factor the rest.' },
] as const satisfies readonly OptionSpec[];

const AD_OPTIONS = [
  { name: 'host', type: 'host', required: true, requiredText: 'host or at least one host_N', help: 'Domain controller; tried first.' },
  { name: 'host_N', numbered: true, type: 'host', help: 'More domain controllers, tried after host in numeric order.' },
  { name: 'port', type: 'port', defaultText: '389, or 636 when transport=ldaps', help: 'LDAP port.' },
  { name: 'service_account_username', type: 'string', required: true, requiredText: 'unless auth_type=sspi', help: 'Account used to search for users.' },
  { name: 'service_account_password', type: 'string', required: true, requiredText: 'unless auth_type=sspi', secret: true, help: 'Password of the service account.' },
  { name: 'service_account_password_protected', type: 'string', secret: true, windowsOnly: true, help: PROTECTED_HELP },
  { name: 'search_dn', type: 'dn', required: true, help: 'Base DN of the user search.' },
  { name: 'security_group_dn', type: 'dn', default: '', help: 'Only members of this group may log in.' },
  { name: 'bind_dn', type: 'dn', default: '', help: 'DN of the service account bind (required for auth_type=plain; empty binds as <ROOT>).' },
  { name: 'username_attribute', type: 'string', default: 'sAMAccountName', help: 'Attribute matched against the username.' },
  { name: 'at_attribute', type: 'string', default: 'userPrincipalName', help: 'Attribute matched when the username contains @.' },
  { name: 'transport', type: 'enum', values: ['clear', 'ldaps', 'starttls'], default: 'clear', help: 'Connection security.' },
  { name: 'auth_type', type: 'enum', values: ['plain', 'ntlm1', 'ntlm2', 'sspi'], default: 'ntlm2', help: 'How binds authenticate (sspi only works on Windows).' },
  { name: 'ntlm_domain', type: 'string', default: '', help: 'NTLM domain.' },
  { name: 'ntlm_workstation', type: 'string', default: '', help: 'NTLM workstation name.' },
  { name: 'domain_discovery', type: 'bool', default: false, noEffect: 'domain controllers are not looked up in DNS here; list them as host, host_2, host_3...', help: 'Find domain controllers through DNS.' },
  { name: 'timeout', type: 'int', default: 10, min: 1, help: 'Seconds per host attempt (connect and the whole exchange).' },
  { name: 'ssl_ca_certs_file', type: 'file', requiredText: 'for ldaps/starttls when ssl_verify_hostname is on', help: 'CA bundle trusted for ldaps/starttls.' },
  { name: 'ssl_verify_depth', type: 'int', default: 9, min: 0, noEffect: 'Node\'s TLS has no chain-depth limit: the whole chain is verified against ssl_ca_certs_file', help: 'Maximum certificate chain depth.' },
  { name: 'ssl_verify_hostname', type: 'bool', default: true, help: 'Check the server certificate\'s hostname.' },
  { name: 'ldap_filter', type: 'ldap-filter', help: 'Extra LDAP filter ANDed into the user search.' },
  { name: 'debug', type: 'bool', default: false, noEffect: 'per-section debug logging does not exist here; set [main] debug = true (or run `authproxy start --log-level debug`) for the whole process', help: 'Extra logging for this section.' },
  { name: 'http_ca_certs_file', type: 'file', noEffect: 'Duo copies it from [main] into every section; this section makes no Duo call (set it in [main] or the server section)', help: 'Accepted (copied from [main] by Duo); unused by this section.' },
] as const satisfies readonly OptionSpec[];

const RADIUS_CLIENT_OPTIONS = [
  { name: 'host', type: 'ip', required: true, requiredText: 'host or host_1', help: 'Upstream RADIUS server (an IP address: replies are matched by source IP).' },
  { name: 'port', type: 'port', default: 1812, help: 'Port of host.' },
  { name: 'host_N', numbered: true, type: 'ip', help: 'More upstream servers: host_1, then host_2, host_3... without gaps.' },
  { name: 'port_N', numbered: true, type: 'port', default: 1812, help: 'Port of host_N.' },
  { name: 'secret', type: 'string', required: true, secret: true, help: 'Shared secret with the upstream servers.' },
  { name: 'secret_protected', type: 'string', secret: true, windowsOnly: true, help: PROTECTED_HELP },
  { name: 'retries', type: 'int', default: 3, min: 0, help: 'Retransmissions after the first send.' },
  { name: 'retry_wait', type: 'int', default: 2, min: 1, help: 'Seconds between sends.' },
  { name: 'nas_ip', type: 'ip', defaultText: 'the local address towards the server', help: 'NAS-IP-Address sent upstream.' },
  { name: 'pass_through_attr_names', type: 'list', default: '', help: 'Comma list of attributes copied from the upstream answer into the final answer.' },
  { name: 'pass_through_all', type: 'bool', default: false, help: 'Copy every attribute of the upstream answer.' },
  { name: 'pw_codec', type: 'codec', default: 'utf-8', help: 'Character encoding of User-Password: utf-8, latin-1 or ascii.' },
  { name: 'debug', type: 'bool', default: false, noEffect: 'per-section debug logging does not exist here; set [main] debug = true (or run `authproxy start --log-level debug`) for the whole process', help: 'Extra logging for this section.' },
  { name: 'http_ca_certs_file', type: 'file', noEffect: 'Duo copies it from [main] into every section; this section makes no Duo call (set it in [main] or the server section)', help: 'Accepted (copied from [main] by Duo); unused by this section.' },
  { name: 'require_message_authenticator', type: 'enum', values: ['true', 'false', 'auto'], default: 'auto', ours: true, help: 'Require Message-Authenticator in upstream answers; auto: required once a server has sent a valid one.' },
] as const satisfies readonly OptionSpec[];

const MAIN_OPTIONS = [
  { name: 'debug', type: 'bool', default: false, help: 'Debug logging everywhere (as `authproxy start --log-level debug`): every login transition and redacted packet dumps.' },
  { name: 'log_file', type: 'bool', default: false, help: 'Write authproxy.log (our JSON lines) in log_dir, rotated by log_max_size/log_max_files; reopened on SIGUSR2 or when logrotate moved it. With none of log_file, log_stdout, log_syslog set, the lines go to stdout (Duo: to the file; docs/deviations.md).' },
  { name: 'log_stdout', type: 'bool', default: false, help: 'Write the JSON log lines to stdout (auth events excluded). The lifecycle lines (ready, stopping, stopped) always go to stdout.' },
  { name: 'log_syslog', type: 'bool', default: false, help: 'Send the JSON log lines to syslog as RFC 5424 messages, app name Authproxy: to /dev/log, or over UDP to syslog_server.' },
  { name: 'syslog_facility', type: 'string', default: 'LOG_USER', help: 'Syslog facility: LOG_USER, LOG_DAEMON, LOG_AUTH, LOG_AUTHPRIV, LOG_LOCAL0 … LOG_LOCAL7 (LOG_ optional, any case).' },
  { name: 'syslog_server', type: 'string', default: '', ours: true, help: 'host or host:port (default port 514): send syslog over UDP there instead of /dev/log.' },
  { name: 'log_dir', type: 'string', default: 'log', help: 'Folder of authproxy.log and authevents.log (default: log/ beside the folder that holds the config file); a relative path is resolved against the folder above the config file\'s (Duo: <install>/conf/authproxy.cfg logs to <install>/log). Created if missing.' },
  { name: 'log_max_size', type: 'int', default: 10485760, min: 0, help: 'Bytes per log file before it rotates (authproxy.log → authproxy.log.1 …); 0: never.' },
  { name: 'log_max_files', type: 'int', default: 6, min: 0, help: 'Rotated copies kept (authproxy.log.1 … .N, the same for authevents.log); 0: all.' },
  { name: 'log_auth_events', type: 'bool', default: false, help: 'Write authevents.log in log_dir: Duo\'s auth events, byte for byte in Duo\'s format (docs/operations.md).' },
  { name: 'log_sso_events', type: 'bool', default: true, noEffect: 'authproxy runs no SSO module, so there are no SSO events to log', help: 'Duo: write ssoevents.log. Read for compatibility.' },
  { name: 'http_ca_certs_file', type: 'file', defaultText: 'the system trust store', help: 'CA bundle trusted for the Duo API; a relative path is resolved against the config file\'s directory.' },
  { name: 'http_proxy_host', type: 'host', default: '', help: 'HTTPS CONNECT proxy for Duo calls.' },
  { name: 'http_proxy_port', type: 'port', default: 80, help: 'Port of http_proxy_host.' },
  { name: 'interface', type: 'ip', default: '', help: 'Default listen address of server sections (empty: all).' },
  { name: 'client', type: 'string', default: '', help: 'Default client section of server sections.' },
  { name: 'server', type: 'string', default: '', help: 'With client=, the server section whose client is overridden.' },
  { name: 'fips_mode', type: 'bool', default: false, noEffect: 'FIPS is a property of the OpenSSL Node runs on: start Node with --enable-fips and a FIPS provider configured', help: 'Duo: FIPS mode. Read for compatibility.' },
  { name: 'test_connectivity_on_startup', type: 'bool', default: false, help: 'Duo: run the connectivity tool at start. Read for compatibility.' },
  { name: 'nats_url', type: 'nats-url', ours: true, help: 'NATS server(s) shared by several authproxy processes (comma separated); unset: one process, in-memory bus.' },
  { name: 'nats_user', type: 'string', ours: true, help: 'NATS username.' },
  { name: 'nats_password', type: 'string', secret: true, ours: true, help: 'NATS password.' },
  { name: 'nats_creds_file', type: 'file', ours: true, help: 'NATS credentials file (JWT and NKey seed).' },
  { name: 'nats_ca_file', type: 'file', ours: true, help: 'CA bundle trusted for tls:// NATS servers.' },
  { name: 'role', type: 'enum', values: ['listener', 'engine', 'both'], default: 'both', ours: true, help: 'What this process runs: RADIUS listeners, login engines, or both (listener and engine need nats_url).' },
  { name: 'metrics_port', type: 'port', ours: true, help: 'TCP port of the Prometheus endpoint: GET /metrics, /healthz and /readyz (unset: off; docs/operations.md).' },
  { name: 'metrics_interface', type: 'ip', default: '127.0.0.1', ours: true, help: 'Address the metrics endpoint listens on (0.0.0.0 or :: for every address, e.g. for a Prometheus on another host).' },
  { name: 'dashboard_port', type: 'port', ours: true, help: 'TCP port of the live dashboard and its JSON API (unset: off; docs/dashboard.md).' },
  { name: 'dashboard_interface', type: 'ip', default: '127.0.0.1', ours: true, help: 'Address the dashboard listens on; any address but a loopback one needs dashboard_token.' },
  { name: 'dashboard_token', type: 'string', secret: true, ours: true, requiredText: 'when dashboard_interface is not a loopback address', help: 'Access token of the dashboard: sent as `Authorization: Bearer <token>`, or typed once into the page\'s sign-in form (then kept in an HttpOnly cookie). At least 16 characters.' },
  { name: 'dashboard_logins', type: 'int', default: 1000, min: 10, max: 100000, ours: true, help: 'Finished logins whose trace the dashboard keeps; the oldest goes first (a push login\'s trace is about 2 KiB, so 1000 keep about 2 MiB; docs/dashboard.md).' },
  { name: 'dashboard_max_age', type: 'int', default: 3600, min: 60, ours: true, help: 'Seconds a finished login\'s trace stays on the dashboard.' },
  { name: 'dashboard_window', type: 'int', default: 300, min: 10, max: 3600, ours: true, help: 'Seconds of the sliding window over which the diagram counts states and transitions.' },
  { name: 'udp_receive_buffer', type: 'int', default: 8388608, min: 1, ours: true, help: 'Bytes of the RADIUS listener\'s socket receive buffer (SO_RCVBUF; the kernel caps it at net.core.rmem_max).' },
  { name: 'ma_state_file', type: 'string', default: 'authproxy-ma-learned.json', ours: true, help: 'File that keeps, across restarts, the RADIUS clients that have sent Message-Authenticator (require_message_authenticator = auto requires it from them for ever after); relative to the config file\'s directory, or to $STATE_DIRECTORY when systemd sets it (the shipped unit: /var/lib/authproxy); written atomically; empty: kept in memory only (docs/deviations.md).' },
  { name: 'engine_threads', type: 'int', default: 0, min: 0, max: 64, ours: true, help: 'Login engines run in this many worker threads (one core each); the main thread keeps the RADIUS listeners and the challenge store. 0: the engine runs on the main thread (docs/scaling.md).' },
] as const satisfies readonly OptionSpec[];

export const SECTIONS = {
  main: { kind: 'main', help: 'Settings of the whole proxy.', options: MAIN_OPTIONS },
  radius_server_auto: {
    kind: 'server',
    help: 'RADIUS server: primary authentication, then Duo with the factor from `factors` or one appended to the password.',
    options: [
      ...SERVER_COMMON,
      { name: 'factors', type: 'factors', default: 'auto', help: 'Comma list of auto, push, phone, passcode, tried in the configured order.' },
      ...SPLIT_OPTIONS,
      { name: 'allow_concat', type: 'bool', default: true, help: 'Try splitting password<delimiter>factor (alias: concat_mode).' },
    ],
  },
  radius_server_challenge: {
    kind: 'server',
    help: 'RADIUS server: primary authentication, then an Access-Challenge listing the user\'s Duo factors.',
    options: [
      ...SERVER_COMMON,
      { name: 'prompt_format', type: 'enum', values: ['console', 'html', 'short'], default: 'console', help: 'Format of the challenge prompt.' },
      { name: 'enroll_challenge', type: 'bool', default: true, help: 'Send enrollment text in an Access-Challenge instead of an Access-Reject.' },
    ],
  },
  radius_server_duo_only: {
    kind: 'server',
    help: 'RADIUS server without primary authentication: the password is the Duo factor or passcode.',
    options: SERVER_COMMON,
  },
  radius_server_concat: {
    kind: 'server',
    help: 'RADIUS server: the password must be password<delimiter>factor.',
    options: [...SERVER_COMMON, ...SPLIT_OPTIONS],
  },
  ad_client: { kind: 'client', help: 'Primary authentication against Active Directory or another LDAP directory.', options: AD_OPTIONS },
  radius_client: { kind: 'client', help: 'Primary authentication against an upstream RADIUS server.', options: RADIUS_CLIENT_OPTIONS },
  duo_only_client: {
    kind: 'client',
    help: 'No primary authentication: always succeeds ("Ignoring primary credentials").',
    options: [
      { name: 'debug', type: 'bool', default: false, noEffect: 'per-section debug logging does not exist here; set [main] debug = true (or run `authproxy start --log-level debug`) for the whole process', help: 'Extra logging for this section.' },
      { name: 'http_ca_certs_file', type: 'file', noEffect: 'Duo copies it from [main] into every section; this section makes no Duo call (set it in [main] or the server section)', help: 'Accepted (copied from [main] by Duo); unused by this section.' },
    ],
  },
} as const satisfies Record<string, SectionSpec>;

export type SectionType = keyof typeof SECTIONS;
export type ServerType = 'radius_server_auto' | 'radius_server_challenge' | 'radius_server_duo_only' | 'radius_server_concat';
export type ClientType = 'ad_client' | 'radius_client' | 'duo_only_client';

/** Section types Duo's proxy knows that authproxy does not run (yet): reported as errors. */
export const UNSUPPORTED_SECTIONS = {
  radius_server_iframe: 'RADIUS with the Duo iframe (Citrix, F5, Juniper... web portals)',
  radius_server_eap: 'RADIUS terminating PEAP/EAP-GTC',
  ldap_server_auto: 'LDAP proxy with Duo on bind',
  http_proxy: 'HTTP proxy for other Duo applications',
  cloud: 'Duo directory sync connector',
  sso: 'Duo Single Sign-On connector',
  mock_client: 'Duo\'s test client',
} as const;

/** Keys renamed on read (reference §2 "Key aliases"). */
export const KEY_ALIASES: Readonly<Record<string, string>> = { concat_mode: 'allow_concat' };

export function isSectionType(t: string): t is SectionType {
  return Object.hasOwn(SECTIONS, t);
}

export function sectionSpec(type: SectionType): SectionSpec {
  return SECTIONS[type];
}

/** Section type of a name: lowercased, trailing digits stripped (reference §1). */
export function sectionTypeOf(name: string): string {
  return name.toLowerCase().replace(/\d+$/, '');
}

/** The spec of a key in a section type, numbered patterns included; undefined if unknown. */
export function findOption(spec: SectionSpec, key: string): { option: OptionSpec; n?: number; suffix?: string } | undefined {
  for (const option of spec.options) {
    if (!('numbered' in option) || !option.numbered) {
      if (option.name === key) return { option };
      continue;
    }
    const prefix = option.name.slice(0, -1); // 'radius_ip_'
    if (key.startsWith(prefix) && key.length > prefix.length) {
      const suffix = key.slice(prefix.length);
      // radius_secret_protected_N also starts with radius_secret_: prefer the longer pattern.
      if (spec.options.some((o) => 'numbered' in o && o.numbered && o !== option && o.name.length > option.name.length && key.startsWith(o.name.slice(0, -1)))) continue;
      return /^\d+$/.test(suffix) ? { option, n: Number(suffix) } : { option, suffix };
    }
  }
  return undefined;
}

/** Every option whose value must never be printed, by section type. */
export function isSecretKey(type: SectionType, key: string): boolean {
  const found = findOption(SECTIONS[type], key);
  return Boolean(found && 'secret' in found.option && found.option.secret);
}
