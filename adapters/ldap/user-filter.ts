// Pure pieces of the ad_client lookup (reference §13): username normalisation, the search filter,
// the security-group clause, choosing the entry among several, and the identity for an NTLM user
// bind. Filters are built as ldapts filter objects and sent as BER, where a value is an opaque octet
// string: a username such as `*)(uid=*` can never change the filter's structure.
import { AndFilter, EqualityFilter, type Entry, type Filter, FilterParser, OrFilter } from 'ldapts';

export interface UserLookup {
  /** Attribute searched: username_attribute, or at_attribute when the name contains `@`. */
  attribute: string;
  value: string;
  /** Domain for an NTLM user bind: DOMAIN of `DOMAIN\user`, else ntlm_domain. */
  domain: string;
  /** The username as typed, compared with msDS-PrincipalName when several entries match. */
  principalName: string;
}

export interface LookupConfig {
  usernameAttribute: string;
  atAttribute: string;
  ntlmDomain: string;
}

export function normaliseUsername(username: string, cfg: LookupConfig): UserLookup {
  let value = username;
  let domain = cfg.ntlmDomain;
  const slash = username.indexOf('\\');
  if (cfg.usernameAttribute.toLowerCase() === 'samaccountname' && slash >= 0) {
    domain = username.slice(0, slash);
    value = username.slice(slash + 1);
  }
  const attribute = value.includes('@') ? cfg.atAttribute : cfg.usernameAttribute;
  return { attribute, value, domain, principalName: username };
}

/** AD users, RFC 2798 and core-schema people (Duo's user filter). */
const PERSON = new OrFilter({
  filters: [
    new AndFilter({
      filters: [
        new EqualityFilter({ attribute: 'objectClass', value: 'user' }),
        new EqualityFilter({ attribute: 'objectCategory', value: 'person' }),
      ],
    }),
    new EqualityFilter({ attribute: 'objectClass', value: 'inetOrgPerson' }),
    new EqualityFilter({ attribute: 'objectClass', value: 'organizationalPerson' }),
  ],
});

/** `(&(|(<attr>=<value>))<group clause><person clause><ldap_filter>)`. */
export function userFilter(lookup: UserLookup, group: Filter | undefined, extra: Filter | undefined): AndFilter {
  const filters: Filter[] = [
    new OrFilter({ filters: [new EqualityFilter({ attribute: lookup.attribute, value: lookup.value })] }),
  ];
  if (group) filters.push(group);
  filters.push(PERSON);
  if (extra) filters.push(extra);
  return new AndFilter({ filters });
}

/** `(|(memberof=<dn>)(primarygroupid=<rid>))`, or only memberof when the group's RID is unknown.
 *  Direct membership only, as in Duo's proxy (no matching-rule-in-chain). */
export function groupFilter(groupDn: string, rid: number | undefined): OrFilter {
  const filters: Filter[] = [new EqualityFilter({ attribute: 'memberof', value: groupDn })];
  if (rid !== undefined) filters.push(new EqualityFilter({ attribute: 'primarygroupid', value: String(rid) }));
  return new OrFilter({ filters });
}

export type ParsedFilter = { ok: true; filter: Filter } | { ok: false; error: string };

export function parseLdapFilter(text: string): ParsedFilter {
  try {
    return { ok: true, filter: FilterParser.parseString(text) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

/** The RID (last sub-authority) of a binary SID, or undefined if the bytes are not a SID. */
export function ridFromSid(sid: Buffer): number | undefined {
  if (sid.length < 12 || sid[0] !== 1) return undefined;
  const count = sid[1]!;
  if (count < 1 || sid.length !== 8 + 4 * count) return undefined;
  return sid.readUInt32LE(sid.length - 4);
}

/** First string value of an attribute, matching its name case-insensitively. */
export function attributeValue(entry: Entry, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, v] of Object.entries(entry)) {
    if (key.toLowerCase() !== lower || key === 'dn') continue;
    const first = Array.isArray(v) ? v[0] : v;
    if (first === undefined) return undefined;
    return Buffer.isBuffer(first) ? first.toString('utf8') : first;
  }
  return undefined;
}

/** One entry: the only one, or among several the single one whose msDS-PrincipalName equals the
 *  username as typed (case-insensitive). Otherwise undefined (`Invalid User`). */
export function pickEntry(entries: Entry[], principalName: string): Entry | undefined {
  if (entries.length === 1) return entries[0];
  const wanted = principalName.toLowerCase();
  const matches = entries.filter((e) => attributeValue(e, 'msDS-PrincipalName')?.toLowerCase() === wanted);
  return matches.length === 1 ? matches[0] : undefined;
}

/** Username and domain for an NTLM user bind: from the entry's msDS-PrincipalName (`DOM\name`) when
 *  the directory returns it, else from the login name. */
export function ntlmIdentity(entry: Entry, lookup: UserLookup): { username: string; domain: string } {
  const principal = attributeValue(entry, 'msDS-PrincipalName');
  const slash = principal?.indexOf('\\') ?? -1;
  if (principal !== undefined && slash > 0) return { domain: principal.slice(0, slash), username: principal.slice(slash + 1) };
  return { username: lookup.value, domain: lookup.domain };
}
