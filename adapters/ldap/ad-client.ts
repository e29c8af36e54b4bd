// Primary authentication against Active Directory or another LDAP directory: Duo's [ad_client]
// (reference §4.6 and §13). For each host in order: a pooled service-account connection searches for
// the user (filter, security group, ldap_filter), then the user's own bind, on a connection kept for
// user binds, checks the password. Connection failures, timeouts, a refused service bind and search errors move
// on to the next host; an unknown user and a refused user bind are final. The result messages are
// Duo's, word for word; the log lines are Duo's too.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { type Entry, ResultCodeError } from 'ldapts';
import type { PrimaryAuth, PrimaryAuthRequest, PrimaryAuthResult } from '../../machines/contracts.ts';
import type { Logger } from '../log/logger.ts';
import { timedOut, untilAborted } from './abort.ts';
import { type AdClientOptions, type ResolvedAdClientOptions, resolveAdClientOptions } from './options.ts';
import { BindPool } from './bind-pool.ts';
import { ServicePool } from './service-pool.ts';
import { type BindCredentials, type ConnectResult, connectSession, type Endpoint, openSession } from './session.ts';
import { normaliseUsername, ntlmIdentity, pickEntry, type UserLookup } from './user-filter.ts';
import { createUserSearch } from './user-search.ts';

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
  /** Closes the pooled connections. */
  close(): Promise<void>;
}

export interface AdClientDeps {
  logger: Logger;
}

/** What Duo's proxy says for auth_type=sspi anywhere but Windows. */
const SSPI_UNSUPPORTED = 'The SSPI bind type is only supported on Windows.';

type HostOutcome = { final: PrimaryAuthResult } | { next: true };

export function createAdClient(options: AdClientOptions, deps: AdClientDeps): AdClient {
  const cfg = resolveAdClientOptions(options, hostname().toUpperCase());
  const log = deps.logger;
  const ca = readCa(cfg, log);
  const search = createUserSearch(cfg, log);
  if (cfg.transport !== 'clear' && !cfg.sslCaCertsFile && !cfg.sslVerifyHostname) {
    log.warn({ transport: cfg.transport }, 'ssl_ca_certs_file is not set and ssl_verify_hostname is false: the AD server certificate is not verified');
  }

  const endpoint = (host: string): Endpoint => ({
    host,
    port: cfg.port,
    transport: cfg.transport,
    ca: ca.pem,
    verifyHostname: cfg.sslVerifyHostname,
  });
  // An unreadable CA file fails every connection (each host is tried and logged) rather than
  // falling back to the system store.
  const connect = (host: string, signal: AbortSignal): Promise<ConnectResult> =>
    ca.error !== undefined ? Promise.resolve({ ok: false, kind: 'network', message: ca.error }) : connectSession(endpoint(host), signal);

  const pools = new Map<string, { service: ServicePool; user: BindPool }>();
  const poolsFor = (host: string): { service: ServicePool; user: BindPool } => {
    let p = pools.get(host);
    if (!p) {
      const creds = serviceCredentials(cfg);
      p = {
        service: new ServicePool({
          size: cfg.servicePoolSize,
          timeoutMs: cfg.timeoutMs,
          open: async (signal) => {
            if (!creds) return { ok: false, kind: 'rejected', resultCode: 53, message: SSPI_UNSUPPORTED };
            if (ca.error !== undefined) return { ok: false, kind: 'network', message: ca.error };
            return openSession(endpoint(host), creds, signal);
          },
        }),
        user: new BindPool({ maxIdle: cfg.userBindPoolSize, connect: (signal) => connect(host, signal) }),
      };
      pools.set(host, p);
    }
    return p;
  };

  async function tryHost(host: string, lookup: UserLookup, password: string, signal: AbortSignal): Promise<HostOutcome> {
    const { service: pool, user: userBinds } = poolsFor(host);
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
        entries = await untilAborted(search.find(host, lease.client, lookup), signal);
        lease.release();
      } catch (err) {
        if (signal.aborted) {
          // Still waiting at the deadline: this connection is wedged. Merely cancelled: keep it.
          if (timedOut(signal)) lease.discard();
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

    const user = await userBinds.bind(userCredentials(cfg, entry, lookup, password), signal);
    if (user.ok) return { final: { ok: true, message: AdMessage.success, attributes: [] } };
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
      for (const p of all) p.user.close();
      await Promise.all(all.map((p) => p.service.close()));
    },
  };
}

function fail(message: string): PrimaryAuthResult {
  return { ok: false, message, attributes: [] };
}

/** The service account's bind credentials for the configured auth_type (undefined for sspi).
 *  Also used by the connectivity checks, so both bind exactly the same way. */
export function serviceCredentials(cfg: ResolvedAdClientOptions): BindCredentials | undefined {
  if (cfg.authType === 'sspi') return undefined;
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


/** The CA file is read once, at construction. */
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
