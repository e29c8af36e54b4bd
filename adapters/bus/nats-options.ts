// From `[main] nats_*` values to @nats-io/transport-node connect options. Files are read here, at
// startup, so an unreadable creds or CA file is one clear line instead of a TLS or auth error later.
// Never throws: the caller (CLI) turns `{ ok: false }` into its startup error.
import { readFileSync } from 'node:fs';
import { credsAuthenticator } from '@nats-io/transport-node';
import type { NodeConnectionOptions } from '@nats-io/transport-node';

/** The `[main]` NATS options as config/ gives them (ProxyConfig['main'] fits this shape). */
export interface NatsMainConfig {
  /** `nats_url` split into one URL per server; [] when unset. Preferred over natsUrl. */
  natsServers?: readonly string[] | undefined;
  /** `nats_url` as written (comma list) or already split. */
  natsUrl?: string | readonly string[] | undefined;
  natsUser?: string | undefined;
  natsPassword?: string | undefined;
  natsCredsFile?: string | undefined;
  natsCaFile?: string | undefined;
}

export interface NatsAuthOptions {
  /** One URL, a list, or a comma-separated list (`nats://a:4222,nats://b:4222`). */
  url: string | string[];
  user?: string | undefined;
  password?: string | undefined;
  /** A `.creds` file (JWT + NKey seed) as `nsc` writes it. */
  credsFile?: string | undefined;
  /** PEM file of the CA that signed the server's certificate; turns TLS on. */
  caFile?: string | undefined;
}

export type ConnectOptionsResult = { ok: true; options: NodeConnectionOptions } | { ok: false; error: string };

/** `[main]` values → the options connectNatsBus takes. Undefined when no `nats_url` (embedded mode). */
export function natsOptionsFromConfig(main: NatsMainConfig): NatsAuthOptions | undefined {
  const given = main.natsServers?.length ? main.natsServers : (main.natsUrl ?? []);
  const url = splitUrls(typeof given === 'string' ? given : [...given]);
  if (url.length === 0) return undefined;
  return { url, user: main.natsUser, password: main.natsPassword, credsFile: main.natsCredsFile, caFile: main.natsCaFile };
}

export function splitUrls(url: string | string[]): string[] {
  const list = Array.isArray(url) ? url : url.split(',');
  return list.map((u) => u.trim()).filter((u) => u.length > 0);
}

/** A URL safe to log: any `user:password@` part is removed. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/)[^@/]*@/i, '$1');
}

/** Authentication and TLS options; reads the creds and CA files. */
export function toConnectionOptions(o: NatsAuthOptions): ConnectOptionsResult {
  const servers = splitUrls(o.url);
  if (servers.length === 0) return { ok: false, error: 'nats_url: no server URL given; set nats_url=nats://host:4222' };
  if (o.credsFile && (o.user || o.password)) {
    return { ok: false, error: 'nats_creds_file and nats_user/nats_password are both set; use one of them' };
  }
  if ((o.user === undefined) !== (o.password === undefined)) {
    return { ok: false, error: 'nats_user and nats_password must be given together' };
  }
  const options: NodeConnectionOptions = { servers };
  if (o.user !== undefined && o.password !== undefined) {
    options.user = o.user;
    options.pass = o.password;
  }
  if (o.credsFile) {
    const creds = readFile(o.credsFile, 'nats_creds_file');
    if (!creds.ok) return creds;
    if (!/-----BEGIN NATS USER JWT-----/.test(creds.text) || !/-----BEGIN USER NKEY SEED-----/.test(creds.text)) {
      return { ok: false, error: `nats_creds_file: ${o.credsFile} is not a NATS .creds file (no user JWT and NKey seed in it)` };
    }
    options.authenticator = credsAuthenticator(new TextEncoder().encode(creds.text));
  }
  if (o.caFile) {
    const ca = readFile(o.caFile, 'nats_ca_file');
    if (!ca.ok) return ca;
    if (!ca.text.includes('-----BEGIN CERTIFICATE-----')) {
      return { ok: false, error: `nats_ca_file: ${o.caFile} holds no PEM certificate` };
    }
    options.tls = { ca: ca.text };
  }
  return { ok: true, options };
}

function readFile(path: string, option: string): { ok: true; text: string } | { ok: false; error: string } {
  try {
    return { ok: true, text: readFileSync(path, 'utf8') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : code;
    return { ok: false, error: `${option}: cannot read ${path} (${why}); give a readable file or remove the option` };
  }
}
