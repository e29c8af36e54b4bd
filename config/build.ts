// Builds the typed ProxyConfig sections from read sections. Every default comes from config/options.ts
// through the accessors of section-reader.ts; only [main]'s pushes into sections are decided here
// (reference §2 "[main] overrides pushed into sections").
import { SECTIONS, type SectionType, type ServerType, sectionSpec } from './options.ts';
import { contiguous } from './section-checks.ts';
import { bool, int, list, numbered, optInt, optStr, type ReadSection, str, optionValue } from './section-reader.ts';
import type {
  AdAuthType,
  AdClientSection,
  AdTransport,
  Codec,
  DuoApiDialect,
  DuoOnlyClientSection,
  Factor,
  Failmode,
  MainConfig,
  MessageAuthenticatorPolicy,
  PromptFormat,
  RadiusClientSection,
  Role,
  ServerSection,
} from './types.ts';

/** A read section with no keys: [main] when the file has none. */
export function emptySection(name: string, type: SectionType): ReadSection {
  return { name, type, spec: SECTIONS[type], line: 0, present: new Map(), values: new Map(), numbered: new Map() };
}

/** The option's value when this section type reads it, else the default of `owner`'s spec. */
function fieldOr(read: ReadSection, name: string, owner: SectionType): ReturnType<typeof optionValue> {
  if (read.spec.options.some((o) => o.name === name)) return optionValue(read, name);
  return sectionSpec(owner).options.find((o) => o.name === name)?.default;
}

export function buildMain(read: ReadSection): MainConfig {
  const urls = optionValue(read, 'nats_url');
  return {
    debug: bool(read, 'debug'),
    httpCaCertsFile: optStr(read, 'http_ca_certs_file'),
    httpProxyHost: str(read, 'http_proxy_host'),
    httpProxyPort: int(read, 'http_proxy_port'),
    interface: str(read, 'interface'),
    client: str(read, 'client'),
    server: str(read, 'server'),
    fipsMode: bool(read, 'fips_mode'),
    testConnectivityOnStartup: bool(read, 'test_connectivity_on_startup'),
    logFile: bool(read, 'log_file'),
    logStdout: bool(read, 'log_stdout'),
    logSyslog: bool(read, 'log_syslog'),
    syslogFacility: str(read, 'syslog_facility'),
    syslogServer: str(read, 'syslog_server'),
    logDir: str(read, 'log_dir'),
    logMaxSize: int(read, 'log_max_size'),
    logMaxFiles: int(read, 'log_max_files'),
    logAuthEvents: bool(read, 'log_auth_events'),
    logSsoEvents: bool(read, 'log_sso_events'),
    natsUrl: Array.isArray(urls) && urls.length > 0 ? read.values.get('nats_url')?.raw : undefined,
    natsServers: Array.isArray(urls) ? [...urls] : [],
    natsUser: optStr(read, 'nats_user'),
    natsPassword: optStr(read, 'nats_password'),
    natsCredsFile: optStr(read, 'nats_creds_file'),
    natsCaFile: optStr(read, 'nats_ca_file'),
    role: str(read, 'role') as Role,
    metricsPort: optInt(read, 'metrics_port'),
    metricsInterface: str(read, 'metrics_interface'),
    dashboardPort: optInt(read, 'dashboard_port'),
    dashboardInterface: str(read, 'dashboard_interface'),
    dashboardToken: optStr(read, 'dashboard_token'),
    dashboardLogins: int(read, 'dashboard_logins'),
    dashboardMaxAgeS: int(read, 'dashboard_max_age'),
    dashboardWindowS: int(read, 'dashboard_window'),
    udpReceiveBuffer: int(read, 'udp_receive_buffer'),
    engineThreads: int(read, 'engine_threads'),
    maStateFile: str(read, 'ma_state_file'),
  };
}

const CLIENT_IP_ATTRS: Readonly<Record<string, string>> = { default: 'Calling-Station-Id', paloalto: 'PaloAlto-Client-Source-IP' };

export function buildServer(read: ReadSection, main: MainConfig, client: string | undefined): ServerSection {
  const type = read.type as ServerType;
  const secrets = new Map(numbered(read, 'radius_secret_N'));
  const radiusClients = numbered(read, 'radius_ip_N').flatMap(([n, ip]) => {
    const secret = secrets.get(n);
    return secret ? [{ n, value: String(ip.value), secret: String(secret.value), line: ip.line }] : [];
  });
  const exempt = new Map(numbered(read, 'exempt_username_N'));
  const exemptUsernames = contiguous(exempt.keys(), 1).kept.map((n) => String(exempt.get(n)!.value));
  const clientIpAttr = str(read, 'client_ip_attr');
  const allowConcat = type === 'radius_server_concat' ? true : type === 'radius_server_auto' ? bool(read, 'allow_concat') : false;
  const ownProxy = main.httpProxyHost === '';
  return {
    name: read.name,
    type,
    line: read.line,
    port: int(read, 'port'),
    interface: read.values.has('interface') ? str(read, 'interface') : main.interface,
    ikey: str(read, 'ikey'),
    skey: str(read, 'skey'),
    apiHost: str(read, 'api_host'),
    apiPort: int(read, 'api_port'),
    apiTimeout: int(read, 'api_timeout'),
    failmode: str(read, 'failmode') as Failmode,
    radiusClients,
    exemptUsernames,
    client: type === 'radius_server_duo_only' ? undefined : client,
    clientIpAttr: CLIENT_IP_ATTRS[clientIpAttr] ?? clientIpAttr,
    passThroughAttrNames: list(read, 'pass_through_attr_names'),
    passThroughAll: bool(read, 'pass_through_all'),
    pwCodec: str(read, 'pw_codec') as Codec,
    factors: listOf(fieldOr(read, 'factors', 'radius_server_auto')) as Factor[],
    delimiter: String(fieldOr(read, 'delimiter', 'radius_server_auto')),
    delimitedPasswordLength: Number(fieldOr(read, 'delimited_password_length', 'radius_server_auto')),
    allowConcat,
    promptFormat: String(fieldOr(read, 'prompt_format', 'radius_server_challenge')) as PromptFormat,
    enrollChallenge: fieldOr(read, 'enroll_challenge', 'radius_server_challenge') === true,
    requireMessageAuthenticator: str(read, 'require_message_authenticator') as MessageAuthenticatorPolicy,
    limitProxyState: bool(read, 'limit_proxy_state'),
    duoApi: str(read, 'duo_api') as DuoApiDialect,
    loginTimeout: int(read, 'login_timeout'),
    debug: main.debug || bool(read, 'debug'),
    httpCaCertsFile: main.httpCaCertsFile ?? optStr(read, 'http_ca_certs_file'),
    httpProxyHost: ownProxy ? str(read, 'http_proxy_host') : main.httpProxyHost,
    httpProxyPort: ownProxy ? int(read, 'http_proxy_port') : main.httpProxyPort,
  };
}

function listOf(v: ReturnType<typeof optionValue>): string[] {
  if (Array.isArray(v)) return [...v];
  return typeof v === 'string' && v !== '' ? v.split(',').map((s) => s.trim()) : [];
}

export function buildAdClient(read: ReadSection, main: MainConfig): AdClientSection {
  const transport = str(read, 'transport') as AdTransport;
  const hosts = [...(read.values.has('host') ? [str(read, 'host')] : []), ...numbered(read, 'host_N').map(([, v]) => String(v.value))];
  return {
    name: read.name,
    type: 'ad_client',
    line: read.line,
    hosts,
    port: optInt(read, 'port') ?? (transport === 'ldaps' ? 636 : 389),
    transport,
    authType: str(read, 'auth_type') as AdAuthType,
    serviceAccountUsername: str(read, 'service_account_username'),
    serviceAccountPassword: str(read, 'service_account_password'),
    searchDn: str(read, 'search_dn'),
    securityGroupDn: str(read, 'security_group_dn'),
    bindDn: str(read, 'bind_dn'),
    usernameAttribute: str(read, 'username_attribute'),
    atAttribute: str(read, 'at_attribute'),
    ldapFilter: str(read, 'ldap_filter'),
    ntlmDomain: str(read, 'ntlm_domain'),
    ntlmWorkstation: str(read, 'ntlm_workstation'),
    domainDiscovery: bool(read, 'domain_discovery'),
    timeout: int(read, 'timeout'),
    sslCaCertsFile: optStr(read, 'ssl_ca_certs_file'),
    sslVerifyDepth: int(read, 'ssl_verify_depth'),
    sslVerifyHostname: bool(read, 'ssl_verify_hostname'),
    debug: main.debug || bool(read, 'debug'),
  };
}

export function buildRadiusClient(read: ReadSection, main: MainConfig): RadiusClientSection {
  const hostN = new Map(numbered(read, 'host_N'));
  const portN = new Map(numbered(read, 'port_N'));
  const defaultPort = int(read, 'port');
  const hosts: { host: string; port: number }[] = [];
  if (read.values.has('host')) hosts.push({ host: str(read, 'host'), port: defaultPort });
  const ns = [...(hostN.has(1) ? [1] : []), ...contiguous([...hostN.keys()].filter((n) => n >= 2), 2).kept];
  for (const n of ns) hosts.push({ host: String(hostN.get(n)!.value), port: Number(portN.get(n)?.value ?? defaultPortN(read)) });
  return {
    name: read.name,
    type: 'radius_client',
    line: read.line,
    hosts,
    secret: str(read, 'secret'),
    retries: int(read, 'retries'),
    retryWait: int(read, 'retry_wait'),
    nasIp: optStr(read, 'nas_ip'),
    passThroughAttrNames: list(read, 'pass_through_attr_names'),
    passThroughAll: bool(read, 'pass_through_all'),
    pwCodec: str(read, 'pw_codec') as Codec,
    requireMessageAuthenticator: str(read, 'require_message_authenticator') as MessageAuthenticatorPolicy,
    debug: main.debug || bool(read, 'debug'),
  };
}

function defaultPortN(read: ReadSection): number {
  return Number(read.spec.options.find((o) => o.name === 'port_N')?.default);
}

export function buildDuoOnlyClient(read: ReadSection, main: MainConfig): DuoOnlyClientSection {
  return { name: read.name, type: 'duo_only_client', line: read.line, debug: main.debug || bool(read, 'debug') };
}
