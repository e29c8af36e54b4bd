// The ad_client checks (reference §16.4), host by host in order: TCP connect, LDAP connect (TLS per
// transport), the service account's bind, and a search with the basic user filter (security group and
// ldap_filter included, no username). A failed step skips the later ones with Duo's texts. Every step
// is bounded by the section's per-host `timeout`. Sessions, binds (NTLM included) and the hand-over to
// ldapts are the ad_client's own (adapters/ldap).
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { AndFilter, type Client, type Filter, ResultCodeError, SizeLimitExceededError } from 'ldapts';
import { untilAborted } from '../../adapters/ldap/abort.ts';
import { serviceCredentials } from '../../adapters/ldap/ad-client.ts';
import { type ResolvedAdClientOptions, resolveAdClientOptions } from '../../adapters/ldap/options.ts';
import { ServicePool } from '../../adapters/ldap/service-pool.ts';
import { bindSession, closeSession, connectSession, type Endpoint, type LdapConnection } from '../../adapters/ldap/session.ts';
import { groupFilter, parseLdapFilter, ridFromSid, userFilter } from '../../adapters/ldap/user-filter.ts';
import type { AdClientSection } from '../../config/index.ts';
import * as M from './messages.ts';
import { fail, ok, type Outcome, skip, timed } from './result.ts';
import { tcpConnect } from './tcp.ts';
import type { CheckResult } from './types.ts';

const Step = { tcp: 'tcp connection', ldap: 'ldap connection', bind: 'bind', search: 'search' } as const;
const NO_SUCH_OBJECT = 32;
const REFERRAL = 10;
/** What Duo's proxy says for auth_type=sspi anywhere but Windows (as adapters/ldap/ad-client.ts). */
const SSPI_UNSUPPORTED = 'The SSPI bind type is only supported on Windows.';
const TLS_ERROR = /cert|self[-_ ]signed|unable to (verify|get)|ssl|tls|handshake|ssl_ca_certs_file/i;

export async function checkAdClient(section: AdClientSection): Promise<CheckResult[]> {
  const cfg = resolveAdClientOptions(section, hostname().toUpperCase());
  const ca = readCa(cfg.sslCaCertsFile);
  const results: CheckResult[] = [];
  for (const host of cfg.hosts) results.push(...(await checkHost(host, cfg, ca)));
  return results;
}

async function checkHost(host: string, cfg: ResolvedAdClientOptions, ca: { pem?: string; error?: string }): Promise<CheckResult[]> {
  const target = `${host}:${cfg.port}`;
  const skipAfter = (prereq: string, steps: string[]) => steps.map((s) => skip(s, target, M.skippedPrerequisite(s, prereq)));

  const tcp = await timed(Step.tcp, target, async () => {
    const r = await tcpConnect(host, cfg.port, cfg.timeoutMs);
    return r.ok ? ok(M.connectOk(host, cfg.port)) : fail(M.connectFailed(host, cfg.port), { detail: r.message });
  });
  if (tcp.status !== 'ok') return [tcp, ...skipAfter(Step.tcp, [Step.ldap, Step.bind, Step.search])];

  let conn: LdapConnection | undefined;
  const ldap = await timed(Step.ldap, target, async () => {
    const failed = (detail: string): Outcome =>
      fail(M.ldapConnectFailed(host, cfg.port), { detail, ...(cfg.transport !== 'clear' && TLS_ERROR.test(detail) ? { hint: M.bindHintCerts } : {}) });
    if (ca.error !== undefined) return failed(ca.error);
    const endpoint: Endpoint = { host, port: cfg.port, transport: cfg.transport, ca: ca.pem, verifyHostname: cfg.sslVerifyHostname };
    const r = await connectSession(endpoint, AbortSignal.timeout(cfg.timeoutMs));
    if (r.ok) {
      conn = r.conn;
      return ok(M.ldapConnectOk(host, cfg.port));
    }
    return failed(r.kind === 'aborted' ? `no LDAP session within ${cfg.timeoutMs} ms` : r.message);
  });
  if (!conn) return [tcp, ldap, ...skipAfter(Step.ldap, [Step.bind, Step.search])];
  const connection = conn;

  const who = cfg.serviceAccountUsername || cfg.bindDn;
  const bind = await timed(Step.bind, target, async () => {
    const failed = (detail: string, hint: string = M.bindHintCredentials) => fail(M.bindFailed(who), { hint, detail });
    const creds = serviceCredentials(cfg);
    if (!creds) return failed(SSPI_UNSUPPORTED);
    // A simple bind with an empty password is an anonymous bind, which succeeds: never send it.
    if (creds.password === '') return failed('service_account_password is empty');
    const r = await bindSession(connection, creds, AbortSignal.timeout(cfg.timeoutMs));
    if (r.ok) return ok(M.bindOk(who));
    if (r.kind === 'aborted') return failed(`no answer to the bind within ${cfg.timeoutMs} ms`);
    return failed(r.message, r.kind === 'network' && TLS_ERROR.test(r.message) ? M.bindHintCerts : M.bindHintCredentials);
  });
  if (bind.status !== 'ok') {
    closeSession(connection.socket);
    return [tcp, ldap, bind, ...skipAfter(Step.bind, [Step.search])];
  }

  // The bound socket goes to an ldapts Client the way the ad_client's service pool does it.
  const pool = new ServicePool({ size: 1, timeoutMs: cfg.timeoutMs, open: async () => ({ ok: true, socket: connection.socket }) });
  try {
    const search = await timed(Step.search, target, () => searchUsers(pool, cfg));
    return [tcp, ldap, bind, search];
  } finally {
    await pool.close();
  }
}

async function searchUsers(pool: ServicePool, cfg: ResolvedAdClientOptions): Promise<Outcome> {
  const signal = AbortSignal.timeout(cfg.timeoutMs);
  const lease = await pool.acquire(signal);
  if (!lease.ok) return fail(M.searchError(cfg.searchDn), { detail: lease.kind === 'aborted' ? 'timed out' : lease.message });
  let filter: AndFilter | undefined;
  try {
    const extra = cfg.ldapFilter === undefined ? undefined : parseLdapFilter(cfg.ldapFilter);
    if (extra && !extra.ok)
      return fail(`The Auth Proxy was not able to parse the LDAP filter ${cfg.ldapFilter}.  Please make sure it is a valid filter.`, { detail: extra.error });
    const group = await untilAborted(groupClause(lease.client, cfg.securityGroupDn), signal);
    filter = basicUserFilter(cfg.usernameAttribute, group, extra?.ok ? extra.filter : undefined);
    const res = await untilAborted(lease.client.search(cfg.searchDn, { scope: 'sub', filter, sizeLimit: 1, attributes: ['1.1'] }), signal);
    return res.searchEntries.length > 0 ? ok(M.searchOk) : fail(M.searchNoResults(cfg.searchDn, filter.toString()));
  } catch (err) {
    // More than the one entry asked for: there are users.
    if (err instanceof SizeLimitExceededError) return ok(M.searchOk);
    const detail = signal.aborted ? `no answer within ${cfg.timeoutMs} ms` : (err as Error).message;
    return fail(M.searchError(cfg.searchDn), { detail });
  } finally {
    lease.release();
  }
}

/** Duo's user filter without a username: `(&<group clause><person clause><ldap_filter>)`. Built from
 *  the ad_client's own userFilter, minus its first (username) element. */
export function basicUserFilter(usernameAttribute: string, group: Filter | undefined, extra: Filter | undefined): AndFilter {
  const full = userFilter({ attribute: usernameAttribute, value: '', domain: '', principalName: '' }, group, extra);
  return new AndFilter({ filters: full.filters.slice(1) });
}

/** The security-group clause as the ad_client builds it (adapters/ldap/user-search.ts): memberOf, or
 *  the primary group through the RID of the group's objectSid. */
async function groupClause(client: Client, groupDn: string): Promise<Filter | undefined> {
  if (!groupDn) return undefined;
  let rid: number | undefined;
  try {
    const res = await client.search(groupDn, { scope: 'base', attributes: ['objectSid'], explicitBufferAttributes: ['objectSid', 'objectsid'], sizeLimit: 1 });
    const entry = res.searchEntries[0];
    const sid = entry ? Object.entries(entry).find(([k]) => k.toLowerCase() === 'objectsid')?.[1] : undefined;
    const first = Array.isArray(sid) ? sid[0] : sid;
    rid = Buffer.isBuffer(first) ? ridFromSid(first) : undefined;
  } catch (err) {
    if (!(err instanceof ResultCodeError) || (err.code !== NO_SUCH_OBJECT && err.code !== REFERRAL)) throw err;
  }
  return groupFilter(groupDn, rid);
}

function readCa(path: string | undefined): { pem?: string; error?: string } {
  if (!path) return {};
  try {
    return { pem: readFileSync(path, 'utf8') };
  } catch (err) {
    return { error: `cannot read ssl_ca_certs_file ${path}: ${(err as Error).message}` };
  }
}
