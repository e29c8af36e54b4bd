// A private Samba AD domain controller for tests (reference samba-ad.md): provisioned in a temp dir,
// started as one `samba` process serving only LDAP, and reached through a loopback relay on an
// ephemeral port. Samba's LDAP port is hard-coded (389), so samba runs in its own network namespace
// when `unshare` allows it (then nothing can clash with it) and the relay forwards to its ldapi unix
// socket, which lives in the temp dir. Provisioning takes ~4 s: do it once per test file.
// Needs the Debian packages samba, samba-ad-provision, samba-dsdb-modules and samba-vfs-modules.
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Attribute, Change, Client } from 'ldapts';
import { type ServerProcess, spawnServer, waitUntil } from '../../harness/process.ts';
import { makeTempDir, removeTempDir } from '../../harness/tmp.ts';

const run = promisify(execFile);

export const SAMBA_REALM = 'TEST.LOCAL';
export const SAMBA_DOMAIN = 'TEST';
export const SAMBA_BASE_DN = 'DC=test,DC=local';
const ADMIN_PASSWORD = 'Passw0rd!Admin';

export interface SambaDc {
  /** ldap://127.0.0.1:<port> (plain LDAP; Samba is configured to allow unsigned simple and NTLM binds). */
  url: string;
  host: string;
  port: number;
  baseDn: string;
  /** NetBIOS domain (TEST) and DNS domain (test.local). */
  domain: string;
  dnsDomain: string;
  adminDn: string;
  adminPassword: string;
  dir: string;
  /** Creates an enabled user (or disabled) under CN=Users; returns its DN. */
  addUser(name: string, password: string, opts?: { disabled?: boolean }): Promise<string>;
  /** Creates a global security group under CN=Users; returns its DN and RID. */
  addGroup(name: string): Promise<{ dn: string; rid: number }>;
  addMember(groupDn: string, memberDn: string): Promise<void>;
  /** Makes the group the user's primary group (the user must be a member first, as in AD). */
  setPrimaryGroup(userDn: string, rid: number): Promise<void>;
  stop(): Promise<void>;
}

export function sambaAvailable(): boolean {
  return spawnSync('samba-tool', ['--version'], { stdio: 'ignore' }).status === 0;
}

export async function startSamba(): Promise<SambaDc> {
  const dir = await makeTempDir('samba');
  let proc: ServerProcess | undefined;
  let relay: net.Server | undefined;
  let admin: Client | undefined;
  const cleanup = async (): Promise<void> => {
    await admin?.unbind().catch(() => {});
    relay?.close();
    await proc?.stop();
    await removeTempDir(dir);
  };
  try {
    await run(
      'samba-tool',
      [
        'domain',
        'provision',
        `--targetdir=${dir}`,
        `--realm=${SAMBA_REALM}`,
        `--domain=${SAMBA_DOMAIN}`,
        '--server-role=dc',
        '--dns-backend=NONE',
        `--adminpass=${ADMIN_PASSWORD}`,
        '--host-name=dc1',
        '--host-ip=127.0.0.1',
        '--option=interfaces=lo',
        '--option=bind interfaces only=yes',
      ],
      { maxBuffer: 16 * 1024 * 1024 },
    );
    for (const d of ['run', 'log', 'cache']) mkdirSync(join(dir, d), { recursive: true });
    const conf = join(dir, 'etc', 'smb.conf');
    writeFileSync(conf, smbConf(dir));

    const sambaArgs = ['-i', '-M', 'single', '--no-process-group', '-s', conf];
    // In its own network namespace samba's fixed ports can't clash with anything; fall back to the
    // host's loopback when namespaces are not allowed.
    const isolated = false && spawnSync('unshare', ['--net', '--', 'ip', 'link', 'set', 'lo', 'up'], { stdio: 'ignore' }).status === 0;
    proc = spawnServer({
      command: isolated ? 'unshare' : 'samba',
      args: isolated
        ? ['--net', '--', 'sh', '-c', 'ip link set lo up && exec samba "$@"', 'sh', ...sambaArgs]
        : sambaArgs,
      logFile: join(dir, 'samba.log'),
    });
    const ldapi = join(dir, 'private', 'ldapi');
    await waitUntil(() => canConnect(ldapi), { what: `samba (${ldapi})`, timeoutMs: 20_000, intervalMs: 50, proc });

    relay = net.createServer((client) => {
      const upstream = net.connect(ldapi);
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((r) => relay!.listen(0, '127.0.0.1', r));
    const port = (relay.address() as net.AddressInfo).port;
    const url = `ldap://127.0.0.1:${port}`;
    const adminDn = `CN=Administrator,CN=Users,${SAMBA_BASE_DN}`;
    admin = new Client({ url, timeout: 10000 });
    await admin.bind(adminDn, ADMIN_PASSWORD);
    const a = admin;

    const usersDn = `CN=Users,${SAMBA_BASE_DN}`;
    return {
      url,
      host: '127.0.0.1',
      port,
      baseDn: SAMBA_BASE_DN,
      domain: SAMBA_DOMAIN,
      dnsDomain: SAMBA_REALM.toLowerCase(),
      adminDn,
      adminPassword: ADMIN_PASSWORD,
      dir,
      async addUser(name, password, opts = {}) {
        const dn = `CN=${name},${usersDn}`;
        await a.add(dn, {
          objectClass: ['top', 'person', 'organizationalPerson', 'user'],
          sAMAccountName: name,
          userPrincipalName: `${name}@${SAMBA_REALM.toLowerCase()}`,
        });
        await a.modify(dn, [
          new Change({
            operation: 'replace',
            modification: new Attribute({ type: 'unicodePwd', values: [Buffer.from(`"${password}"`, 'utf16le')] }),
          }),
        ]);
        // 512 = normal account; 514 = normal + disabled.
        const uac = opts.disabled ? '514' : '512';
        await a.modify(dn, [
          new Change({ operation: 'replace', modification: new Attribute({ type: 'userAccountControl', values: [uac] }) }),
        ]);
        return dn;
      },
      async addGroup(name) {
        const dn = `CN=${name},${usersDn}`;
        await a.add(dn, { objectClass: ['top', 'group'], sAMAccountName: name });
        const res = await a.search(dn, { scope: 'base', attributes: ['objectSid'], explicitBufferAttributes: ['objectSid'] });
        const sid = res.searchEntries[0]?.objectSid;
        if (!Buffer.isBuffer(sid)) throw new Error(`no objectSid on ${dn}`);
        return { dn, rid: sid.readUInt32LE(sid.length - 4) };
      },
      async addMember(groupDn, memberDn) {
        await a.modify(groupDn, [
          new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [memberDn] }) }),
        ]);
      },
      async setPrimaryGroup(userDn, rid) {
        await a.modify(userDn, [
          new Change({ operation: 'replace', modification: new Attribute({ type: 'primaryGroupID', values: [String(rid)] }) }),
        ]);
      },
      stop: cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

function smbConf(dir: string): string {
  return `[global]
	netbios name = DC1
	realm = ${SAMBA_REALM}
	workgroup = ${SAMBA_DOMAIN}
	server role = active directory domain controller
	server services = ldap
	interfaces = lo
	bind interfaces only = yes
	private dir = ${dir}/private
	state directory = ${dir}/state
	cache directory = ${dir}/cache
	lock directory = ${dir}
	binddns dir = ${dir}/bind-dns
	pid directory = ${dir}/run
	ncalrpc dir = ${dir}/run/ncalrpc
	winbindd socket directory = ${dir}/run/winbindd
	ntp signd socket directory = ${dir}/run/ntp_signd
	log file = ${dir}/log/log.%m
	logging = file
	tls enabled = no
	# AD defaults refuse unsigned simple and NTLM binds on plain LDAP; Duo's proxy needs them
	# allowed (or TLS), as on most AD deployments before 2025.
	ldap server require strong auth = no
	# Duo's ntlm1 sends NTLMv1 responses, which Samba refuses by default (ntlmv2-only).
	ntlm auth = yes
	idmap_ldb:use rfc2307 = yes
`;
}

function canConnect(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
