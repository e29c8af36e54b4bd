// LDIF (RFC 2849) and DN (RFC 4514) writing, plus a small builder that turns users and groups into
// the LDIF a private slapd is loaded with.

/** `attr: value`, or `attr:: base64` when the value is not an LDIF SAFE-STRING. */
export function ldifLine(attr: string, value: string): string {
  const safe = /^(?:[\x01-\x09\x0b\x0c\x0e-\x1f\x21-\x39\x3b\x3d-\x7f][\x01-\x09\x0b\x0c\x0e-\x7f]*)?$/.test(value);
  return safe && !value.endsWith(' ') ? `${attr}: ${value}` : `${attr}:: ${Buffer.from(value, 'utf8').toString('base64')}`;
}

/** Escapes an attribute value for use inside a DN (RFC 4514 §2.4). */
export function escapeDnValue(value: string): string {
  return value
    .replace(/[\\,+"<>;=]/g, (c) => `\\${c}`)
    .replace(/\0/g, '\\00')
    .replace(/^([ #])/, '\\$1')
    .replace(/ $/, '\\ ');
}

export type LdifEntry = { dn: string; attributes: ReadonlyArray<readonly [string, string]> };

export function renderEntry(entry: LdifEntry): string {
  return [ldifLine('dn', entry.dn), ...entry.attributes.map(([a, v]) => ldifLine(a, v))].join('\n');
}

export interface LdapUser {
  uid: string;
  /** userPassword (stored as given; slapd compares cleartext). Omit for a user who cannot bind. */
  password?: string;
  /** Default: uid. */
  cn?: string;
  /** Default: uid. */
  sn?: string;
  mail?: string;
  /** The OU under the base DN; default 'people'. */
  ou?: string;
  /** cn of each group the user belongs to (created in ou=groups when not listed in `groups`). */
  memberOf?: readonly string[];
  /** Extra objectClasses, e.g. ['adLikeUser'] with AD_LIKE_SCHEMA. */
  objectClasses?: readonly string[];
  /** Extra attributes, e.g. { sAMAccountName: 'alice', 'msDS-PrincipalName': 'EXAMPLE\\alice' }. */
  attributes?: Readonly<Record<string, string | readonly string[]>>;
}

export interface LdapGroup {
  cn: string;
  /** Default 'groups'. */
  ou?: string;
  /** Member uids (of users in `users`) or full DNs (anything containing '='). */
  members?: readonly string[];
}

export interface DirectoryData {
  users?: readonly LdapUser[];
  groups?: readonly LdapGroup[];
}

/** The suffix entry for `baseDn`: dc=… gets dcObject + organization, o=… organization, ou=… an OU. */
export function baseEntry(baseDn: string): LdifEntry {
  const match = /^(dc|o|ou)=((?:[^,\\]|\\.)+)/i.exec(baseDn);
  const type = match?.[1]?.toLowerCase();
  const value = (match?.[2] ?? '').replace(/\\(.)/g, '$1');
  if (type === 'dc') {
    return { dn: baseDn, attributes: [['objectClass', 'dcObject'], ['objectClass', 'organization'], ['dc', value], ['o', value]] };
  }
  if (type === 'o') return { dn: baseDn, attributes: [['objectClass', 'organization'], ['o', value]] };
  if (type === 'ou') return { dn: baseDn, attributes: [['objectClass', 'organizationalUnit'], ['ou', value]] };
  throw new Error(`slapd harness: cannot create a base entry for ${baseDn} (use dc=, o= or ou=)`);
}

export const userDn = (user: LdapUser, baseDn: string) =>
  `uid=${escapeDnValue(user.uid)},ou=${escapeDnValue(user.ou ?? 'people')},${baseDn}`;

export const groupDn = (group: LdapGroup, baseDn: string) =>
  `cn=${escapeDnValue(group.cn)},ou=${escapeDnValue(group.ou ?? 'groups')},${baseDn}`;

/** Entries for the OUs, users and groups (groupOfNames; an empty group gets the base DN as member). */
export function directoryEntries(data: DirectoryData, baseDn: string): LdifEntry[] {
  const users = data.users ?? [];
  const groups = new Map<string, LdapGroup>();
  for (const group of data.groups ?? []) groups.set(group.cn, group);
  for (const user of users) for (const cn of user.memberOf ?? []) if (!groups.has(cn)) groups.set(cn, { cn });

  const ous = new Set([...users.map((u) => u.ou ?? 'people'), ...[...groups.values()].map((g) => g.ou ?? 'groups')]);
  const entries: LdifEntry[] = [...ous].map((ou) => ({
    dn: `ou=${escapeDnValue(ou)},${baseDn}`,
    attributes: [['objectClass', 'organizationalUnit'], ['ou', ou]],
  }));

  for (const user of users) {
    const attributes: [string, string][] = [
      ['objectClass', 'inetOrgPerson'],
      ...(user.objectClasses ?? []).map((oc): [string, string] => ['objectClass', oc]),
      ['uid', user.uid],
      ['cn', user.cn ?? user.uid],
      ['sn', user.sn ?? user.uid],
    ];
    if (user.mail !== undefined) attributes.push(['mail', user.mail]);
    if (user.password !== undefined) attributes.push(['userPassword', user.password]);
    for (const [name, value] of Object.entries(user.attributes ?? {})) {
      for (const v of typeof value === 'string' ? [value] : value) attributes.push([name, v]);
    }
    entries.push({ dn: userDn(user, baseDn), attributes });
  }

  const byUid = new Map(users.map((u) => [u.uid, userDn(u, baseDn)]));
  for (const group of groups.values()) {
    const members = new Set<string>();
    for (const m of group.members ?? []) members.add(m.includes('=') ? m : (byUid.get(m) ?? fail(`unknown member ${m}`)));
    for (const user of users) if (user.memberOf?.includes(group.cn)) members.add(userDn(user, baseDn));
    if (members.size === 0) members.add(baseDn);
    entries.push({
      dn: groupDn(group, baseDn),
      attributes: [['objectClass', 'groupOfNames'], ['cn', group.cn], ...[...members].map((m): [string, string] => ['member', m])],
    });
  }
  return entries;
}

function fail(message: string): never {
  throw new Error(`slapd harness: ${message}`);
}

/**
 * A small AD-like schema for `extraSchema`: sAMAccountName, userPrincipalName and msDS-PrincipalName
 * (Microsoft's OIDs) on an auxiliary class `adLikeUser` (OID under the RFC 5612 example arc).
 */
export const AD_LIKE_SCHEMA = `dn: cn=adlike,cn=schema,cn=config
objectClass: olcSchemaConfig
cn: adlike
olcAttributeTypes: ( 1.2.840.113556.1.4.221 NAME 'sAMAccountName' EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
olcAttributeTypes: ( 1.2.840.113556.1.4.656 NAME 'userPrincipalName' EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
olcAttributeTypes: ( 1.2.840.113556.1.4.1865 NAME 'msDS-PrincipalName' EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
olcObjectClasses: ( 1.3.6.1.4.1.32473.1.2.1 NAME 'adLikeUser' AUXILIARY MAY ( sAMAccountName $ userPrincipalName $ msDS-PrincipalName ) )
`;
