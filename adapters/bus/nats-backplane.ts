// Everything a process needs to share work over NATS, from the `[main]` options: one connection
// carrying both the bus and the challenge store (KV). engine/backplane.ts calls this when nats_url is
// set; without nats_url it returns undefined and the process runs embedded.
import { hostname } from 'node:os';
import type { Logger } from '../log/logger.ts';
import { openNatsKvStore } from '../store/nats-kv.ts';
import type { ChallengeStore } from '../store/types.ts';
import { connectNatsBus, type NatsBus, type NatsBusOptions } from './nats.ts';
import { type NatsMainConfig, natsOptionsFromConfig } from './nats-options.ts';

export interface NatsBackplane {
  bus: NatsBus;
  store: ChallengeStore;
  close(): Promise<void>;
}

export interface NatsBackplaneOptions {
  /** The challenge lifetime (the KV bucket's TTL): machines/login-types.ts CHALLENGE_LIFETIME_MS. */
  challengeLifetimeMs: number;
  logger?: Logger;
  /** e.g. 'listener', 'engine', 'both': part of the connection name the NATS monitor shows. */
  role?: string;
  /** Replicas of the KV bucket when it is first created (3 or 5 on a JetStream cluster). */
  replicas?: number;
  /** Passed through to connectNatsBus (waitForServer, timeouts, onStatus...). */
  bus?: Omit<NatsBusOptions, 'url' | 'user' | 'password' | 'credsFile' | 'caFile'>;
}

/** Connects (rejecting with one clear line on a bad option file or an unreachable server) and opens
 *  the challenge bucket. Undefined when `[main]` has no nats_url. */
export async function connectNatsBackplane(main: NatsMainConfig, o: NatsBackplaneOptions): Promise<NatsBackplane | undefined> {
  const auth = natsOptionsFromConfig(main);
  if (!auth) return undefined;
  const bus = await connectNatsBus({
    ...auth,
    name: `authproxy-${o.role ?? 'both'}-${hostname()}-${process.pid}`,
    ...(o.logger ? { log: o.logger } : {}),
    ...o.bus,
  });
  let store: ChallengeStore;
  try {
    store = await openNatsKvStore(bus.nc, { lifetimeMs: o.challengeLifetimeMs, replicas: o.replicas ?? 1, ...(o.logger ? { log: o.logger } : {}) });
  } catch (err) {
    await bus.close();
    throw new Error(`NATS: cannot open the challenge bucket (is JetStream enabled on the server? nats-server -js): ${(err as Error).message}`, { cause: err });
  }
  return {
    bus,
    store,
    async close() {
      await store.close();
      await bus.close();
    },
  };
}
