// The typed [ad_client] section as createAdClient takes it (reference §4.6), with Duo's defaults.
// config/types.ts AdClientSection is assignable to it, so the engine can pass the section as is.
import type { Transport } from './session.ts';

export const AdAuthType = { plain: 'plain', ntlm1: 'ntlm1', ntlm2: 'ntlm2', sspi: 'sspi' } as const;
export type AdAuthType = (typeof AdAuthType)[keyof typeof AdAuthType];

export interface AdClientOptions {
  /** `host`, `host_1`, `host_2`... in the order they are tried. */
  hosts: string[];
  /** Default 389, or 636 with transport=ldaps. */
  port?: number;
  /** Default clear. */
  transport?: Transport;
  /** Absolute path of a PEM file of CA certificates; without it the system store is used. */
  sslCaCertsFile?: string;
  /** Default true. */
  sslVerifyHostname?: boolean;
  /** Seconds per host attempt: the connect and, as a catch-all, the whole exchange. Default 10. */
  timeout?: number;
  serviceAccountUsername?: string;
  serviceAccountPassword?: string;
  /** DN of the service account's simple bind (plain); the DN field of NTLM binds. Default `<ROOT>`. */
  bindDn?: string;
  searchDn: string;
  securityGroupDn?: string;
  /** Default sAMAccountName. */
  usernameAttribute?: string;
  /** Default userPrincipalName; searched when the username contains `@`. */
  atAttribute?: string;
  /** Extra filter ANDed in; an unparsable one is logged and ignored. */
  ldapFilter?: string;
  /** Default ntlm2. sspi is Windows-only in Duo's proxy: here, as there on other systems, every
   *  service bind fails with "The SSPI bind type is only supported on Windows." */
  authType?: AdAuthType;
  ntlmDomain?: string;
  /** Default: this machine's host name. */
  ntlmWorkstation?: string;
  /** Accepted and unused: the domain for an NTLM user bind always comes from the entry's
   *  msDS-PrincipalName when the directory returns one (reference §13). */
  domainDiscovery?: boolean;
  /** Accepted and unused: Node's TLS has no chain-depth limit option. */
  sslVerifyDepth?: number;
  debug?: boolean;
  /** Ours: bound service-account connections kept per host (default 2). */
  servicePoolSize?: number;
  /** Ours: idle connections kept per host for user binds (default 16); 0 opens a new connection for
   *  every user bind and closes it after, as Duo's proxy does. */
  userBindPoolSize?: number;
}

export interface ResolvedAdClientOptions {
  hosts: string[];
  port: number;
  transport: Transport;
  sslCaCertsFile: string | undefined;
  sslVerifyHostname: boolean;
  timeoutMs: number;
  serviceAccountUsername: string;
  serviceAccountPassword: string;
  bindDn: string;
  searchDn: string;
  securityGroupDn: string;
  usernameAttribute: string;
  atAttribute: string;
  ldapFilter: string | undefined;
  authType: AdAuthType;
  ntlmDomain: string;
  ntlmWorkstation: string;
  servicePoolSize: number;
  userBindPoolSize: number;
}

export function resolveAdClientOptions(o: AdClientOptions, hostname: string): ResolvedAdClientOptions {
  const transport = o.transport ?? 'clear';
  return {
    hosts: o.hosts,
    port: o.port ?? (transport === 'ldaps' ? 636 : 389),
    transport,
    sslCaCertsFile: o.sslCaCertsFile || undefined,
    sslVerifyHostname: o.sslVerifyHostname ?? true,
    timeoutMs: (o.timeout ?? 10) * 1000,
    serviceAccountUsername: o.serviceAccountUsername ?? '',
    serviceAccountPassword: o.serviceAccountPassword ?? '',
    bindDn: o.bindDn || '<ROOT>',
    searchDn: o.searchDn,
    securityGroupDn: o.securityGroupDn ?? '',
    usernameAttribute: o.usernameAttribute || 'sAMAccountName',
    atAttribute: o.atAttribute || 'userPrincipalName',
    ldapFilter: o.ldapFilter?.trim() || undefined,
    authType: o.authType ?? 'ntlm2',
    ntlmDomain: o.ntlmDomain ?? '',
    ntlmWorkstation: o.ntlmWorkstation || hostname,
    servicePoolSize: Math.max(1, o.servicePoolSize ?? 2),
    userBindPoolSize: Math.max(0, o.userBindPoolSize ?? 16),
  };
}
