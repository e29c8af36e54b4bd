// The shared bus and challenge store of a multi-instance deployment ([main] nats_url). Without it the
// process runs embedded: in-process bus, in-memory store (startProxy's defaults).
import type { Bus } from '../adapters/bus/types.ts';
import type { Logger } from '../adapters/log/logger.ts';
import type { ChallengeStore } from '../adapters/store/types.ts';
import type { ProxyConfig, Role } from '../config/index.ts';
import { CHALLENGE_LIFETIME_MS } from '../machines/login-types.ts';

export interface Backplane {
  bus: Bus;
  store: ChallengeStore;
  close(): Promise<void>;
}

/** Connects to NATS when `[main] nats_url` is set (rejecting with one clear line when it is not
 *  reachable, unless `waitForNats`); undefined for the embedded default. */
export async function connectBackplane(
  config: ProxyConfig,
  logger: Logger,
  opts: { role?: Role; waitForNats?: boolean } = {},
): Promise<Backplane | undefined> {
  if (config.main.natsServers.length === 0) return undefined;
  // The NATS client is loaded only by a process configured to use it.
  const { connectNatsBackplane } = await import('../adapters/bus/nats-backplane.ts');
  return connectNatsBackplane(
    { natsServers: config.main.natsServers, natsUser: config.main.natsUser, natsPassword: config.main.natsPassword, natsCredsFile: config.main.natsCredsFile, natsCaFile: config.main.natsCaFile },
    {
      challengeLifetimeMs: CHALLENGE_LIFETIME_MS,
      logger: logger.child({ component: 'nats' }),
      role: opts.role ?? config.main.role,
      // Connection changes are logged by the NATS bus itself (nats_disconnected, nats_reconnected).
      bus: { waitForServer: opts.waitForNats ?? false },
    },
  );
}
