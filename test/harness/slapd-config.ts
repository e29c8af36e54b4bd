// The cn=config LDIF of a private slapd (loaded with `slapadd -n 0`), after the script verified in
// libraries.md's appendix: core/cosine/nis/inetorgperson schema, an mdb database with the memberof
// overlay, TLS from the harness's test CA, and `manage` on cn=config for our own uid over ldapi.
import { ldifLine } from './ldif.ts';

export interface SlapdConfigInput {
  dir: string;
  baseDn: string;
  adminDn: string;
  adminPassword: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  /** LDIF of extra olcSchemaConfig entries (dn: cn=<name>,cn=schema,cn=config). */
  extraSchema?: string;
}

const SCHEMAS = ['core', 'cosine', 'nis', 'inetorgperson'];

export function renderSlapdConfig(c: SlapdConfigInput): string {
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  const peer = `gidNumber=${gid}+uidNumber=${uid},cn=peercred,cn=external,cn=auth`;
  return `dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: ${c.dir}/slapd.pid
olcTLSCACertificateFile: ${c.caFile}
olcTLSCertificateFile: ${c.certFile}
olcTLSCertificateKeyFile: ${c.keyFile}

dn: cn=module{0},cn=config
objectClass: olcModuleList
cn: module{0}
olcModulePath: /usr/lib/ldap
olcModuleLoad: back_mdb
olcModuleLoad: memberof

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

${SCHEMAS.map((s) => `include: file:///etc/ldap/schema/${s}.ldif`).join('\n')}

${c.extraSchema ? `${c.extraSchema.trim()}\n\n` : ''}dn: olcDatabase={-1}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {-1}frontend

dn: olcDatabase={0}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {0}config
olcAccess: {0}to * by dn.exact=${peer} manage by * break

dn: olcDatabase={1}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {1}mdb
${ldifLine('olcSuffix', c.baseDn)}
${ldifLine('olcRootDN', c.adminDn)}
${ldifLine('olcRootPW', c.adminPassword)}
olcDbDirectory: ${c.dir}/db
olcDbMaxSize: 67108864
olcDbIndex: objectClass eq
olcDbIndex: uid,member eq
olcAccess: {0}to attrs=userPassword by self write by anonymous auth by * none
olcAccess: {1}to * by * read

dn: olcOverlay={0}memberof,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcMemberOf
olcOverlay: {0}memberof
olcMemberOfRefInt: TRUE
olcMemberOfGroupOC: groupOfNames
olcMemberOfMemberAD: member
olcMemberOfMemberOfAD: memberOf
`;
}
