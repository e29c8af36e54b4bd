// Builds the engine's view of each server section from the parsed config: the login options, the
// section's secret lookup, its primary client and its Duo client.
import { platform, release } from 'node:os';
import { createDuoClient } from '../adapters/duo/client.ts';
import type { DuoClient } from '../adapters/duo/types.ts';
import type { Logger } from '../adapters/log/logger.ts';
import { createClientMatcher, parseNetwork, type ClientNetwork } from '../adapters/radius/networks.ts';
import type { ClientSection, ProxyConfig, ServerSection } from '../config/index.ts';
import type { PrimaryAuth } from '../machines/contracts.ts';
import { type LoginMode, loginOptions } from '../machines/login.ts';
import type { EngineServer } from './login-engine.ts';
import { createDuoOnlyClient } from './primary-duo-only.ts';

/** Builds the primary client of a client section (ad_client, radius_client); called once per
 *  client section, however many server sections use it. */
export type PrimaryFactory = (client: ClientSection, config: ProxyConfig, logger: Logger) => (PrimaryAuth & { close?(): Promise<void> | void }) | undefined;

export interface BuiltServers {
  servers: Map<string, EngineServer>;
  duoClients: DuoClient[];
  /** Closes every Duo and primary client (their sockets and pools). */
  close(): Promise<void>;
}

export function clientNetworks(s: ServerSection): ClientNetwork[] {
  return s.radiusClients.map((c) => {
    const parsed = parseNetwork(c.value);
    // check-config has already refused a bad value; an unparsable one here matches nothing.
    return { cidrs: parsed.ok ? parsed.cidrs : [], secret: c.secret };
  });
}

export function buildServers(config: ProxyConfig, logger: Logger, primaryFactory: PrimaryFactory): BuiltServers {
  const servers = new Map<string, EngineServer>();
  const duoClients: DuoClient[] = [];
  const primaries = new Map<string, PrimaryAuth & { close?(): Promise<void> | void }>();
  const sectionNames = ['main', ...config.servers.map((s) => s.name), ...Object.keys(config.clients)].sort().join(',');
  const userAgent = `authproxy/0.1.0 (${platform()} ${release()}; Node ${process.versions.node}; ${sectionNames})`;
  for (const s of config.servers) {
    const matcher = createClientMatcher([{ section: s.name, clients: clientNetworks(s) }]);
    const duo = createDuoClient({
      dialect: s.duoApi,
      ikey: s.ikey,
      skey: s.skey,
      apiHost: s.apiHost,
      apiPort: s.apiPort,
      caFile: s.httpCaCertsFile,
      httpProxy: s.httpProxyHost ? { host: s.httpProxyHost, port: s.httpProxyPort } : undefined,
      apiTimeoutSec: s.apiTimeout,
      userAgent,
      logger: logger.child({ server: s.name, component: 'duo' }),
    });
    duoClients.push(duo);
    servers.set(s.name, {
      name: s.name,
      integration: s.ikey,
      mode: s.type as LoginMode,
      options: loginOptions({
        failmode: s.failmode,
        factors: s.factors,
        delimiter: s.delimiter,
        delimitedPasswordLength: s.delimitedPasswordLength,
        allowConcat: s.allowConcat,
        promptFormat: s.promptFormat,
        enrollChallenge: s.enrollChallenge,
        exemptUsernames: s.exemptUsernames,
        loginTimeoutMs: s.loginTimeout * 1000,
        duoRequestTimeoutMs: s.apiTimeout * 1000,
      }),
      clientIpAttr: s.clientIpAttr,
      pwCodec: s.pwCodec,
      secretFor: (ip) => matcher.match(ip)?.secret,
      primary: primaryFor(s, config, logger, primaryFactory, primaries),
      clientName: s.client ?? 'duo_only_client',
      duo,
    });
  }
  return {
    servers,
    duoClients,
    async close() {
      for (const d of duoClients) d.close();
      await Promise.all([...primaries.values()].map((p) => p.close?.()));
    },
  };
}

function primaryFor(
  s: ServerSection,
  config: ProxyConfig,
  logger: Logger,
  factory: PrimaryFactory,
  cache: Map<string, PrimaryAuth & { close?(): Promise<void> | void }>,
): PrimaryAuth {
  // duo_only sections never run primary auth (reference §1, §10); the machine does not call it.
  if (s.client === undefined) return createDuoOnlyClient();
  const client = config.clients[s.client];
  if (!client || client.type === 'duo_only_client') return createDuoOnlyClient();
  const cached = cache.get(client.name);
  if (cached) return cached;
  const built = factory(client, config, logger.child({ client: client.name }));
  if (!built) throw new Error(`[${s.name}] client ${client.name}: ${client.type} is not supported yet`);
  cache.set(client.name, built);
  return built;
}

