// Primary authentication against Active Directory or another LDAP directory: Duo's [ad_client]
// (reference §4.6 and §13). For each host in order: a pooled service-account connection searches for
// the user (filter, security group, ldap_filter), then the user's own bind on a fresh connection
// checks the password. Connection failures, timeouts, a refused service bind and search errors move
// on to the next host; an unknown user and a refused user bind are final. The result messages are
// Duo's, word for word; the log lines are Duo's too.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { type Entry, type Filter, ResultCodeError } from 'ldapts';
import type { PrimaryAuth, PrimaryAuthRequest, PrimaryAuthResult } from '../../machines/contracts.ts';
import type { Logger } from '../log/logger.ts';
import { type AdClientOptions, type ResolvedAdClientOptions, resolveAdClientOptions } from './options.ts';
import { ServicePool } from './service-pool.ts';
import { type BindCredentials, closeSession, type Endpoint, type OpenResult, openSession } from './session.ts';
import {
  groupFilter,
  normaliseUsername,
  ntlmIdentity,
  parseLdapFilter,
  pickEntry,
  ridFromSid,
  type UserLookup,
  userFilter,
} from './user-filter.ts';

/** Result messages (reference §13, §19 item 14). */
export const AdMessage = {
  noPassword: 'No password.',
  invalidUser: 'Invalid User',
  authFailed: 'User Authentication Failed',
  success: 'Active Directory authentication succeeded',
  allHostsFailed: 'Failed to communicate with any Active Directory server',
  /** Ours: the engine gave up on the login (its signal aborted); never sent to a device. */
  cancelled: 'Primary authentication cancelled',
} as const;

export interface AdClient extends PrimaryAuth {
  /** Closes the pooled service connections. */
  close(): Promise<void>;
}

export interface AdClientDeps {
  logger: Logger;
}

/** The security-group clause changes only if the group is deleted and re-created; looking its
 *  objectSid up once per login (as Duo does) would cost a search each time, so it is kept a while. */
const GROUP_CACHE_MS = 5 * 60 * 1000;
const NO_LDAP_OBJECT = 32;
const REFERRAL = 10;

type HostOutcome = { final: PrimaryAuthResult } | { next: true };

export function createAdClient(options: AdClientOptions, deps: AdClientDeps): AdClient {
  const cfg = resolveAdClientOptions(options, hostname().toUpperCase());
  const log = deps.logger;
  const ca = readCa(cfg, log);
  const extra = extraFilter(cfg, log);
  if (cfg.transport !== 'clear' && !cfg.sslCaCertsFile && !cfg.sslVerifyHostname) {
    log.warn({ transport: cfg.transport }, 'ssl_ca_certs_file is not set and ssl_verify_hostname is false: the AD server certificate is not verified');
  }
  const pools = new Map<string, ServicePool>();
  const groupCache = new Map<string, { filter: Filter; expires: number }>();

  const endpoint = (host: string): Endpoint => ({
    host,
    port: cfg.port,
    transport: cfg.transport,
    ca: ca.pem,
    verifyHostname: cfg.sslVerifyHostname,
  });
  const open = (host: string, creds: BindCredentials, signal: AbortSignal): Promise<OpenResult> =>
    ca.error !== undefined
      ? Promise.resolve({ ok: false, kind: 'network', message: ca.error })
      : openSession(endpoint(host), creds, signal);

  const poolFor = (host: string): ServicePool => {
    let pool = pools.get(host);
    if (!pool) {
      pool = new ServicePool({
        size: cfg.servicePoolSize,
        timeoutMs: cfg.timeoutMs,
        open: (signal) => open(host, serviceCredentials(cfg), signal),
      });
      pools.set(host, pool);
    }
    return pool;
  };

  async function groupClause(host: string, client: import('ldapts').Client): Promise<Filter | undefined> {
    if (!cfg.securityGroupDn) return undefined;
    const cached = groupCache.get(host);
    if (cached && cached.expires > Date.now()) return cached.filter;
    let rid: number | undefined;
    try {
      const res = await client.search(cfg.securityGroupDn, {
        scope: 'base',
        attributes: ['objectSid'],
        explicitBufferAttributes: ['objectSid', 'objectsid'],
        sizeLimit: 1,
      });
      const sid = res.searchEntries.length === 1 ? sidOf(res.searchEntries[0]!) : undefined;
      rid = sid ? ridFromSid(sid) : undefined;
    } catch (err) {
      // Not every directory has objectSid, and the group may not exist: then memberOf alone.
      if (!(err instanceof ResultCodeError) || (err.code !== NO_LDAP_OBJECT && err.code !== REFERRAL)) throw err;
    }
    if (rid === undefined) log.debug({ group: cfg.securityGroupDn }, 'security group has no usable objectSid; checking memberOf only');
    const filter = groupFilter(cfg.securityGroupDn, rid);
    groupCache.set(host, { filter, expires: Date.now() + GROUP_CACHE_MS });
    return filter;
  }

  async function findUser(host: string, client: import('ldapts').Client, lookup: UserLookup): Promise<Entry[]> {
    const filter = userFilter(lookup, await groupClause(host, client), extra);
    const res = await client.search(cfg.searchDn, {
      scope: 'sub',
      filter,
      attributes: [lookup.attribute, 'msDS-PrincipalName'],
    });
    return res.searchEntries;
  }

  async function tryHost(host: string, lookup: UserLookup, password: string, signal: AbortSignal): Promise<HostOutcome> {
    const pool = poolFor(host);
    let entries: Entry[] | undefined;
    // A pooled connection may have died since its last use (a directory restart): retry once.
    for (let attempt = 0; entries === undefined; attempt++) {
      const lease = await pool.acquire(signal);
      if (!lease.ok) {
        if (lease.kind === 'aborted') return { next: true };
        if (lease.kind === 'rejected') log.warn({ host }, `Initial LDAP bind to AD failed: '${lease.message}'`);
        else log.warn({ host, error: lease.message }, `Error sending AD auth request to '${host}'. Trying next fallback host...`);
        return { next: true };
      }
      try {
        entries = await untilAborted(findUser(host, lease.client, lookup), signal);
        lease.release();
      } catch (err) {
        if (signal.aborted) {
          // Still waiting at the deadline: this connection is wedged. Merely cancelled: keep it.
          if (isTimeout(signal)) lease.discard();
          else lease.release();
          return { next: true };
        }
        if (err instanceof ResultCodeError) {
          lease.release();
          log.warn({ host }, `LDAP search on AD service failed: '${(err as Error).message}'`);
          return { next: true };
        }
        lease.discard();
        if (attempt >= 1) {
          log.warn({ host, error: (err as Error).message }, `Error sending AD auth request to '${host}'. Trying next fallback host...`);
          return { next: true };
        }
        log.debug({ host, error: (err as Error).message }, 'pooled AD connection failed; retrying on a new one');
      }
    }

    const entry = pickEntry(entries, lookup.principalName);
    if (!entry) {
      log.info({ host, user: lookup.principalName, matches: entries.length }, 'no single AD user matched');
      return { final: fail(AdMessage.invalidUser) };
    }

    const user = await open(host, userCredentials(cfg, entry, lookup, password), signal);
    if (user.ok) {
      closeSession(user.socket);
      return { final: { ok: true, message: AdMessage.success, attributes: [] } };
    }
    if (user.kind === 'rejected') {
      log.info({ host, user: lookup.principalName, error: user.message }, 'AD user bind failed');
      return { final: fail(AdMessage.authFailed) };
    }
    if (user.kind === 'network') {
      log.warn({ host, error: user.message }, `Error sending AD auth request to '${host}'. Trying next fallback host...`);
    }
    return { next: true };
  }

  return {
    async authenticate(req: PrimaryAuthRequest, external?: AbortSignal): Promise<PrimaryAuthResult> {
      // AD takes a bind with an empty password as an anonymous bind, which succeeds.
      if (req.password === undefined || req.password === '') return fail(AdMessage.noPassword);
      const lookup = normaliseUsername(req.username, cfg);
      for (const host of cfg.hosts) {
        if (external?.aborted) return fail(AdMessage.cancelled);
        log.info({ server: req.server, host }, `Sending AD authentication request for '${req.username}' to '${host}'`);
        const deadline = AbortSignal.timeout(cfg.timeoutMs);
        const signal = external ? AbortSignal.any([deadline, external]) : deadline;
        const outcome = await tryHost(host, lookup, req.password, signal);
        if ('final' in outcome) return outcome.final;
        if (external?.aborted) return fail(AdMessage.cancelled);
        if (deadline.aborted) {
          log.warn({ host }, 'AD connection timed out');
          log.warn({ host }, `Error sending AD auth request to '${host}'. Trying next fallback host...`);
        }
      }
      log.warn({ server: req.server }, 'No remaining AD fallback hosts; returning authentication failure...');
      return fail(AdMessage.allHostsFailed);
    },
    async close() {
      const all = [...pools.values()];
      pools.clear();
      await Promise.all(all.map((p) => p.close()));
    },
  };
}

function fail(message: string): PrimaryAuthResult {
  return { ok: false, message, attributes: [] };
}

function serviceCredentials(cfg: ResolvedAdClientOptions): BindCredentials {
  if (cfg.authType === 'plain') return { kind: 'simple', dn: cfg.bindDn, password: cfg.serviceAccountPassword };
  return {
    kind: 'ntlm',
    version: cfg.authType === 'ntlm1' ? 1 : 2,
    dn: cfg.bindDn,
    username: cfg.serviceAccountUsername,
    password: cfg.serviceAccountPassword,
    domain: cfg.ntlmDomain,
    workstation: cfg.ntlmWorkstation,
  };
}

function userCredentials(cfg: ResolvedAdClientOptions, entry: Entry, lookup: UserLookup, password: string): BindCredentials {
  if (cfg.authType === 'plain') return { kind: 'simple', dn: entry.dn, password };
  return {
    kind: 'ntlm',
    version: cfg.authType === 'ntlm1' ? 1 : 2,
    dn: entry.dn,
    ...ntlmIdentity(entry, lookup),
    password,
    workstation: cfg.ntlmWorkstation,
  };
}

function sidOf(entry: Entry): Buffer | undefined {
  for (const [key, v] of Object.entries(entry)) {
    if (key.toLowerCase() !== 'objectsid') continue;
    const first = Array.isArray(v) ? v[0] : v;
    return Buffer.isBuffer(first) ? first : undefined;
  }
  return undefined;
}

/** The CA file is read once. If it can't be read, every connection fails (as a connection error,
 *  so each host is tried and logged) rather than silently trusting the system store. */
function readCa(cfg: ResolvedAdClientOptions, log: Logger): { pem: string | undefined; error?: string } {
  if (!cfg.sslCaCertsFile) return { pem: undefined };
  try {
    return { pem: readFileSync(cfg.sslCaCertsFile, 'utf8') };
  } catch (err) {
    const error = `cannot read ssl_ca_certs_file ${cfg.sslCaCertsFile}: ${(err as Error).message}`;
    log.error({ file: cfg.sslCaCertsFile }, error);
    return { pem: undefined, error };
  }
}

function extraFilter(cfg: ResolvedAdClientOptions, log: Logger): Filter | undefined {
  if (!cfg.ldapFilter) return undefined;
  const parsed = parseLdapFilter(cfg.ldapFilter);
  if (parsed.ok) return parsed.filter;
  log.error({ ldapFilter: cfg.ldapFilter, error: parsed.error }, 'ldap_filter could not be parsed and is ignored');
  return undefined;
}

function isTimeout(signal: AbortSignal): boolean {
  return (signal.reason as Error | undefined)?.name === 'TimeoutError';
}

function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
