// The shared bus and challenge store of a multi-instance deployment ([main] nats_url). Without it the
// process runs embedded: in-process bus, in-memory store (startProxy's defaults).
import type { Bus } from '../adapters/bus/types.ts';
import type { Logger } from '../adapters/log/logger.ts';
import type { ChallengeStore } from '../adapters/store/types.ts';
import type { ProxyConfig } from '../config/index.ts';

export interface Backplane {
  bus: Bus;
  store: ChallengeStore;
  close(): Promise<void>;
}

export async function connectBackplane(config: ProxyConfig, _logger: Logger): Promise<Backplane | undefined> {
  if (config.main.natsServers.length === 0) return undefined;
  throw new Error('nats_url is set but NATS support is not wired in yet');
}
