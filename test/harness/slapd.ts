// A private OpenLDAP slapd (Debian's 2.5) in a temp dir: its own cn=config (slapd-config.ts), TLS
// from a throw-away CA (test-ca.ts), listening on ldap://127.0.0.1:<port>, ldaps://127.0.0.1:<tlsPort>
// and an ldapi socket in the dir, loaded with users and groups (ldif.ts):
//
//   const srv = await slapd.start({ entries: { users: [{ uid: 'alice', password: 'pw', memberOf: ['vpn'] }] } });
//   t.after(() => srv.stop());
//   const client = new Client({ url: srv.url });
//   await client.startTLS({ ca: readFileSync(srv.caFile), servername: 'localhost' });
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { baseEntry, type DirectoryData, directoryEntries, renderEntry } from './ldif.ts';
import { isTcpOpen, LOOPBACK, withFreePorts } from './ports.ts';
import { runTool, runToolOrThrow, spawnServer, startupError, waitUntil } from './process.ts';
import { renderSlapdConfig } from './slapd-config.ts';
import { makeTestCertificates } from './test-ca.ts';
import { makeTempDir, removeTempDir } from './tmp.ts';

export type { DirectoryData, LdapGroup, LdapUser } from './ldif.ts';
export { AD_LIKE_SCHEMA, groupDn, userDn } from './ldif.ts';

export const SLAPD = '/usr/sbin/slapd';

export interface SlapdOptions {
  /** Default 'dc=example,dc=com' (its suffix entry is always created). */
  baseDn?: string;
  /** Default 'adminpw'; the admin DN is cn=admin,<baseDn>. */
  adminPassword?: string;
  /** Users and groups to create, or raw LDIF to add after the suffix entry. */
  entries?: DirectoryData | string;
  /** LDIF of extra schema entries (dn: cn=<name>,cn=schema,cn=config), e.g. AD_LIKE_SCHEMA. */
  extraSchema?: string;
  /** Default 10 000 ms. */
  startTimeoutMs?: number;
}

export interface SlapdServer {
  /** ldap://127.0.0.1:<port> (plain; StartTLS available). */
  url: string;
  /** ldaps://127.0.0.1:<tlsPort>. */
  ldapsUrl: string;
  /** ldapi://<socket in dir> (EXTERNAL bind as our uid manages cn=config). */
  ldapiUrl: string;
  host: string;
  port: number;
  tlsPort: number;
  baseDn: string;
  adminDn: string;
  adminPassword: string;
  /** The CA that signed the server certificate (CN=localhost, SAN DNS:localhost, IP:127.0.0.1). */
  caFile: string;
  certFile: string;
  pid: number;
  dir: string;
  logFile: string;
  logTail(lines?: number): string;
  /** Stops slapd (SIGTERM, then SIGKILL) and removes `dir`. Idempotent. */
  stop(): Promise<void>;
}

export async function start(opts: SlapdOptions = {}): Promise<SlapdServer> {
  const baseDn = opts.baseDn ?? 'dc=example,dc=com';
  const adminDn = `cn=admin,${baseDn}`;
  const adminPassword = opts.adminPassword ?? 'adminpw';
  const dir = await makeTempDir('slapd');
  try {
    await Promise.all(['slapd.d', 'db', 'tls'].map((d) => mkdir(join(dir, d))));
    const tls = await makeTestCertificates(join(dir, 'tls'));
    const config = renderSlapdConfig({ dir, baseDn, adminDn, adminPassword, ...tls, extraSchema: opts.extraSchema });
    await writeFile(join(dir, 'config.ldif'), config);
    await runToolOrThrow('slapadd', ['-n', '0', '-F', join(dir, 'slapd.d'), '-l', join(dir, 'config.ldif')]);
    const ldapiUrl = `ldapi://${encodeURIComponent(join(dir, 'ldapi'))}`;
    const server = await withFreePorts('tcp', 2, async ([port = 0, tlsPort = 0]) => {
      const proc = await launch(dir, port, tlsPort, ldapiUrl, opts.startTimeoutMs ?? 10_000);
      try {
        await load(dir, ldapiUrl, baseDn, adminDn, adminPassword, opts.entries);
      } catch (error) {
        await proc.stop();
        throw startupError(`slapd: loading entries failed: ${(error as Error).message}`, proc);
      }
      return { proc, port, tlsPort };
    });
    const { proc, port, tlsPort } = server;
    let stopping: Promise<void> | undefined;
    return {
      url: `ldap://${LOOPBACK}:${port}`,
      ldapsUrl: `ldaps://${LOOPBACK}:${tlsPort}`,
      ldapiUrl,
      host: LOOPBACK,
      port,
      tlsPort,
      baseDn,
      adminDn,
      adminPassword,
      caFile: tls.caFile,
      certFile: tls.certFile,
      pid: proc.pid,
      dir,
      logFile: proc.logFile,
      logTail: (lines) => proc.logTail(lines),
      stop() {
        stopping ??= proc.stop().then(() => removeTempDir(dir));
        return stopping;
      },
    };
  } catch (error) {
    await removeTempDir(dir);
    throw error;
  }
}

/** Starts slapd in the foreground (`-d none`: errors only) and waits until both ports answer. */
async function launch(dir: string, port: number, tlsPort: number, ldapiUrl: string, timeoutMs: number) {
  const logFile = join(dir, 'slapd.log');
  const urls = `ldap://${LOOPBACK}:${port}/ ldaps://${LOOPBACK}:${tlsPort}/ ${ldapiUrl}`;
  const proc = spawnServer({ command: SLAPD, args: ['-d', 'none', '-F', join(dir, 'slapd.d'), '-h', urls], logFile });
  try {
    await waitUntil(
      async () =>
        (await readFile(logFile, 'utf8')).includes('slapd starting') &&
        (await isTcpOpen(port)) &&
        (await isTcpOpen(tlsPort)),
      { what: `slapd on ${LOOPBACK}:${port}/${tlsPort}`, proc, timeoutMs },
    );
    // the root DSE answers: slapd is serving, not just listening
    const rootDse = await runTool('ldapsearch', ['-x', '-H', ldapiUrl, '-b', '', '-s', 'base', 'namingContexts']);
    if (rootDse.exitCode !== 0) throw startupError(`slapd: root DSE search failed: ${rootDse.stderr.trim()}`, proc);
  } catch (error) {
    await proc.stop();
    throw error;
  }
  return proc;
}

/** Adds the suffix entry and `entries` as the admin, over the ldapi socket (so the memberof overlay runs). */
async function load(
  dir: string,
  ldapiUrl: string,
  baseDn: string,
  adminDn: string,
  adminPassword: string,
  entries: DirectoryData | string | undefined,
): Promise<void> {
  const body =
    typeof entries === 'string'
      ? entries.trim()
      : directoryEntries(entries ?? {}, baseDn)
          .map(renderEntry)
          .join('\n\n');
  const ldif = `${renderEntry(baseEntry(baseDn))}\n\n${body}\n`;
  const ldifFile = join(dir, 'data.ldif');
  const passwordFile = join(dir, 'admin.pw');
  await writeFile(ldifFile, ldif);
  await writeFile(passwordFile, adminPassword, { mode: 0o600 }); // -y takes the whole file: no newline
  await runToolOrThrow('ldapadd', ['-x', '-H', ldapiUrl, '-D', adminDn, '-y', passwordFile, '-f', ldifFile]);
}
