// The service account's search for the user (reference §13): the security-group clause (memberOf, or
// the primary group through the RID of the group's objectSid), the user filter with ldap_filter, and
// the search itself. LDAP errors propagate as ldapts ResultCodeErrors; connection errors as others.
import { type Client, type Entry, type Filter, ResultCodeError } from 'ldapts';
import type { Logger } from '../log/logger.ts';
import { groupFilter, parseLdapFilter, ridFromSid, type UserLookup, userFilter } from './user-filter.ts';

/** The group's objectSid changes only if the group is deleted and re-created; looking it up on every
 *  login (as Duo does) would cost a search each time, so the clause is kept a while per host. */
const GROUP_CACHE_MS = 5 * 60 * 1000;
const NO_SUCH_OBJECT = 32;
const REFERRAL = 10;

export interface UserSearchConfig {
  searchDn: string;
  securityGroupDn: string;
  ldapFilter: string | undefined;
}

export interface UserSearch {
  /** Entries matching the login; throws on LDAP or connection errors. */
  find(host: string, client: Client, lookup: UserLookup): Promise<Entry[]>;
}

export function createUserSearch(cfg: UserSearchConfig, log: Logger): UserSearch {
  const extra = extraFilter(cfg.ldapFilter, log);
  const groupCache = new Map<string, { filter: Filter; expires: number }>();

  async function groupClause(host: string, client: Client): Promise<Filter | undefined> {
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
      // The group may not exist, or be out of the server's naming contexts: then memberOf alone, as
      // for a directory without objectSid. Any other error is the search's failure.
      if (!(err instanceof ResultCodeError) || (err.code !== NO_SUCH_OBJECT && err.code !== REFERRAL)) throw err;
    }
    if (rid === undefined) log.debug({ group: cfg.securityGroupDn }, 'security group has no usable objectSid; checking memberOf only');
    const filter = groupFilter(cfg.securityGroupDn, rid);
    groupCache.set(host, { filter, expires: Date.now() + GROUP_CACHE_MS });
    return filter;
  }

  return {
    async find(host, client, lookup) {
      const filter = userFilter(lookup, await groupClause(host, client), extra);
      const res = await client.search(cfg.searchDn, {
        scope: 'sub',
        filter,
        attributes: [lookup.attribute, 'msDS-PrincipalName'],
      });
      return res.searchEntries;
    },
  };
}

function extraFilter(text: string | undefined, log: Logger): Filter | undefined {
  if (!text) return undefined;
  const parsed = parseLdapFilter(text);
  if (parsed.ok) return parsed.filter;
  log.error({ ldapFilter: text, error: parsed.error }, 'ldap_filter could not be parsed and is ignored');
  return undefined;
}

function sidOf(entry: Entry): Buffer | undefined {
  for (const [key, v] of Object.entries(entry)) {
    if (key.toLowerCase() !== 'objectsid') continue;
    const first = Array.isArray(v) ? v[0] : v;
    return Buffer.isBuffer(first) ? first : undefined;
  }
  return undefined;
}
