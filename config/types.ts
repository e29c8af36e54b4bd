// The typed result of reading authproxy.cfg: everything camelCase, defaults applied (from
// config/options.ts), names resolved. Secrets are plain strings here because the adapters need them;
// never log this object whole (config/summary.ts prints what is safe).
import type { ServerType } from './options.ts';
import type { Codec } from './syntax.ts';
import type { Factor } from './values.ts';

export type { ClientType, ServerType } from './options.ts';
export type { Codec } from './syntax.ts';
export type { Factor } from './values.ts';

export type Role = 'listener' | 'engine' | 'both';
export type MessageAuthenticatorPolicy = 'true' | 'false' | 'auto';
export type Failmode = 'safe' | 'secure';
export type PromptFormat = 'console' | 'html' | 'short';
export type DuoApiDialect = 'rest_v1' | 'auth_v2';

export interface MainConfig {
  debug: boolean;
  /** Absolute path; undefined: the system trust store. */
  httpCaCertsFile: string | undefined;
  /** '' for none. */
  httpProxyHost: string;
  httpProxyPort: number;
  /** Default listen address of server sections ('' = all). */
  interface: string;
  client: string;
  server: string;
  fipsMode: boolean;
  testConnectivityOnStartup: boolean;
  logFile: boolean;
  logStdout: boolean;
  logSyslog: boolean;
  syslogFacility: string;
  /** syslog_server: '' for /dev/log. */
  syslogServer: string;
  logDir: string;
  logMaxSize: number;
  logMaxFiles: number;
  logAuthEvents: boolean;
  logSsoEvents: boolean;
  /** `nats_url` as written; undefined: one process with the in-memory bus and store. */
  natsUrl: string | undefined;
  /** The same, split into one URL per server (for nats.js `connect({ servers })`); [] when unset. */
  natsServers: string[];
  natsUser: string | undefined;
  natsPassword: string | undefined;
  natsCredsFile: string | undefined;
  natsCaFile: string | undefined;
  role: Role;
  metricsPort: number | undefined;
  /** Listen address of the metrics endpoint (default 127.0.0.1). */
  metricsInterface: string;
  dashboardPort: number | undefined;
  dashboardInterface: string;
  dashboardToken: string | undefined;
  dashboardLogins: number;
  dashboardMaxAgeS: number;
  dashboardWindowS: number;
  /** SO_RCVBUF of RADIUS listener sockets, bytes. */
  udpReceiveBuffer: number;
  /** Worker threads running login engines; 0: the engine runs on the main thread (docs/scaling.md). */
  engineThreads: number;
  /** Where the clients learnt under require_message_authenticator = auto are kept across restarts; as
   *  written (relative to the config file's directory), '' for nowhere. */
  maStateFile: string;
}

/** One radius_ip_N with its radius_secret_N; `value` is as written (parse it with parseNetwork). */
export interface RadiusClientNetwork {
  n: number;
  value: string;
  secret: string;
  line: number;
}

export interface ServerSection {
  name: string;
  type: ServerType;
  line: number;
  port: number;
  /** Listen address; '' = all. */
  interface: string;
  ikey: string;
  skey: string;
  apiHost: string;
  apiPort: number;
  /** Seconds per Duo request; 0 = none. */
  apiTimeout: number;
  failmode: Failmode;
  /** radius_ip_N in N order, each with its secret. */
  radiusClients: RadiusClientNetwork[];
  /** exempt_username_1.. up to the first gap; compared exactly. */
  exemptUsernames: string[];
  /** Resolved client section name; undefined for duo_only sections. */
  client: string | undefined;
  /** Attribute read as the user's IP ('Calling-Station-Id' by default). */
  clientIpAttr: string;
  passThroughAttrNames: string[];
  passThroughAll: boolean;
  pwCodec: Codec;
  /** Configured order, de-duplicated. */
  factors: Factor[];
  delimiter: string;
  delimitedPasswordLength: number;
  /** Whether password<delimiter>factor splitting is tried: the option for auto, always for concat,
   *  never for challenge and duo_only. */
  allowConcat: boolean;
  promptFormat: PromptFormat;
  enrollChallenge: boolean;
  requireMessageAuthenticator: MessageAuthenticatorPolicy;
  limitProxyState: boolean;
  duoApi: DuoApiDialect;
  /** Seconds one login may take in all. */
  loginTimeout: number;
  debug: boolean;
  /** From [main] when set there. Absolute path; undefined: the system trust store. */
  httpCaCertsFile: string | undefined;
  httpProxyHost: string;
  httpProxyPort: number;
}

export type AdTransport = 'clear' | 'ldaps' | 'starttls';
export type AdAuthType = 'plain' | 'ntlm1' | 'ntlm2' | 'sspi';

export interface AdClientSection {
  name: string;
  type: 'ad_client';
  line: number;
  /** host, then host_N in numeric order. */
  hosts: string[];
  port: number;
  transport: AdTransport;
  authType: AdAuthType;
  serviceAccountUsername: string;
  serviceAccountPassword: string;
  searchDn: string;
  securityGroupDn: string;
  /** '' binds as <ROOT>. */
  bindDn: string;
  usernameAttribute: string;
  atAttribute: string;
  /** '' for none. */
  ldapFilter: string;
  ntlmDomain: string;
  ntlmWorkstation: string;
  domainDiscovery: boolean;
  /** Seconds per host attempt. */
  timeout: number;
  sslCaCertsFile: string | undefined;
  sslVerifyDepth: number;
  sslVerifyHostname: boolean;
  debug: boolean;
}

export interface RadiusClientSection {
  name: string;
  type: 'radius_client';
  line: number;
  /** host, host_1, then host_2.. up to the first gap. */
  hosts: { host: string; port: number }[];
  secret: string;
  retries: number;
  /** Seconds. */
  retryWait: number;
  /** undefined: the local address towards the server. */
  nasIp: string | undefined;
  passThroughAttrNames: string[];
  passThroughAll: boolean;
  pwCodec: Codec;
  requireMessageAuthenticator: MessageAuthenticatorPolicy;
  debug: boolean;
}

export interface DuoOnlyClientSection {
  name: string;
  type: 'duo_only_client';
  line: number;
  debug: boolean;
}

export type ClientSection = AdClientSection | RadiusClientSection | DuoOnlyClientSection;

export interface ProxyConfig {
  /** Absolute path of the config file. */
  file: string;
  /** Its directory: relative paths in the file are resolved against it. */
  dir: string;
  main: MainConfig;
  /** Server sections in file order. */
  servers: ServerSection[];
  /** Client sections by section name. */
  clients: Record<string, ClientSection>;
}
